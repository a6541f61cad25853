package io.labelledger.chain;

import static io.labelledger.testsupport.AnchorFixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.testsupport.AnchorFixtures;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.RpcRelay;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The service on two JSON-RPC endpoints of one chain (relays in front of the test chain that the
 * test can take down or make lose answers): reads and sends go on through the second when the
 * first is down, health shows each endpoint, and a send whose answer is lost mid-send is retried on
 * the other endpoint as the same transaction, so consents and anchors land once and each costs one
 * nonce.
 */
@ExtendWith(ChainExtension.class)
class RpcFailoverIT {
  private static final Map<String, String> CONFIG = Map.of(
      "LABELLEDGER_ANCHOR_MAX_BATCH_SIZE", "3",
      "LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "600000");
  private static TestChain chain;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
  }

  private static BigInteger nonce(String account) throws Exception {
    return chain.web3j().ethGetTransactionCount(account, DefaultBlockParameterName.LATEST).send().getTransactionCount();
  }

  private static Contributor consentingThroughTheService(TestApp app, String terms) {
    Contributor c = WorkFixtures.signedIn(app, chain);
    assertThat(WorkFixtures.postConsent(app, chain, c.key(), c.token(), terms).status()).isEqualTo(202);
    app.relayAndIndex();
    return c;
  }

  private static long grantsOf(TestApp app, Contributor c) {
    return count(app, "select count(*) from consent_events where kind = 'granted' and contributor = '"
        + c.address().toLowerCase() + "'");
  }

  @Test
  void readsAndSendsGoOnThroughTheSecondEndpointWhenTheFirstIsDown() throws Exception {
    try (RpcRelay first = new RpcRelay(chain.rpcUrl()); RpcRelay second = new RpcRelay(chain.rpcUrl());
        TestApp app = TestApp.start("RpcFailoverIT_down", CONFIG, chain, List.of(first.url(), second.url()))) {
      String terms = app.publishTerms("RPC failover IT terms (down)");
      Contributor before = consentingThroughTheService(app, terms);
      assertThat(first.requests()).as("the first endpoint served while it lived").isPositive();
      int secondBefore = second.requests();

      first.close();
      Contributor after = consentingThroughTheService(app, terms); // relayed (a send) and indexed (reads)
      assertThat(app.get("/api/consents/me", after.token()).json().get("consents").findValuesAsText("termsHash"))
          .contains(terms);
      long campaign = AnchorFixtures.campaign(app, terms, 20);
      long batches = AnchorFixtures.batchCount(app, chain);
      AnchorFixtures.contribute(app, before, campaign, 3);
      app.anchor();
      assertThat(AnchorFixtures.batchCount(app, chain) - batches).isEqualTo(1);
      AnchorFixtures.assertEveryBatchOnChainOnce(app, chain);
      assertThat(second.requests()).as("the second endpoint took over").isGreaterThan(secondBefore);

      TestApp.Reply ready = app.get("/health/ready");
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().at("/checks/chain").asText()).isEqualTo("up");
      JsonNode endpoints = ready.json().at("/details/chain/endpoints");
      assertThat(endpoints).hasSize(2);
      assertThat(endpoints.get(0).get("endpoint").asText()).isEqualTo(first.url());
      assertThat(endpoints.get(0).get("state").asText()).isEqualTo("down");
      assertThat(endpoints.get(0).get("current").asBoolean()).isFalse();
      assertThat(endpoints.get(0).get("retryInMs").asLong()).isPositive();
      assertThat(endpoints.get(1).get("state").asText()).isEqualTo("up");
      assertThat(endpoints.get(1).get("current").asBoolean()).isTrue();
    }
  }

  @Test
  void aSendWhoseAnswerIsLostMidSendIsRetriedAsTheSameTransaction() throws Exception {
    try (RpcRelay first = new RpcRelay(chain.rpcUrl()); RpcRelay second = new RpcRelay(chain.rpcUrl());
        TestApp app = TestApp.start("RpcFailoverIT_midsend", CONFIG, chain, List.of(first.url(), second.url()))) {
      String terms = app.publishTerms("RPC failover IT terms (mid-send)");
      app.relay(); // registers the terms
      long campaign = AnchorFixtures.campaign(app, terms, 20);
      Contributor worker = consentingThroughTheService(app, terms);

      // the consent relayer's batch: the node gets it through the first endpoint, the answer is lost
      BigInteger operatorNonce = nonce(app.operator().getAddress());
      first.loseSendAnswers(1);
      Contributor c = consentingThroughTheService(app, terms);
      assertThat(first.lostSendAnswers()).isEqualTo(1);
      assertThat(second.sends()).as("the same bytes went again through the second").isEqualTo(1);
      assertThat(nonce(app.operator().getAddress())).as("one transaction").isEqualTo(operatorNonce.add(BigInteger.ONE));
      assertThat(grantsOf(app, c)).as("granted once").isEqualTo(1);
      assertThat(count(app, "select count(*) from consent_requests where contributor = '"
          + c.address().toLowerCase() + "' and status = 'confirmed'")).isEqualTo(1);

      // an anchor: the same, now that the second endpoint is the current one and the first serves again.
      // (A first anchor before: Ganache 7.9 mines a nonce-0 transaction's bytes again when they come twice.)
      AnchorFixtures.contribute(app, worker, campaign, 3);
      app.anchor();
      BigInteger anchorerNonce = nonce(app.anchorerKey().getAddress());
      long batches = AnchorFixtures.batchCount(app, chain);
      int firstSends = first.sends();
      second.loseSendAnswers(1);
      AnchorFixtures.contribute(app, worker, campaign, 3);
      Thread.sleep(1_100); // the first endpoint's back-off after the lost answer ends
      chain.mine(1); // a block later than the signatures: no clock-tick transaction needed
      app.anchor();
      app.anchor();
      assertThat(second.lostSendAnswers()).isEqualTo(1);
      assertThat(first.sends()).as("the anchor's bytes again through the first").isEqualTo(firstSends + 1);
      assertThat(AnchorFixtures.batchCount(app, chain) - batches).as("anchored once").isEqualTo(1);
      assertThat(nonce(app.anchorerKey().getAddress())).as("one transaction")
          .isEqualTo(anchorerNonce.add(BigInteger.ONE));
      assertThat(count(app, "select count(*) from anchor_batches where state = 'anchored'")).isEqualTo(2);
      assertThat(count(app, "select max(attempts) from anchor_batches")).isEqualTo(1);
      AnchorFixtures.assertEveryBatchOnChainOnce(app, chain);
    }
  }
}
