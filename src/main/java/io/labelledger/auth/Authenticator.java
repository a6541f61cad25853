package io.labelledger.auth;

import io.labelledger.config.Secret;
import io.labelledger.http.ApiException;
import io.labelledger.http.RequestPausing;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads {@code Authorization: Bearer <token>} once per request and records who is calling (or
 * why the token was refused) in the routing context, for {@link Guards} and the rate limiter.
 * It never rejects by itself: public routes stay public whatever header is sent.
 */
public final class Authenticator implements Handler<RoutingContext> {
  static final String PRINCIPAL = "labelledger.principal";
  static final String REFUSAL = "labelledger.authRefusal";
  static final String BEARER_SENT = "labelledger.bearerSent";
  /** Set when the signed-in account is one of the configured operators. */
  static final String OPERATOR_ACCOUNT = "labelledger.operatorAccount";

  private final AuthService auth;
  private final Secret operatorToken;
  private final java.util.Set<String> operators;

  public Authenticator(AuthService auth, Secret operatorToken) {
    this(auth, operatorToken, java.util.Set.of());
  }

  /** {@code operators}: lower-case addresses whose sessions carry operator rights. */
  public Authenticator(AuthService auth, Secret operatorToken, java.util.Set<String> operators) {
    this.auth = auth;
    this.operatorToken = operatorToken;
    this.operators = java.util.Set.copyOf(operators);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String bearer = bearer(ctx);
    if (bearer == null) {
      ctx.next();
      return;
    }
    ctx.put(BEARER_SENT, Boolean.TRUE);
    if (operatorToken.matches(bearer)) {
      ctx.put(PRINCIPAL, new Principal.Operator());
      ctx.next();
      return;
    }
    RequestPausing.pauseUntilConsumed(ctx);
    auth.resolve(bearer).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(PRINCIPAL, ar.result());
        if (ar.result() instanceof Principal.Account a && operators.contains(a.address())) {
          ctx.put(OPERATOR_ACCOUNT, Boolean.TRUE);
        }
        ctx.next();
      } else if (ar.cause() instanceof ApiException refusal) {
        ctx.put(REFUSAL, refusal);
        ctx.next();
      } else {
        ctx.fail(ar.cause());
      }
    });
  }

  /** Key for rate limiting: the signed-in account or operator, else the client's IP address. */
  public static String rateLimitKey(RoutingContext ctx) {
    Principal principal = ctx.get(PRINCIPAL);
    if (principal != null) {
      return principal.rateLimitKey();
    }
    var remote = ctx.request().remoteAddress();
    return "ip:" + (remote == null ? "unknown" : remote.hostAddress());
  }

  private static String bearer(RoutingContext ctx) {
    String header = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String token = header.substring(7).trim();
    return token.isEmpty() ? null : token;
  }
}
