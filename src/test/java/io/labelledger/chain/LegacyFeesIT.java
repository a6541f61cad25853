package io.labelledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.config.FeeConfig;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestChain;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The sender on a chain without a base fee (Ganache under berlin rules, as some EVM chains still
 * are): fees fall back to legacy {@code eth_gasPrice}, transactions are type 0, a stuck one is
 * replaced by the same nonce at a higher gas price of which exactly one is mined, and the ceiling
 * refuses a price above it with nothing sent.
 */
class LegacyFeesIT {
  private static LocalGanache berlin;
  private static TestChain chain;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    berlin = LocalGanache.start(ChainExtension.ProjectPaths.root().resolve("node"), 0, null, 1337, "berlin");
    chain = TestChain.connect(berlin.rpcUrl(), TestChain.DEV_KEYS.get(0), "ganache-berlin");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
    chain.close();
    berlin.close();
  }

  private static TxSender sender(Credentials from, FeeConfig fees) {
    return new TxSender(vertx, chain.web3j(), from, chain.chainId(),
        new FeeOracle(chain.web3j(), fees, new SimpleMeterRegistry()), fees);
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static Transaction tx(String hash) throws Exception {
    return chain.web3j().ethGetTransactionByHash(hash).send().getTransaction().orElseThrow();
  }

  @Test
  void theChainHasNoBaseFeeSoTheOfferIsTheLegacyGasPrice() throws Exception {
    assertThat(chain.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
        .getBaseFeePerGasRaw()).as("berlin: no base fee").isNull();
    Fees offer = await(new FeeOracle(chain.web3j(), FeeConfig.defaults(), new SimpleMeterRegistry()).current());
    assertThat(offer.isLegacy()).isTrue();
    assertThat(offer.maxFeePerGas()).isEqualTo(chain.web3j().ethGasPrice().send().getGasPrice());

    Credentials from = chain.newAccount(10);
    List<String> recorded = new CopyOnWriteArrayList<>();
    TransactionReceipt receipt = await(sender(from, FeeConfig.defaults())
        .send(chain.newAccount(0).getAddress(), "0x", hash -> {
          recorded.add(hash);
          return Future.succeededFuture();
        }, 30_000));
    Transaction sent = tx(receipt.getTransactionHash());
    assertThat(sent.getType()).as("a legacy transaction").isEqualTo("0x0");
    assertThat(sent.getGasPrice()).isEqualTo(offer.maxFeePerGas());
    assertThat(recorded).containsExactly(receipt.getTransactionHash());
  }

  @Test
  void aStuckLegacyTransactionIsReplacedAtAHigherGasPriceAndExactlyOneIsMined() throws Exception {
    Credentials from = chain.newAccount(10);
    TxSender sender = sender(from, new FeeConfig(500, 200, 50, 0.1, 1_000, 10));
    // not the account's first transaction: Ganache 7.9 mines a replaced nonce-0 transaction twice
    await(sender.send(chain.newAccount(0).getAddress(), "0x", hash -> Future.succeededFuture(), 30_000));
    List<String> recorded = new CopyOnWriteArrayList<>();
    Future<TransactionReceipt> mined;
    chain.stopMining();
    try {
      String first = await(sender.submit(chain.newAccount(0).getAddress(), "0x", hash -> {
        recorded.add(hash);
        return Future.succeededFuture();
      }));
      Transaction firstSent = tx(first);
      BigInteger firstPrice = firstSent.getGasPrice();
      mined = sender.awaitReceipt(first, 60_000);
      long deadline = System.currentTimeMillis() + 15_000;
      while (recorded.size() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(recorded).as("replaced while mining is paused").hasSizeGreaterThanOrEqualTo(2);
      Transaction latest = chain.newestKnown(recorded);
      assertThat(latest.getType()).isEqualTo("0x0");
      assertThat(latest.getNonce()).isEqualTo(firstSent.getNonce());
      assertThat(latest.getGasPrice().multiply(BigInteger.valueOf(100)))
          .as("at least 10% more per replacement").isGreaterThanOrEqualTo(firstPrice.multiply(BigInteger.valueOf(110)));
    } finally {
      chain.startMining();
    }
    TransactionReceipt receipt = await(mined);
    assertThat(recorded).contains(receipt.getTransactionHash());
    assertThat(chain.minedCount(recorded)).as("one attempt mined, the others dropped").isEqualTo(1);
  }

  @Test
  void aGasPriceAboveTheCeilingIsRefusedAndNothingIsSent() throws Exception {
    Credentials from = chain.newAccount(10);
    List<String> recorded = new CopyOnWriteArrayList<>();
    FeeConfig tiny = new FeeConfig(0.000001, 200, 50, 0.1, 30_000, 25);
    assertThatThrownBy(() -> await(sender(from, tiny).submit(chain.newAccount(0).getAddress(), "0x", hash -> {
      recorded.add(hash);
      return Future.succeededFuture();
    }))).isInstanceOf(FeeCeilingException.class).hasMessageContaining("not sent");
    assertThat(recorded).isEmpty();
    assertThat(chain.web3j().ethGetTransactionCount(from.getAddress(), DefaultBlockParameterName.LATEST).send()
        .getTransactionCount()).isZero();
  }
}
