package io.labelledger.indexer;

import static io.labelledger.testsupport.AnchorFixtures.count;
import static io.labelledger.testsupport.AnchorFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.chain.Hex;
import io.labelledger.dataset.DatasetPrerequisites;
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
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Real reorganisations on the test chain, one per follower: {@code evm_snapshot}, events mined and
 * indexed, {@code evm_revert}, then other transactions mined at the same heights, so the indexers see
 * the same block numbers with new hashes. Each follower must undo what the replaced blocks gave, with
 * its consequences, and index the new branch. Raw JSON-RPC only, so it runs on whatever chain
 * {@link TestChain} gives (Ganache or Hardhat).
 */
@ExtendWith(ChainExtension.class)
class ReorgIT {
  private static final long DAY = 86_400;
  private static TestChain chain;
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = DatasetPrerequisites.startAnchoring("ReorgIT", Map.of("LABELLEDGER_CONFIRMATIONS", "0"), chain);
    terms = app.publishTerms("Reorg IT terms");
    app.relay(); // registers the terms on-chain, before any snapshot
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void consentsAreRederivedFromTheNewBranch() {
    Contributor alice = WorkFixtures.consenting(app, chain, terms);
    Contributor bob = WorkFixtures.signedIn(app, chain);
    Contributor carol = WorkFixtures.signedIn(app, chain);
    long campaign = AnchorFixtures.campaign(app, terms, 4);

    String fork = chain.snapshot();
    long forkHead = head();
    sendConsent(alice, "revoke");
    sendConsent(bob, "grant");
    app.index();
    assertThat(valid(alice)).isFalse();
    assertThat(valid(bob)).isTrue();
    assertThat(app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", bob.token()).status()).isEqualTo(200);

    reorganise(fork, forkHead, () -> sendConsent(carol, "grant"));
    app.index();
    assertThat(valid(alice)).as("the revocation vanished: alice's consent stands again").isTrue();
    assertThat(valid(bob)).as("the grant vanished").isFalse();
    assertThat(count(app, "select count(*) from consent_events where contributor = '" + bob.address().toLowerCase()
        + "'")).isZero();
    assertThat(valid(carol)).as("the new branch is indexed").isTrue();
    Reply refused = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", bob.token());
    assertThat(refused.errorCode()).as(refused.body()).isEqualTo("CONSENT_REQUIRED");
    assertThat(app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", carol.token()).status()).isEqualTo(200);
  }

  @Test
  void anAnchorReorganisedOutIsSentAgainExactlyOnce() {
    Contributor alice = WorkFixtures.consenting(app, chain, terms);
    long campaign = AnchorFixtures.campaign(app, terms, 3);
    app.anchor(); // whatever earlier tests left
    AnchorFixtures.contribute(app, alice, campaign, 3);
    long batchesBefore = AnchorFixtures.batchCount(app, chain);

    String fork = chain.snapshot();
    long forkHead = head();
    app.anchor();
    app.index();
    String batch = "(select max(id) from anchor_batches)";
    assertThat(text(app, "select state from anchor_batches where id = " + batch)).isEqualTo("anchored");
    String firstTx = text(app, "select tx_hash from anchor_batches where id = " + batch);
    assertThat(count(app, "select count(*) from chain_anchors where tx_hash = '" + firstTx + "'")).isEqualTo(1);

    reorganise(fork, forkHead, () -> chain.newAccount(1)); // another transaction at the anchor's height
    assertThat(AnchorFixtures.batchCount(app, chain)).as("the anchor left the chain").isEqualTo(batchesBefore);
    app.index();
    assertThat(count(app, "select count(*) from chain_anchors where tx_hash = '" + firstTx + "'")).isZero();
    assertThat(text(app, "select state from anchor_batches where id = " + batch)).isEqualTo("mined");

    app.anchor();
    app.anchor();
    app.index();
    assertThat(text(app, "select state from anchor_batches where id = " + batch)).isEqualTo("anchored");
    String secondTx = text(app, "select tx_hash from anchor_batches where id = " + batch);
    assertThat(secondTx).isNotEqualTo(firstTx);
    assertThat(AnchorFixtures.batchCount(app, chain)).as("anchored again, once").isEqualTo(batchesBefore + 1);
    assertThat(count(app, "select count(*) from chain_anchors a join anchor_batches b on b.root = a.root "
        + "and b.tx_hash = a.tx_hash and b.block_number = a.block_number where b.id = " + batch)).isEqualTo(1);
    AnchorFixtures.assertEveryBatchOnChainOnce(app, chain);
  }

  @Test
  void anAnchorReorganisedOutBeforeTheIndexerReadItIsSentAgain() {
    Contributor alice = WorkFixtures.consenting(app, chain, terms);
    long campaign = AnchorFixtures.campaign(app, terms, 3);
    app.anchor();
    app.index();
    AnchorFixtures.contribute(app, alice, campaign, 3);
    long batchesBefore = AnchorFixtures.batchCount(app, chain);

    String fork = chain.snapshot();
    long forkHead = head();
    app.anchor();
    String batch = "(select max(id) from anchor_batches)";
    assertThat(text(app, "select state from anchor_batches where id = " + batch)).isEqualTo("anchored");

    reorganise(fork, forkHead, () -> chain.newAccount(1));
    app.index();
    assertThat(text(app, "select state from anchor_batches where id = " + batch))
        .as("the indexer found no anchor where the anchorer recorded one").isEqualTo("mined");
    app.anchor();
    app.index();
    assertThat(text(app, "select state from anchor_batches where id = " + batch)).isEqualTo("anchored");
    assertThat(AnchorFixtures.batchCount(app, chain)).isEqualTo(batchesBefore + 1);
    AnchorFixtures.assertEveryBatchOnChainOnce(app, chain);
  }

  @Test
  void listingsAndClaimsAreRederivedFromTheNewBranch() {
    var market = MarketplaceFixture.of(chain, app.operator(), app.deployment().paymentToken(),
        app.deployment().marketplace());
    Credentials payee = chain.newAccount(1);
    SharesTree shares = SharesTree.of(List.of(payee.getAddress(), chain.newAccount(0).getAddress()), 3, 1);
    BigInteger listed = market.list(shares, MarketplaceFixture.ONE);
    Credentials buyer = market.newBuyerBuys(listed);
    app.index();
    String listing = "select price || ':' || delisted from chain_listings where dataset_id = " + listed;
    assertThat(text(app, listing)).isEqualTo(MarketplaceFixture.ONE + ":false");

    String fork = chain.snapshot();
    long forkHead = head();
    MarketplaceFixture.succeeded(market.send(app.operator(), app.deployment().marketplace(),
        MarketCalls.reprice(listed, MarketplaceFixture.ONE.multiply(BigInteger.TWO))));
    BigInteger second = market.list(shares, MarketplaceFixture.ONE);
    MarketplaceFixture.succeeded(market.send(payee, app.deployment().marketplace(), MarketCalls.claim(listed, shares, 0)));
    app.index();
    assertThat(text(app, listing)).isEqualTo(MarketplaceFixture.ONE.multiply(BigInteger.TWO) + ":false");
    assertThat(count(app, "select count(*) from chain_listings where dataset_id = " + second)).isEqualTo(1);
    assertThat(count(app, "select count(*) from chain_claims where dataset_id = " + listed)).isEqualTo(1);

    reorganise(fork, forkHead, () -> chain.newAccount(1));
    app.index();
    assertThat(text(app, listing)).as("the repricing vanished").isEqualTo(MarketplaceFixture.ONE + ":false");
    assertThat(count(app, "select count(*) from chain_listing_changes where dataset_id = " + listed)).isZero();
    assertThat(count(app, "select count(*) from chain_listings where dataset_id = " + second)).isZero();
    assertThat(count(app, "select count(*) from chain_claims where dataset_id = " + listed)).isZero();
    assertThat(count(app, "select count(*) from chain_purchases where dataset_id = " + listed + " and buyer = '"
        + buyer.getAddress().toLowerCase() + "'")).as("the purchase before the fork stays").isEqualTo(1);

    // the new branch: the claim again (another transaction), and a delisting
    TransactionReceipt claim = MarketplaceFixture.succeeded(market.send(payee, app.deployment().marketplace(),
        MarketCalls.claim(listed, shares, 0)));
    MarketplaceFixture.succeeded(market.send(app.operator(), app.deployment().marketplace(),
        MarketCalls.delist(listed)));
    app.index();
    assertThat(text(app, listing)).isEqualTo(MarketplaceFixture.ONE + ":true");
    assertThat(text(app, "select string_agg(tx_hash, ',') from chain_claims where dataset_id = " + listed))
        .isEqualTo(claim.getTransactionHash());
  }

  @Test
  void aPurchaseReorganisedOutIsNoLicence() throws Exception {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0.0);
    WorkFixtures.items(app, campaign, 2, 0);
    Contributor worker = WorkFixtures.consenting(app, chain, terms);
    AnchorFixtures.contribute(app, worker, campaign, 2);
    DatasetPrerequisites.aggregateByMajority(app.database(), campaign);
    DatasetPrerequisites.anchorAll(app, campaign);
    long dataset = DatasetPrerequisites.buildVersion(app, campaign, Map.of("price", "1000", "name", "Reorg",
        "confidenceBar", 0.5));
    JsonNode listed = DatasetPrerequisites.list(app, dataset);
    Credentials buyer = chain.newAccount(2);
    String buyerToken = app.signIn(buyer);
    var market = MarketplaceFixture.of(chain, app.operator(), app.deployment().paymentToken(),
        app.deployment().marketplace());
    market.faucet(buyer.getAddress(), BigInteger.valueOf(2000));
    BigInteger chainDataset = BigInteger.valueOf(listed.get("chainDatasetId").asLong());
    app.purchases();

    String fork = chain.snapshot();
    long forkHead = head();
    market.buy(buyer, chainDataset);
    app.purchases();
    app.index();
    assertThat(app.get("/api/datasets/" + dataset + "/export?format=jsonl", buyerToken).status()).isEqualTo(200);
    assertThat(app.get("/api/licences/me", buyerToken).json().findValuesAsText("datasetId"))
        .contains(Long.toString(dataset));

    reorganise(fork, forkHead, () -> chain.newAccount(1));
    app.purchases();
    app.index();
    Reply refused = app.get("/api/datasets/" + dataset + "/export?format=jsonl", buyerToken);
    assertThat(refused.status()).as(refused.body()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("LICENCE_REQUIRED");
    JsonNode licences = app.get("/api/licences/me", buyerToken).json();
    assertThat(licences.findValuesAsText("datasetId")).doesNotContain(Long.toString(dataset));
    assertThat(count(app, "select count(*) from chain_purchases where buyer = '" + buyer.getAddress().toLowerCase()
        + "'")).isZero();

    // bought again on the new branch: the licence is back, from that transaction
    TransactionReceipt bought = market.buy(buyer, chainDataset);
    app.purchases();
    assertThat(app.get("/api/datasets/" + dataset + "/export?format=jsonl", buyerToken).status()).isEqualTo(200);
    assertThat(text(app, "select tx_hash from dataset_purchases where buyer = '" + buyer.getAddress().toLowerCase()
        + "'")).isEqualTo(bought.getTransactionHash());
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Reverts to {@code snapshot}, runs {@code newBranch} (other transactions) and mines until the
   * chain is past the old head, so every height the indexers read has a new hash.
   */
  private static void reorganise(String snapshot, long forkHead, Runnable newBranch) {
    long oldHead = head();
    String oldHash = hashAt(forkHead + 1);
    chain.revert(snapshot);
    assertThat(head()).isEqualTo(forkHead);
    newBranch.run();
    while (head() <= oldHead) {
      chain.mine(1);
    }
    assertThat(hashAt(forkHead + 1)).as("a new block at the same height").isNotEqualTo(oldHash);
  }

  private static long head() {
    try {
      return chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String hashAt(long block) {
    try {
      return chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), false).send()
          .getBlock().getHash();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The contributor grants (30 days) or revokes consent directly on the registry, from their own key. */
  private static void sendConsent(Contributor who, String how) {
    Function call = "grant".equals(how)
        ? new Function("grant", List.of(new Bytes32(Hex.decode(terms)),
            new Uint256(chain.latestTimestamp() + 30 * DAY)), List.of())
        : new Function("revoke", List.of(new Bytes32(Hex.decode(terms))), List.of());
    TransactionReceipt receipt = chain.send(who.key(), app.deployment().consentRegistry(), call);
    assertThat(receipt.isStatusOK()).as("%s by %s", how, who.address()).isTrue();
  }

  private static boolean valid(Contributor who) {
    return count(app, "select count(*) from consent_state where contributor = '" + who.address().toLowerCase()
        + "' and revoked_at is null and expires_at > now()") == 1;
  }
}
