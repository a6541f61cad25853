package io.labelledger.indexer;

import static io.labelledger.testsupport.AnchorFixtures.count;
import static io.labelledger.testsupport.AnchorFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.dataset.DatasetPrerequisites;
import io.labelledger.testsupport.AnchorFixtures;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MarketCalls;
import io.labelledger.testsupport.MarketplaceFixture;
import io.labelledger.testsupport.SharesTree;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedDataSigner;
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
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.utils.Numeric;

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

    Fork fork = fork();
    sendConsent(alice, "revoke");
    sendConsent(bob, "grant");
    app.index();
    assertThat(valid(alice)).isFalse();
    assertThat(valid(bob)).isTrue();
    assertThat(app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", bob.token()).status()).isEqualTo(200);

    reorganise(fork, () -> sendConsent(carol, "grant"));
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
  void relayedConsentsReorganisedOutAreRelayedAgainOnce() {
    relayedConsentsReorganisedOut(true);
  }

  @Test
  void relayedConsentsReorganisedOutBeforeTheIndexerReadThemAreRelayedAgainOnce() {
    relayedConsentsReorganisedOut(false);
  }

  /**
   * Bob's signed grant and Alice's signed withdrawal are relayed and confirmed, then a reorganisation
   * removes both transactions ({@code indexedFirst}: after the indexer read their blocks, so it rolls
   * them back; else before, so it reads the new branch without their logs). Both are relayed again,
   * exactly once each, with the same signatures, and the chain and the service then agree.
   */
  private void relayedConsentsReorganisedOut(boolean indexedFirst) {
    Contributor alice = WorkFixtures.consenting(app, chain, terms);
    Contributor bob = WorkFixtures.signedIn(app, chain);
    app.relayAndIndex();

    Fork fork = fork();
    long sentBefore = relayerTransactions();
    long grant = accepted(WorkFixtures.postConsent(app, chain, bob.key(), bob.token(), terms));
    long withdrawal = accepted(postRevocation(alice));
    app.relay();
    assertThat(requestStatus(grant) + "," + requestStatus(withdrawal)).isEqualTo("confirmed,confirmed");
    String grantTx = requestTx(grant);
    String withdrawalTx = requestTx(withdrawal);
    assertThat(relayerTransactions()).isEqualTo(sentBefore + 2);
    if (indexedFirst) {
      app.index();
      assertThat(valid(bob)).isTrue();
      assertThat(valid(alice)).isFalse();
    }

    reorganise(fork, () -> chain.newAccount(1));
    assertThat(validOnChain(bob)).as("the grant left the chain").isFalse();
    assertThat(validOnChain(alice)).as("the withdrawal left the chain").isTrue();
    app.index();
    assertThat(requestStatus(grant) + "," + requestStatus(withdrawal))
        .as("the indexer found their transactions gone").isEqualTo("submitted,submitted");
    assertThat(valid(bob)).isFalse();
    assertThat(valid(alice)).as("the service no longer takes the withdrawal for done").isTrue();

    app.relay();
    assertThat(requestStatus(grant) + "," + requestStatus(withdrawal)).isEqualTo("confirmed,confirmed");
    assertThat(requestTx(grant)).isNotEqualTo(grantTx);
    assertThat(requestTx(withdrawal)).isNotEqualTo(withdrawalTx);
    app.relayAndIndex();
    app.relayAndIndex();
    assertThat(relayerTransactions()).as("each request sent exactly once more").isEqualTo(sentBefore + 2);
    assertThat(validOnChain(bob)).isTrue();
    assertThat(validOnChain(alice)).isFalse();
    assertThat(valid(bob)).isTrue();
    assertThat(valid(alice)).isFalse();
    assertThat(serviceSaysValid(bob)).isTrue();
    assertThat(serviceSaysValid(alice)).isFalse();
    assertThat(count(app, "select count(*) from consent_events where tx_hash in ('" + requestTx(grant) + "', '"
        + requestTx(withdrawal) + "')")).isEqualTo(2);
    assertThat(count(app, "select count(*) from consent_requests where id in (" + grant + ", " + withdrawal
        + ") and status = 'confirmed' and block_number > " + fork.head())).isEqualTo(2);
  }

  /**
   * With confirmations, a new branch not yet deep enough to be read: the indexer undoes the replaced
   * blocks at once and reads nothing, so only the rollback can put the request back; it does, and
   * the consent and the request's status agree again without waiting for the new branch to be read.
   */
  @Test
  void aRelayedConsentReorganisedOutIsReopenedAtTheRollback() {
    Contributor bob = WorkFixtures.signedIn(app, chain);
    app.relayAndIndex();
    try (TestApp deep = TestApp.sibling(app, Map.of("LABELLEDGER_CONFIRMATIONS", "2"))) {
      Fork fork = fork();
      long sentBefore = relayerTransactions();
      long grant = accepted(WorkFixtures.postConsent(app, chain, bob.key(), bob.token(), terms));
      app.relay();
      chain.mine(2);
      deep.index();
      assertThat(requestStatus(grant)).isEqualTo("confirmed");
      assertThat(valid(bob)).isTrue();

      chain.revert(fork.snapshot());
      chain.newAccount(1); // another transaction at the grant's height
      chain.mine(1);
      deep.index(); // the node's head is one block short of being read: nothing of the new branch is read
      assertThat(valid(bob)).isFalse();
      assertThat(requestStatus(grant)).as("put back by the rollback itself").isEqualTo("submitted");

      app.relay();
      assertThat(requestStatus(grant)).isEqualTo("confirmed");
      chain.mine(2);
      deep.index();
      assertThat(valid(bob)).isTrue();
      assertThat(requestStatus(grant)).isEqualTo("confirmed");
      assertThat(relayerTransactions()).isEqualTo(sentBefore + 1);
      assertThat(validOnChain(bob)).isTrue();
    }
    app.index();
  }

  /**
   * The contributor signs again, with the nonce the chain went back to, before the indexer notices
   * the reorganisation: the vanished request cannot go back to the queue beside the new one (one open
   * request per nonce). It fails, saying why, the indexer carries on, and the new one is relayed.
   */
  @Test
  void aReorganisedOutConsentSignedAgainMeanwhileIsNotSentTwice() {
    Contributor bob = WorkFixtures.signedIn(app, chain);
    app.relayAndIndex();
    Fork fork = fork();
    long sentBefore = relayerTransactions();
    long first = accepted(WorkFixtures.postConsent(app, chain, bob.key(), bob.token(), terms));
    app.relayAndIndex();
    assertThat(requestStatus(first)).isEqualTo("confirmed");

    reorganise(fork, () -> chain.newAccount(1));
    long now = Math.max(app.clock().instant().getEpochSecond(), chain.latestTimestamp());
    long again = accepted(app.postJson("/api/consents", TypedDataSigner.signed(TypedDataSigner.consent(
        app.deployment(), bob.address(), terms, now + 20 * DAY, WorkFixtures.nonceOf(app, chain, bob.address(), terms),
        now + 7200), bob.key()), bob.token()));
    assertThat(again).isNotEqualTo(first);
    app.index();
    assertThat(requestStatus(first)).isEqualTo("failed");
    assertThat(text(app, "select failure from consent_requests where id = " + first)).contains("reorganisation");
    app.relayAndIndex();
    assertThat(requestStatus(again)).isEqualTo("confirmed");
    assertThat(relayerTransactions()).as("only the new request was sent").isEqualTo(sentBefore + 1);
    assertThat(validOnChain(bob)).isTrue();
    assertThat(valid(bob)).isTrue();
  }

  @Test
  void aRelayedConsentMinedAgainOnTheNewBranchIsNotSentAgain() throws Exception {
    Contributor bob = WorkFixtures.signedIn(app, chain);
    app.relayAndIndex();

    Fork fork = fork();
    long sentBefore = relayerTransactions();
    long grant = accepted(WorkFixtures.postConsent(app, chain, bob.key(), bob.token(), terms));
    app.relayAndIndex();
    assertThat(requestStatus(grant)).isEqualTo("confirmed");
    String tx = requestTx(grant);
    String raw = signedAgain(tx);
    long firstBlock = count(app, "select block_number from consent_requests where id = " + grant);

    // the new branch: another transaction first, then the very same signed relaying transaction
    reorganise(fork, () -> {
      chain.newAccount(1);
      try {
        assertThat(chain.web3j().ethSendRawTransaction(raw).send().getTransactionHash()).isEqualTo(tx);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    app.index();
    assertThat(requestStatus(grant)).isEqualTo("submitted");
    app.relayAndIndex();
    assertThat(requestStatus(grant)).as("settled from the new branch's receipt").isEqualTo("confirmed");
    assertThat(requestTx(grant)).isEqualTo(tx);
    assertThat(count(app, "select block_number from consent_requests where id = " + grant)).isNotEqualTo(firstBlock);
    app.relayAndIndex();
    assertThat(relayerTransactions()).as("not sent again").isEqualTo(sentBefore + 1);
    assertThat(count(app, "select count(*) from consent_events where contributor = '" + bob.address().toLowerCase()
        + "'")).isEqualTo(1);
    assertThat(validOnChain(bob)).isTrue();
    assertThat(valid(bob)).isTrue();
  }

  @Test
  void anAnchorReorganisedOutIsSentAgainExactlyOnce() {
    Contributor alice = WorkFixtures.consenting(app, chain, terms);
    long campaign = AnchorFixtures.campaign(app, terms, 3);
    app.anchor(); // whatever earlier tests left
    AnchorFixtures.contribute(app, alice, campaign, 3);
    long batchesBefore = AnchorFixtures.batchCount(app, chain);

    Fork fork = fork();
    app.anchor();
    app.index();
    String batch = "(select max(id) from anchor_batches)";
    assertThat(text(app, "select state from anchor_batches where id = " + batch)).isEqualTo("anchored");
    String firstTx = text(app, "select tx_hash from anchor_batches where id = " + batch);
    assertThat(count(app, "select count(*) from chain_anchors where tx_hash = '" + firstTx + "'")).isEqualTo(1);

    reorganise(fork, () -> chain.newAccount(1)); // another transaction at the anchor's height
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

    Fork fork = fork();
    app.anchor();
    String batch = "(select max(id) from anchor_batches)";
    assertThat(text(app, "select state from anchor_batches where id = " + batch)).isEqualTo("anchored");

    reorganise(fork, () -> chain.newAccount(1));
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

    Fork fork = fork();
    MarketplaceFixture.succeeded(market.send(app.operator(), app.deployment().marketplace(),
        MarketCalls.reprice(listed, MarketplaceFixture.ONE.multiply(BigInteger.TWO))));
    BigInteger second = market.list(shares, MarketplaceFixture.ONE);
    MarketplaceFixture.succeeded(market.send(payee, app.deployment().marketplace(), MarketCalls.claim(listed, shares, 0)));
    app.index();
    assertThat(text(app, listing)).isEqualTo(MarketplaceFixture.ONE.multiply(BigInteger.TWO) + ":false");
    assertThat(count(app, "select count(*) from chain_listings where dataset_id = " + second)).isEqualTo(1);
    assertThat(count(app, "select count(*) from chain_claims where dataset_id = " + listed)).isEqualTo(1);

    reorganise(fork, () -> chain.newAccount(1));
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

    Fork fork = fork();
    market.buy(buyer, chainDataset);
    app.purchases();
    app.index();
    assertThat(app.get("/api/datasets/" + dataset + "/export?format=jsonl", buyerToken).status()).isEqualTo(200);
    assertThat(app.get("/api/licences/me", buyerToken).json().findValuesAsText("datasetId"))
        .contains(Long.toString(dataset));

    reorganise(fork, () -> chain.newAccount(1));
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

  /** Where a test's chain may later fork: a snapshot of it and the head block it was taken at. */
  private record Fork(String snapshot, long head) {}

  private static Fork fork() {
    return new Fork(chain.snapshot(), head());
  }

  /**
   * Reverts to the fork's snapshot, runs {@code newBranch} (other transactions) and mines until the
   * chain is past the old head, so every height the indexers read has a new hash.
   */
  private static void reorganise(Fork fork, Runnable newBranch) {
    long oldHead = head();
    String oldHash = hashAt(fork.head() + 1);
    chain.revert(fork.snapshot());
    assertThat(head()).isEqualTo(fork.head());
    newBranch.run();
    while (head() <= oldHead) {
      chain.mine(1);
    }
    assertThat(hashAt(fork.head() + 1)).as("a new block at the same height").isNotEqualTo(oldHash);
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

  private static long accepted(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    return reply.json().get("id").asLong();
  }

  /** Signs a withdrawal of the contributor's consent to the terms (current nonce) and posts it. */
  private static Reply postRevocation(Contributor who) {
    long now = Math.max(app.clock().instant().getEpochSecond(), chain.latestTimestamp());
    return app.postJson("/api/revocations", TypedDataSigner.signed(TypedDataSigner.revocation(app.deployment(),
        who.address(), terms, WorkFixtures.nonceOf(app, chain, who.address(), terms), now + 3600), who.key()),
        who.token());
  }

  private static String requestStatus(long id) {
    return text(app, "select status from consent_requests where id = " + id);
  }

  private static String requestTx(long id) {
    return text(app, "select tx_hash from consent_requests where id = " + id);
  }

  /** The relayer's (operator's) transactions on the chain: its account nonce. */
  private static long relayerTransactions() {
    try {
      return chain.web3j().ethGetTransactionCount(app.operator().getAddress(), DefaultBlockParameterName.LATEST)
          .send().getTransactionCount().longValueExact();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The relayer's transaction {@code txHash} signed again from its fields with the relayer's key:
   * the same signed bytes (deterministic signatures), so the same hash, to be mined on another branch.
   */
  private static String signedAgain(String txHash) throws IOException {
    Transaction t = chain.web3j().ethGetTransactionByHash(txHash).send().getTransaction().orElseThrow();
    RawTransaction raw = t.getMaxFeePerGas() == null
        ? RawTransaction.createTransaction(t.getNonce(), t.getGasPrice(), t.getGas(), t.getTo(), t.getValue(), t.getInput())
        : RawTransaction.createTransaction(chain.chainId(), t.getNonce(), t.getGas(), t.getTo(), t.getValue(),
            t.getInput(), t.getMaxPriorityFeePerGas(), t.getMaxFeePerGas());
    return Numeric.toHexString(TransactionEncoder.signMessage(raw, chain.chainId(), app.operator()));
  }

  /** Whether the registry itself says the contributor's consent to the terms is valid now. */
  private static boolean validOnChain(Contributor who) {
    try {
      return ConsentRegistry.load(app.deployment().consentRegistry(), chain.web3j(),
          new ReadonlyTransactionManager(chain.web3j(), who.address()), chain.gas())
          .isValid(who.address(), Hex.decode(terms)).send();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code GET /api/consents/me} shows the contributor's consent to the terms as valid. */
  private static boolean serviceSaysValid(Contributor who) {
    for (JsonNode c : app.get("/api/consents/me", who.token()).json().get("consents")) {
      if (c.get("termsHash").asText().equals(terms)) {
        return c.get("valid").asBoolean();
      }
    }
    return false;
  }

  private static boolean valid(Contributor who) {
    return count(app, "select count(*) from consent_state where contributor = '" + who.address().toLowerCase()
        + "' and revoked_at is null and expires_at > now()") == 1;
  }
}
