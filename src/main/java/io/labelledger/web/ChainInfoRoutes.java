package io.labelledger.web;

import io.labelledger.chain.Deployment;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.JsonCodec;
import io.vertx.ext.web.Router;
import java.util.Optional;

/**
 * {@code GET /api/chain} (public): the chain id, the contract addresses and the public JSON-RPC
 * endpoint, if the operator publishes one, so a browser can read the chain itself (the proof
 * checks of the contributions page, the audit page) instead of trusting the service's word.
 */
public final class ChainInfoRoutes implements ApiModule {
  private final Optional<Deployment> deployment;
  private final Optional<String> publicRpcUrl;
  private final JsonCodec json;

  public ChainInfoRoutes(Optional<Deployment> deployment, Optional<String> publicRpcUrl, JsonCodec json) {
    this.deployment = deployment;
    this.publicRpcUrl = publicRpcUrl;
    this.json = json;
  }

  public record Contracts(String consentRegistry, String provenanceRegistry, String marketplace, String paymentToken) {}

  /** @param rpcUrl null when the operator publishes no endpoint */
  public record Reply(long chainId, String rpcUrl, Contracts contracts) {}

  @Override
  public void mount(Router router) {
    router.get("/api/chain").handler(ctx -> {
      Deployment d = deployment.orElseThrow(() -> new ApiException(ErrorCode.CHAIN_UNAVAILABLE,
          "no chain is configured for this service"));
      json.respond(ctx, 200, new Reply(d.chainId(), publicRpcUrl.orElse(null),
          new Contracts(d.consentRegistry(), d.provenanceRegistry(), d.marketplace(), d.paymentToken())));
    });
  }
}
