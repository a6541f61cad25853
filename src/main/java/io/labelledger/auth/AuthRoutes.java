package io.labelledger.auth;

import io.labelledger.http.ApiModule;
import io.labelledger.http.JsonCodec;
import io.vertx.ext.web.Router;
import java.time.Instant;

/** {@code /api/auth/*} and {@code /api/me}. */
public final class AuthRoutes implements ApiModule {
  private final AuthService auth;
  private final JsonCodec json;
  private final String siweDomain;
  private final long chainId;

  public AuthRoutes(AuthService auth, JsonCodec json, String siweDomain, long chainId) {
    this.auth = auth;
    this.json = json;
    this.siweDomain = siweDomain;
    this.chainId = chainId;
  }

  /** What a client needs to build the SIWE message. */
  public record NonceReply(String nonce, Instant expiresAt, String domain, long chainId) {}

  /** {@code operator}: whether this account has operator rights ({@code auth.operators}). */
  public record MeReply(String address, Instant sessionExpiresAt, boolean operator) {}

  @Override
  public void mount(Router router) {
    router.get("/api/auth/nonce").handler(ctx -> json.reply(ctx, 200, auth.issueNonce()
        .map(n -> new NonceReply(n.nonce(), n.expiresAt(), siweDomain, chainId))));

    router.post("/api/auth/siwe").handler(json.bodyHandler()).handler(ctx -> {
      SiweRequest request = json.decode(ctx, SiweRequest.class);
      json.reply(ctx, 200, auth.signIn(request.message(), request.signature()));
    });

    router.post("/api/auth/logout").handler(Guards.requireSession()).handler(ctx ->
        auth.logout(Guards.account(ctx)).onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.fail(ar.cause());
          }
        }));

    router.get("/api/me").handler(Guards.requireSession()).handler(ctx -> {
      Principal.Account account = Guards.account(ctx);
      json.respond(ctx, 200, new MeReply(account.address(), account.expiresAt(),
          Guards.isOperatorAccount(ctx)));
    });
  }
}
