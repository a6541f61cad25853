package io.labelledger.http;

import io.vertx.core.Handler;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure into the JSON error shape: {@link ApiException}s as they are, failures by
 * status (unknown route, wrong method, body too large) as the matching code, and anything else as
 * a 500 whose correlation id is both in the reply and in the log line carrying the stack trace.
 */
public final class FailureHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);
  /** What a client is told to wait when the database pool's wait queue is full. */
  static final long BUSY_RETRY_AFTER_SECONDS = 1;

  private final long jsonBodyLimit;

  public FailureHandler(long jsonBodyLimit) {
    this.jsonBodyLimit = jsonBodyLimit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (ctx.response().headWritten()) {
      LOG.warn("{} {} failed after its reply started: {}", ctx.request().method(), ctx.request().path(),
          failure == null ? ctx.statusCode() : failure.toString());
      ctx.response().reset();
      return;
    }
    ErrorResponder.send(ctx, toApiException(ctx, failure));
  }

  private ApiException toApiException(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof ConnectionPoolTooBusyException) {
      return new ApiException(ErrorCode.SERVICE_BUSY,
          Map.of(ErrorResponder.RETRY_AFTER_SECONDS, BUSY_RETRY_AFTER_SECONDS),
          "every database connection is in use and the wait queue is full", BUSY_RETRY_AFTER_SECONDS);
    }
    int status = failure instanceof HttpException http ? http.getStatusCode()
        : failure == null ? ctx.statusCode() : 500;
    String method = ctx.request().method().name();
    String path = ctx.request().path();
    switch (status) {
      case 404:
        return new ApiException(ErrorCode.ROUTE_NOT_FOUND, method, path);
      case 405:
        return new ApiException(ErrorCode.METHOD_NOT_ALLOWED, method, path);
      case 413:
        return new ApiException(ErrorCode.BODY_TOO_LARGE, jsonBodyLimit);
      case 415:
        return new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "application/json");
      default:
        if (status >= 400 && status < 500) {
          String reason = failure == null || failure.getMessage() == null ? "status " + status : failure.getMessage();
          return new ApiException(ErrorCode.BAD_REQUEST, reason);
        }
        String correlationId = UUID.randomUUID().toString();
        LOG.error("unexpected failure of {} {} [correlation id {}]", method, path, correlationId, failure);
        return new ApiException(ErrorCode.INTERNAL_ERROR, java.util.Map.of("correlationId", correlationId),
            correlationId);
    }
  }
}
