package io.labelledger.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes the one error shape: {@code {"error":{"code":"...","message":"...","details":{...}}}}, with
 * {@code Retry-After} when the details say when to try again.
 */
public final class ErrorResponder {
  /** The detail that says when to try again; it is also sent as the {@code Retry-After} header. */
  public static final String RETRY_AFTER_SECONDS = "retryAfterSeconds";

  private ErrorResponder() {}

  public static void send(RoutingContext ctx, ApiException e) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    JsonObject error = new JsonObject()
        .put("code", e.code().name())
        .put("message", e.getMessage());
    if (!e.details().isEmpty()) {
      error.put("details", new JsonObject(new java.util.LinkedHashMap<>(e.details())));
    }
    int status = e.code().status();
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer");
    }
    Object retryAfter = e.details().get(RETRY_AFTER_SECONDS);
    if (retryAfter != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, retryAfter.toString());
    }
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", error).toBuffer());
  }
}
