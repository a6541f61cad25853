package io.labelledger.provenance;

import static io.labelledger.testsupport.AnchorFixtures.count;
import static io.labelledger.testsupport.AnchorFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.AnchorFixtures;
import io.labelledger.testsupport.AnchorFixtures.Submitted;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exactly once across crashes at each point of an anchoring (the anchorer stopped there through
 * its test seams, then a new instance on the same database), a transaction the node lost, a stuck
 * transaction replaced, and two anchorers on one database. After each, every contribution is in
 * one batch and every on-chain batch is a recorded one.
 */
@ExtendWith(ChainExtension.class)
class AnchorerRecoveryIT {
  private static final int SIZE = 3;
  private static final Map<String, String> CONFIG = Map.of(
      "LABELLEDGER_ANCHOR_MAX_BATCH_SIZE", Integer.toString(SIZE),
      "LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "600000",
      "LABELLEDGER_ANCHOR_REPLACE_AFTER_MS", "1500");
  private static TestChain chain;
  private static TestApp app;
  private static Contributor contributor;
  private static long campaign;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("AnchorerRecoveryIT", CONFIG, chain);
    String terms = app.publishTerms("Anchorer recovery IT terms");
    contributor = WorkFixtures.consenting(app, chain, terms);
    campaign = AnchorFixtures.campaign(app, terms, 200);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @AfterEach
  void everythingAnchoredOnce() {
    app.anchorer().faults(null);
    app.anchor();
    assertThat(count(app, "select count(*) from contributions where batch_id is null")).isZero();
    AnchorFixtures.assertEveryBatchOnChainOnce(app, chain);
  }

  /** A failure injected after {@code step}, as a kill -9 there would leave things. */
  private static Anchorer.Faults crashAfter(Anchorer.Step step) {
    return new Anchorer.Faults() {
      @Override
      public Future<Void> after(Anchorer.Step at, long batchId) {
        return at == step ? Future.failedFuture(new IllegalStateException("simulated crash after " + step))
            : Future.succeededFuture();
      }
    };
  }

  /** Crashes the app's anchorer after {@code step}, then lets a fresh instance on the same database recover. */
  private static void crashThenRecover(Anchorer.Step step, long expectedChainBatchesAfterCrash) {
    long before = AnchorFixtures.batchCount(app, chain);
    List<Submitted> batch = AnchorFixtures.contribute(app, contributor, campaign, SIZE);
    app.anchorer().faults(crashAfter(step));
    app.anchor();
    assertThat(AnchorFixtures.batchCount(app, chain) - before).as("on-chain batches right after the crash")
        .isEqualTo(expectedChainBatchesAfterCrash);
    assertThat(count(app, "select count(*) from anchor_batches where state in ('built', 'sent')"))
        .as("the crash left the batch open").isEqualTo(1);

    try (TestApp restarted = TestApp.sibling(app, CONFIG)) {
      restarted.anchor();
    }
    assertThat(AnchorFixtures.batchCount(app, chain) - before).as("exactly one anchor").isEqualTo(1);
    assertThat(count(app, "select count(distinct batch_id) from contributions where id in ("
        + batch.get(0).id() + "," + batch.get(1).id() + "," + batch.get(2).id() + ")")).isEqualTo(1);
    assertThat(count(app, "select count(*) from anchor_batches b where b.state = 'anchored' and b.id = "
        + "(select batch_id from contributions where id = " + batch.get(0).id() + ")")).isEqualTo(1);
  }

  @Test
  void crashBetweenBuildAndSendRecoversToExactlyOneBatch() {
    crashThenRecover(Anchorer.Step.BUILT, 0);
  }

  @Test
  void crashBetweenRecordingAndBroadcastRecoversToExactlyOneBatch() {
    crashThenRecover(Anchorer.Step.RECORDED, 0);
  }

  @Test
  void crashBetweenSendAndRecordRecognisesTheAnchorThatLanded() {
    crashThenRecover(Anchorer.Step.BROADCAST, 1);
    assertThat(count(app, "select max(attempts) from anchor_batches where id = (select max(id) from anchor_batches)"))
        .as("recognised, not sent again").isEqualTo(1);
  }

