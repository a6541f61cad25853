package io.labelledger.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Function;

/**
 * Refuses a request with 429 and {@code Retry-After} when its key's bucket is empty. The key
 * function is given at wiring time (account when signed in, else client IP), so this class does
 * not know about authentication.
 */
public final class RateLimitHandler implements Handler<RoutingContext> {
  private final TokenBuckets buckets;
  private final Function<RoutingContext, String> keyOf;

  public RateLimitHandler(TokenBuckets buckets, Function<RoutingContext, String> keyOf) {
    this.buckets = buckets;
    this.keyOf = keyOf;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long retryAfter = buckets.tryAcquire(keyOf.apply(ctx));
    if (retryAfter == 0) {
      ctx.next();
      return;
    }
    ErrorResponder.send(ctx, new ApiException(ErrorCode.RATE_LIMITED,
        Map.of(ErrorResponder.RETRY_AFTER_SECONDS, retryAfter), retryAfter));
  }
}
