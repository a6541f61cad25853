package io.labelledger.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes the one error shape: {@code {"error":{"code":"...","message":"...","details":{...}}}}. */
public final class ErrorResponder {
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
    response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("error", error).toBuffer());
  }
}