  @Test
  void transactionTheNodeLostIsReplacedWithTheSameNonceAndAHigherPrice() {
    long before = AnchorFixtures.batchCount(app, chain);
    AnchorFixtures.contribute(app, contributor, campaign, SIZE);
    app.anchorer().faults(new Anchorer.Faults() {
      @Override
      public boolean broadcast(long batchId, int attempt) {
        return attempt > 1; // the first attempt never reaches the node
      }
    });
    app.anchor(); // sends attempt 1 into the void, waits replaceAfterMs for a receipt that cannot come
    assertThat(text(app, "select state from anchor_batches where id = (select max(id) from anchor_batches)"))
        .isEqualTo("sent");
    BigInteger firstPrice = new BigInteger(text(app, "select gas_price::text from anchor_batches "
        + "where id = (select max(id) from anchor_batches)"));
    String firstNonce = text(app, "select nonce::text from anchor_batches where id = (select max(id) from anchor_batches)");
    BigInteger firstTip = new BigInteger(text(app, "select priority_fee::text from anchor_batches "
        + "where id = (select max(id) from anchor_batches)"));

    app.anchor(); // no receipt after replaceAfterMs: replaced

    assertThat(AnchorFixtures.batchCount(app, chain) - before).isEqualTo(1);
    assertThat(text(app, "select state from anchor_batches where id = (select max(id) from anchor_batches)"))
        .isEqualTo("anchored");
    assertThat(count(app, "select attempts from anchor_batches where id = (select max(id) from anchor_batches)"))
        .isEqualTo(2);
    assertThat(text(app, "select nonce::text from anchor_batches where id = (select max(id) from anchor_batches)"))
        .as("same nonce").isEqualTo(firstNonce);
    assertThat(new BigInteger(text(app, "select gas_price::text from anchor_batches "
        + "where id = (select max(id) from anchor_batches)"))).as("bumped price").isGreaterThan(firstPrice);
    assertThat(new BigInteger(text(app, "select priority_fee::text from anchor_batches "
        + "where id = (select max(id) from anchor_batches)")).multiply(BigInteger.valueOf(100)))
        .as("tip raised by gasBumpPercent (25) too").isGreaterThanOrEqualTo(firstTip.multiply(BigInteger.valueOf(125)));
    String mined = text(app, "select tx_hash from anchor_batches where id = (select max(id) from anchor_batches)");
    try {
      assertThat(chain.web3j().ethGetTransactionByHash(mined).send().getTransaction().orElseThrow().getType())
          .as("EIP-1559").isEqualTo("0x2");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void stuckTransactionIsReplacedAndOnlyOneAnchorCounts() throws Exception {
    long before = AnchorFixtures.batchCount(app, chain);
    AnchorFixtures.contribute(app, contributor, campaign, SIZE);
    chain.stopMining();
    try {
      app.anchor(); // attempt 1 waits in the pool
      Thread.sleep(1600);
      app.anchor(); // replaced: same nonce, higher price; still not mined
      assertThat(count(app, "select attempts from anchor_batches where id = (select max(id) from anchor_batches)"))
          .isEqualTo(2);
      assertThat(AnchorFixtures.batchCount(app, chain) - before).isZero();
    } finally {
      chain.startMining();
    }
    chain.mine(1);
    app.anchor(); // recognises whichever attempt anchored the root
    assertThat(AnchorFixtures.batchCount(app, chain) - before).as("one anchor, whichever attempt mined").isEqualTo(1);
    String txHash = text(app, "select tx_hash from anchor_batches where id = (select max(id) from anchor_batches)");
    var receipt = chain.web3j().ethGetTransactionReceipt(txHash).send().getTransactionReceipt().orElseThrow();
    assertThat(receipt.isStatusOK()).isTrue();
    assertThat(receipt.getLogs()).as("the recorded transaction is the one that anchored").isNotEmpty();
    assertThat(count(app, "select gas_used from anchor_batches where id = (select max(id) from anchor_batches)"))
        .isEqualTo(receipt.getGasUsed().longValueExact());
  }

  @Test
  void twoAnchorersOnOneDatabaseProduceNoDuplicate() throws Exception {
    long before = AnchorFixtures.batchCount(app, chain);
    long batchesBefore = count(app, "select count(*) from anchor_batches");
    try (TestApp second = TestApp.sibling(app, CONFIG)) {
      for (int wave = 0; wave < 4; wave++) {
        AnchorFixtures.contribute(app, contributor, campaign, 2 * SIZE);
        // both instances' rounds at the same time, twice: one holds the lock, the other skips or follows
        CompletableFuture<Void> a = CompletableFuture.runAsync(app::anchor);
        CompletableFuture<Void> b = CompletableFuture.runAsync(second::anchor);
        CompletableFuture.allOf(a, b).get(120, TimeUnit.SECONDS);
        CompletableFuture.allOf(CompletableFuture.runAsync(second::anchor), CompletableFuture.runAsync(app::anchor))
            .get(120, TimeUnit.SECONDS);
      }
    }
    assertThat(count(app, "select count(*) from contributions where batch_id is null")).isZero();
    assertThat(count(app, "select count(*) from anchor_batches") - batchesBefore).isEqualTo(8);
    assertThat(AnchorFixtures.batchCount(app, chain) - before).isEqualTo(8);
  }
}
