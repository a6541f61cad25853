package io.labelledger.chain;

import static io.labelledger.chain.SenderChecks.into;
import static io.labelledger.chain.SenderChecks.minedNonce;
import static io.labelledger.chain.SenderChecks.tx;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The operator's sender on a real chain (Ganache, London rules): type 2 transactions priced from
 * eth_feeHistory, a refusal above the fee ceiling with nothing recorded or sent, and a stuck
 * transaction (mining paused) replaced by the same nonce with both fees raised, of which exactly one
 * is mined.
 */
@ExtendWith(ChainExtension.class)
class TxSenderIT {
  private static TestChain chain;
  private static Vertx vertx;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  private static TxSender sender(Credentials from, FeeConfig fees, SimpleMeterRegistry meters) {
    return new TxSender(vertx, chain.web3j(), from, chain.chainId(), new FeeOracle(chain.web3j(), fees, meters), fees);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return SenderChecks.await(future, 90);
  }

  @Test
  void sendsType2TransactionsPricedFromTheFeeHistory() throws Exception {
    Credentials from = chain.newAccount(10);
    List<String> recorded = new CopyOnWriteArrayList<>();
    TransactionReceipt receipt = await(sender(from, FeeConfig.defaults(), new SimpleMeterRegistry())
        .send(chain.newAccount(0).getAddress(), "0x", into(recorded), 30_000));

    Transaction sent = tx(chain, receipt.getTransactionHash());
    assertThat(sent.getType()).as("EIP-1559").isEqualTo("0x2");
    BigInteger baseFee = chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(receipt.getBlockNumber()), false)
        .send().getBlock().getBaseFeePerGas();
    BigInteger tip = sent.getMaxPriorityFeePerGas();
    BigInteger max = sent.getMaxFeePerGas();
    assertThat(tip).as("a percentile of recent tips, at least the floor").isGreaterThanOrEqualTo(Fees.gwei(0.1));
    assertThat(max).as("base fee x 2 + tip, which covers the block's base fee")
        .isGreaterThanOrEqualTo(baseFee.add(tip)).isLessThanOrEqualTo(Fees.gwei(500));
    BigInteger paid = Numeric.decodeQuantity(receipt.getEffectiveGasPrice());
    assertThat(paid).as("only the base fee due and the tip are paid").isEqualTo(baseFee.add(tip));
    assertThat(recorded).containsExactly(receipt.getTransactionHash());
    System.out.printf("type 2 transfer: base fee %s, tip %s, max fee %s, paid %s per gas x %s gas%n",
        Fees.inGwei(baseFee), Fees.inGwei(tip), Fees.inGwei(max), Fees.inGwei(paid), receipt.getGasUsed());
  }

  @Test
  void refusesToSendWhenTheChainWantsMoreThanTheCeiling() throws Exception {
    Credentials from = chain.newAccount(10);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    FeeConfig tiny = new FeeConfig(0.000001, 200, 50, 0.1, 30_000, 25); // 1,000 wei: below any base fee here
    List<String> recorded = new CopyOnWriteArrayList<>();
    BigInteger nonce = minedNonce(chain, from.getAddress());

    assertThatThrownBy(() -> await(sender(from, tiny, meters).submit(chain.newAccount(0).getAddress(), "0x",
        into(recorded))))
        .isInstanceOf(FeeCeilingException.class)
        .hasMessageContaining("above the ceiling chain.fees.maxFeeGwei = 0.000001 gwei")
        .hasMessageContaining("not sent");
    assertThat(recorded).as("nothing signed or recorded").isEmpty();
    assertThat(minedNonce(chain, from.getAddress())).isEqualTo(nonce);
    assertThat(meters.get("labelledger_tx_fee_ceiling_refusals_total").counter().count()).isEqualTo(1.0);
  }

  @Test
  void aStuckTransactionIsReplacedWithTheSameNonceAndHigherFeesAndExactlyOneIsMined() throws Exception {
    Credentials from = chain.newAccount(10);
    FeeConfig quick = new FeeConfig(500, 200, 50, 0.1, 1_000, 10);
    TxSender sender = sender(from, quick, new SimpleMeterRegistry());
    // Ganache 7.9 mines a replacement of an account's very first transaction (nonce 0) as a second
    // transaction instead of replacing it; real nodes do not, and neither does Ganache from nonce 1 on
    await(sender.send(chain.newAccount(0).getAddress(), "0x", hash -> Future.succeededFuture(), 30_000));
    List<String> recorded = new CopyOnWriteArrayList<>();
    BigInteger nonceBefore = minedNonce(chain, from.getAddress());
    Future<TransactionReceipt> mined;
    Transaction first;
    chain.stopMining();
    try {
      String hash = await(sender.submit(chain.newAccount(0).getAddress(), "0x", into(recorded)));
      first = tx(chain, hash);
      mined = sender.awaitReceipt(hash, 60_000);
      long deadline = System.currentTimeMillis() + 15_000;
      while (recorded.size() < 3 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertThat(recorded).as("replaced twice while mining is paused").hasSizeGreaterThanOrEqualTo(3);
      // the latest attempt: nodes drop a replaced transaction from their pool (Hardhat forgets it at once)
      Transaction second = chain.newestKnown(recorded);
      assertThat(second.getNonce()).isEqualTo(first.getNonce());
      assertThat(second.getMaxFeePerGas().multiply(BigInteger.valueOf(100)))
          .isGreaterThanOrEqualTo(first.getMaxFeePerGas().multiply(BigInteger.valueOf(110)));
      assertThat(second.getMaxPriorityFeePerGas().multiply(BigInteger.valueOf(100)))
          .isGreaterThanOrEqualTo(first.getMaxPriorityFeePerGas().multiply(BigInteger.valueOf(110)));
    } finally {
      chain.startMining();
    }
    TransactionReceipt receipt = await(mined);
    assertThat(recorded).contains(receipt.getTransactionHash());
    assertThat(chain.minedCount(recorded)).as("one attempt mined, the others dropped").isEqualTo(1);
    assertThat(minedNonce(chain, from.getAddress())).as("one nonce spent").isEqualTo(nonceBefore.add(BigInteger.ONE));
    Transaction landed = tx(chain, receipt.getTransactionHash());
    assertThat(landed.getNonce()).as("the nonce of the first attempt").isEqualTo(nonceBefore);
    System.out.printf("stuck transfer: %d attempts; first max fee %s / tip %s, mined one max fee %s / tip %s%n",
        recorded.size(), Fees.inGwei(first.getMaxFeePerGas()), Fees.inGwei(first.getMaxPriorityFeePerGas()),
        Fees.inGwei(landed.getMaxFeePerGas()), Fees.inGwei(landed.getMaxPriorityFeePerGas()));
  }
}
