package io.labelledger.consent;

import io.labelledger.auth.Guards;
import io.labelledger.consent.SignedConsentRequests.ConsentRequest;
import io.labelledger.consent.SignedConsentRequests.RevocationRequest;
import io.labelledger.http.ApiModule;
import io.labelledger.http.JsonCodec;
import io.vertx.ext.web.Router;

/**
 * {@code POST /api/consents} and {@code POST /api/revocations} take a signed message for relaying
 * (202: stored, not yet on-chain); {@code GET /api/consents/me} shows the account's consent as the
 * chain says and its requests with their relaying status.
 */
public final class ConsentRoutes implements ApiModule {
  private final ConsentService consents;
  private final JsonCodec json;

  public ConsentRoutes(ConsentService consents, JsonCodec json) {
    this.consents = consents;
    this.json = json;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/consents").handler(json.bodyHandler()).handler(Guards.requireSession()).handler(ctx ->
        json.reply(ctx, 202, consents.submitConsent(Guards.account(ctx), json.decode(ctx, ConsentRequest.class))));
    router.post("/api/revocations").handler(json.bodyHandler()).handler(Guards.requireSession()).handler(ctx ->
        json.reply(ctx, 202, consents.submitRevocation(Guards.account(ctx),
            json.decode(ctx, RevocationRequest.class))));
    router.get("/api/consents/me").handler(Guards.requireSession()).handler(ctx ->
        json.reply(ctx, 200, consents.mine(Guards.account(ctx))));
  }
}
