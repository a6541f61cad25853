package io.labelledger.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Vert.x delivers body bytes as they arrive; a handler that goes asynchronous (a database lookup)
 * before the body is consumed must pause the request, or the bytes are lost before the
 * BodyHandler or upload parser is attached. Those consumers resume it themselves; for routes that
 * never read the body, the request is resumed once the reply is sent so the connection can carry
 * its next request.
 */
public final class RequestPausing {
  private RequestPausing() {}

  public static void pauseUntilConsumed(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.isEnded()) {
      return;
    }
    request.pause();
    ctx.addEndHandler(done -> {
      if (!request.isEnded()) {
        request.resume();
      }
    });
  }
}
