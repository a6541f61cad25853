package io.labelledger.indexer;

import static io.labelledger.testsupport.AnchorFixtures.count;
import static io.labelledger.testsupport.AnchorFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.AnchorFixtures;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MarketCalls;
import io.labelledger.testsupport.MarketplaceFixture;
import io.labelledger.testsupport.SharesTree;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/**
 * The chain indexer with a confirmation depth of 2 on real Ganache: consents, anchors, listings,
 * purchases and claims appear only once buried 2 blocks deep, and re-reading from the start (a
 * cursor reset, a restarted instance) changes nothing.
 */
@ExtendWith(ChainExtension.class)
class ChainIndexerIT {
  private static final int DEPTH = 2;
  private static final String SNAPSHOT = "select (select count(*) from consent_events) || '/' || "
      + "(select count(*) from consent_state) || '/' || (select count(*) from chain_anchors) || '/' || "
      + "(select count(*) from chain_listings) || '/' || (select count(*) from chain_listing_changes) || '/' || "
      + "(select count(*) from chain_purchases) || '/' || (select count(*) from chain_claims) || '/' || "
      + "(select string_agg(dataset_id || ':' || price || ':' || delisted, ',' order by dataset_id) from chain_listings) "
      + "|| '/' || (select string_agg(chain_batch_id || ':' || leaf_count, ',') from chain_anchors)";
  private static final Map<String, String> CONFIG = Map.of("LABELLEDGER_CONFIRMATIONS", Integer.toString(DEPTH),
      "LABELLEDGER_ANCHOR_MAX_BATCH_SIZE", "3");
  private static TestChain chain;
  private static TestApp app;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("ChainIndexerIT", CONFIG, chain);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void followsConsentsAnchorsAndTheMarketplaceBehindTheConfirmationDepthAndRereadsHarmlessly() throws Exception {
    // a consent is relayed, but counts only once buried
    String terms = app.publishTerms("Chain indexer IT terms");
    Credentials key = chain.newAccount(1);
    Contributor alice = new Contributor(key, app.signIn(key));
    app.relay(); // registers the terms
    Reply posted = WorkFixtures.postConsent(app, chain, key, alice.token(), terms);
    assertThat(posted.status()).as(posted.body()).isEqualTo(202);
    app.relayAndIndex();
    assertThat(count(app, "select count(*) from consent_state")).as("not deep enough yet").isZero();
    chain.mine(DEPTH);
    app.index();
    assertThat(count(app, "select count(*) from consent_state where revoked_at is null")).isEqualTo(1);

    // an anchor: mined, then anchored and indexed once buried
    long campaign = AnchorFixtures.campaign(app, terms, 3);
    AnchorFixtures.contribute(app, alice, campaign, 3);
    app.anchor();
    assertThat(text(app, "select state from anchor_batches")).isEqualTo("mined");
    app.index();
    assertThat(count(app, "select count(*) from chain_anchors")).isZero();
    Reply me = app.get("/api/contributions/me", alice.token());
    assertThat(me.json().at("/contributions/0/anchor").asText()).isEqualTo("mined");
    chain.mine(DEPTH);
    app.anchor();
    app.index();
    assertThat(text(app, "select state from anchor_batches")).isEqualTo("anchored");
    assertThat(count(app, "select count(*) from chain_anchors a join anchor_batches b "
        + "on b.chain_batch_id = a.chain_batch_id and b.root = a.root and b.tx_hash = a.tx_hash "
        + "and b.block_number = a.block_number and b.leaf_count = a.leaf_count")).isEqualTo(1);

    // the marketplace: a listing repriced, a purchase, a claim
    var market = MarketplaceFixture.of(chain, app.operator(), app.deployment().paymentToken(),
        app.deployment().marketplace());
    Credentials payee = chain.newAccount(1);
    SharesTree shares = SharesTree.of(List.of(payee.getAddress(), chain.newAccount(0).getAddress()), 3, 1);
    BigInteger dataset = market.list(shares, MarketplaceFixture.ONE);
    MarketplaceFixture.succeeded(market.send(app.operator(), app.deployment().marketplace(),
        MarketCalls.reprice(dataset, MarketplaceFixture.ONE.multiply(BigInteger.TWO))));
    Credentials buyer = market.newBuyerBuys(dataset);
    MarketplaceFixture.succeeded(market.send(payee, app.deployment().marketplace(), MarketCalls.claim(dataset, shares, 0)));
    app.index();
    assertThat(count(app, "select count(*) from chain_claims")).as("claim not deep enough").isZero();
    chain.mine(DEPTH);
    app.index();
    assertThat(count(app, "select count(*) from chain_listings where dataset_id = " + dataset
        + " and price = " + MarketplaceFixture.ONE.multiply(BigInteger.TWO) + " and not delisted")).isEqualTo(1);
    assertThat(count(app, "select count(*) from chain_purchases where dataset_id = " + dataset + " and buyer = '"
        + buyer.getAddress().toLowerCase() + "'")).isEqualTo(1);
    assertThat(count(app, "select count(*) from chain_claims where dataset_id = " + dataset + " and account = '"
        + payee.getAddress().toLowerCase() + "' and amount > 0")).isEqualTo(1);

    long head = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    // (the purchase indexer's own cursor runs on its own timer and is not this indexer's)
    assertThat(count(app, "select count(*) from chain_cursor where name not like '%:purchases:%' and next_block = "
        + (head - DEPTH + 1))).as("every follower's cursor just past the confirmed head").isEqualTo(3);
    String before = text(app, SNAPSHOT);

    // re-reading everything from the deployment block changes nothing
    AnchorFixtures.execute(app, "update chain_cursor set next_block = " + app.deployment().deployedAtBlock());
    app.index();
    assertThat(text(app, SNAPSHOT)).isEqualTo(before);

    // nor does a restarted instance, nor new blocks without events
    try (TestApp restarted = TestApp.sibling(app, CONFIG)) {
      chain.mine(DEPTH + 1);
      restarted.index();
      restarted.index();
    }
    assertThat(text(app, SNAPSHOT)).isEqualTo(before);
    assertThat(before).startsWith("1/1/1/1/1/1/1/");
  }
}
