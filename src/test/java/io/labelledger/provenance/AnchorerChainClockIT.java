package io.labelledger.provenance;

import static io.labelledger.testsupport.AnchorFixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.testsupport.AnchorFixtures;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MarketplaceFixture;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedDataSigner;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;

/**
 * The anchorer never anchors a contribution signed later than the chain's clock: the block that
 * anchors a batch must not be earlier than any {@code submittedAt} in it (the verifier's
 * {@code anchored-after-signing}), and the service accepts {@code submittedAt} up to 300 s ahead of
 * its own clock. Such work waits for a later batch; on a chain that mines only for transactions
 * (Ganache), a due batch that waits only for the chain's clock gets a block minted for it.
 */
@ExtendWith(ChainExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnchorerChainClockIT {
  private static TestChain chain;
  private static TestApp app;
  private static Contributor alice;
  private static long campaign;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("AnchorerChainClockIT", Map.of("LABELLEDGER_ANCHOR_MAX_BATCH_SIZE", "10",
        "LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "0"), chain);
    String terms = app.publishTerms("Anchorer chain clock IT terms");
    alice = WorkFixtures.consenting(app, chain, terms);
    campaign = AnchorFixtures.campaign(app, terms, 10);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  @Order(1)
  void holdsBackWorkSignedAheadOfTheChainsClockUntilTheChainHasPassedIt() {
    long chainNow = chain.latestTimestamp();
    app.clock().catchUp(Instant.ofEpochSecond(chainNow)); // a chain moved ahead by earlier test classes
    long serviceNow = app.clock().instant().getEpochSecond();
    assertThat(serviceNow).as("the service's clock is not ahead of the chain's here").isLessThanOrEqualTo(chainNow);
    long onTime = contribute(serviceNow);
    long ahead = contribute(chainNow + 120); // accepted: within the 300 s the service allows

    app.anchor();

    assertThat(anchored(onTime)).as("signed before the chain's latest block: anchored").isTrue();
    assertThat(count(app, "select count(*) from contributions where batch_id is null and id = " + ahead))
        .as("signed after the chain's latest block: not in any batch").isEqualTo(1);
    app.anchor();
    assertThat(count(app, "select count(*) from contributions where batch_id is null and id = " + ahead))
        .as("still waiting: the service's clock has not reached it either, so nothing is minted for it").isEqualTo(1);

    chain.increaseTime(200);
    app.anchor();

    assertThat(anchored(ahead)).as("the chain's clock passed it: anchored in a later batch").isTrue();
    assertThat(chainBatch(ahead)).isGreaterThan(chainBatch(onTime));
    assertThat(anchoredAt(ahead)).isGreaterThanOrEqualTo(chainNow + 120);
    assertThat(anchoredAt(onTime)).isGreaterThanOrEqualTo(serviceNow);
    AnchorFixtures.assertEveryBatchOnChainOnce(app, chain);
  }

  @Test
  @Order(2)
  void aBatchWaitingOnlyForAnIdleChainsClockGetsABlockMintedAndIsAnchoredInTheSameRound() throws Exception {
    long chainNow = chain.latestTimestamp();
    app.clock().catchUp(Instant.ofEpochSecond(chainNow + 2));
    long signed = contribute(chainNow + 1);
    Thread.sleep(1_500); // the idle chain's next block will be at least a second later than its latest
    long blockBefore = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();

    app.anchor();

    assertThat(anchored(signed)).as("anchored after the anchorer made the chain mint a block").isTrue();
    assertThat(anchoredAt(signed)).isGreaterThanOrEqualTo(chainNow + 1);
    long blockAfter = chain.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    int selfTransfers = 0;
    for (long b = blockBefore + 1; b <= blockAfter; b++) {
      EthBlock.Block block = chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(b)),
          true).send().getBlock();
      for (EthBlock.TransactionResult<?> tx : block.getTransactions()) {
        var t = (EthBlock.TransactionObject) tx.get();
        if (t.getFrom().equalsIgnoreCase(t.getTo()) && t.getValue().signum() == 0) {
          selfTransfers++;
        }
      }
    }
    assertThat(selfTransfers).as("one zero-value transaction of the anchorer to itself").isEqualTo(1);
    AnchorFixtures.assertEveryBatchOnChainOnce(app, chain);
  }

  @Test
  @Order(3)
  void workSignedAheadOfTheChainsClockNeverHoldsBackTheWorkStoredAfterIt() {
    long chainNow = chain.latestTimestamp();
    app.clock().catchUp(Instant.ofEpochSecond(chainNow));
    long ahead = contribute(chainNow + 150); // first in the anchorer's order
    // signed at the chain's latest block time, so on time whatever the service's clock says: the
    // previous test may have left that clock a second or two ahead of the chain's (when it ran
    // within the same second as its blocks), and work signed at it would wait for a block
    long behind = contribute(chainNow);

    app.anchor();

    assertThat(anchored(behind)).as("stored after the early-signed one, signed on time: anchored").isTrue();
    assertThat(count(app, "select count(*) from contributions where batch_id is null and id = " + ahead)).isEqualTo(1);
    assertThat(count(app, "select count(*) from anchor_deferred where contribution_id = " + ahead))
        .as("deferred, behind the cursor that moved past it").isEqualTo(1);

    chain.increaseTime(200);
    app.anchor();

    assertThat(anchored(ahead)).as("taken from the deferred list once the chain passed it").isTrue();
    assertThat(anchoredAt(ahead)).isGreaterThanOrEqualTo(chainNow + 150);
    assertThat(count(app, "select count(*) from anchor_deferred")).isZero();
    assertThat(count(app, "select count(*) from contributions where batch_id is null")).isZero();
    AnchorFixtures.assertEveryBatchOnChainOnce(app, chain);
  }

  // ------------------------------------------------------------------ helpers

  /** Leases the next item for alice and stores her signed answer with this {@code submittedAt}; its id. */
  private static long contribute(long submittedAt) {
    Reply task = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", alice.token());
    assertThat(task.status()).as(task.body()).isEqualTo(200);
    ObjectNode typed = task.json().get("typedData").deepCopy();
    ObjectNode message = (ObjectNode) typed.get("message");
    message.put("answer", "yes");
    if (message.get("submittedAt").isTextual()) {
      message.put("submittedAt", Long.toString(submittedAt));
    } else {
      message.put("submittedAt", submittedAt);
    }
    Reply stored = app.postJson("/api/contributions", TypedDataSigner.signed(typed, alice.key()), alice.token());
    assertThat(stored.status()).as(stored.body()).isEqualTo(201);
    JsonNode body = stored.json();
    return body.get("id").asLong();
  }

  private static boolean anchored(long contribution) {
    return count(app, "select count(*) from contributions c join anchor_batches b on b.id = c.batch_id"
        + " where b.block_number is not null and c.id = " + contribution) == 1;
  }

  private static long chainBatch(long contribution) {
    return count(app, "select b.chain_batch_id from contributions c join anchor_batches b on b.id = c.batch_id"
        + " where c.id = " + contribution);
  }

  /** The anchoring time the registry itself records for the contribution's batch. */
  private static long anchoredAt(long contribution) {
    long batch = chainBatch(contribution);
    return MarketplaceFixture.call(() -> AnchorFixtures.registry(app, chain).batch(BigInteger.valueOf(batch)).send())
        .component3().longValueExact();
  }
}
