package io.labelledger.chain;

import static io.labelledger.chain.SenderChecks.await;
import static io.labelledger.chain.SenderChecks.into;
import static io.labelledger.chain.SenderChecks.minedNonce;
import static io.labelledger.chain.SenderChecks.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.labelledger.config.FeeConfig;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestChain;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.Transfer;
import org.web3j.utils.Convert;
import org.web3j.utils.Numeric;

/**
 * Two service instances share the operator key, so two senders (each with its own Vert.x and
 * web3j client, one chain) read the same nonce and sign it: the loser's broadcast is refused, or its
 * transaction is outbid in the pool, and the call goes again under a fresh nonce instead of stalling
 * until the stuck-request sweep. Also the nonce taken by a transaction sent outside any sender.
 */
@ExtendWith(ChainExtension.class)
class NonceCollisionIT {
  private static final int SENDS_EACH = 20;
  private static TestChain chain;
  private static Vertx vertxA;
  private static Vertx vertxB;
  private static Web3j web3jA;
  private static Web3j web3jB;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    vertxA = Vertx.vertx();
    vertxB = Vertx.vertx();
    web3jA = client();
    web3jB = client();
  }

  /**
   * A client of its own, as another instance has. Ganache 7 (instant mining) now and then never
   * answers eth_sendRawTransaction for a transaction it took while the same nonce was being mined
   * and then dropped; the sender counts a broadcast unanswered after 5 s as "maybe sent" and learns
   * from the chain that the nonce went to another.
   */
  private static Web3j client() {
    return Web3j.build(new HttpService(chain.rpcUrl()));
  }

  @AfterAll
  static void stop() {
    web3jA.shutdown();
    web3jB.shutdown();
    vertxA.close();
    vertxB.close();
  }

  private static TxSender sender(Vertx vertx, Web3j web3j, Credentials from, FeeConfig fees) {
    return new TxSender(vertx, web3j, from, chain.chainId(), new FeeOracle(web3j, fees, new SimpleMeterRegistry()), fees);
  }

  /**
   * A funded account that has sent one transaction already: Ganache 7.9 takes a broadcast of nonce 0
   * as one without a nonce and gives it the next free one, so contention from nonce 0 proves nothing.
   */
  private static Credentials usedAccount(long eth) throws Exception {
    Credentials account = chain.newAccount(eth);
    new Transfer(chain.web3j(), chain.txManager(account))
        .sendFunds(chain.funder().getAddress(), BigDecimal.ZERO, Convert.Unit.ETHER).send();
    return account;
  }

  /** Call data that tells the sends apart on the chain (a plain transfer to an account carries it unread). */
  private static String data(int sender, int i) {
    return "0x" + Integer.toHexString(0xa0 + sender) + String.format("%06x", i);
  }

  /**
   * On Hardhat only (the run of the chain-facing tests there): forty calls racing for the same nonces
   * make Ganache 7's instant miner stop answering for seconds at a time on a busy machine (a
   * node's fault, not the sender's: in CI a plain eth_getTransactionCount went unanswered for 10 s), so
   * on Ganache the figure would measure Ganache. The single collisions below run on both.
   */
  @Test
  void twoSendersSharingAKeyGetEveryCallMinedOnceUnderContiguousNonces() throws Exception {
    assumeTrue(chain.isHardhat(), "Ganache's instant miner stalls under many same-nonce races; this runs on Hardhat");
    Credentials from = usedAccount(100);
    String to = chain.newAccount(0).getAddress();
    TxSender a = sender(vertxA, web3jA, from, FeeConfig.defaults());
    TxSender b = sender(vertxB, web3jB, from, FeeConfig.defaults());
    BigInteger firstNonce = minedNonce(chain, from.getAddress());
    BigInteger firstBlock = chain.web3j().ethBlockNumber().send().getBlockNumber();

    Map<String, List<String>> recorded = new HashMap<>();
    List<Future<TransactionReceipt>> sends = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < SENDS_EACH; i++) { // interleaved: both start from the same pending nonce
      for (int s = 0; s < 2; s++) {
        String data = data(s, i);
        List<String> hashes = new CopyOnWriteArrayList<>();
        recorded.put(data, hashes);
        sends.add((s == 0 ? a : b).send(to, data, into(hashes), 20_000));
      }
    }
    await(Future.join(sends).otherwiseEmpty(), 60); // all ended, failed or not
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    List<String> failures = sends.stream().filter(Future::failed).map(f -> f.cause().getMessage()).toList();
    assertThat(failures).as("every send completes with a receipt").isEmpty();
    assertThat(elapsedMs).as("well within the receipt deadline, not after a sweep").isLessThan(20_000);
    int i = 0;
    for (Map.Entry<String, List<String>> e : recorded.entrySet()) {
      TransactionReceipt receipt = sends.stream().map(Future::result)
          .filter(r -> e.getValue().contains(r.getTransactionHash())).findFirst().orElseThrow(
              () -> new AssertionError("no send's receipt is a recorded attempt of " + e.getKey()));
      assertThat(receipt.isStatusOK()).isTrue();
      assertThat(tx(chain, receipt.getTransactionHash()).getInput()).isEqualTo(e.getKey());
      i++;
    }
    assertThat(i).isEqualTo(2 * SENDS_EACH);

    // on the chain: exactly these calls, each once, under contiguous nonces
    BigInteger lastNonce = minedNonce(chain, from.getAddress());
    assertThat(lastNonce).as("no nonce skipped, no extra transaction").isEqualTo(firstNonce.add(BigInteger.valueOf(2L * SENDS_EACH)));
    BigInteger lastBlock = chain.web3j().ethBlockNumber().send().getBlockNumber();
    Map<String, Integer> onChain = new HashMap<>();
    List<BigInteger> nonces = new ArrayList<>();
    for (BigInteger n = firstBlock.add(BigInteger.ONE); n.compareTo(lastBlock) <= 0; n = n.add(BigInteger.ONE)) {
      for (EthBlock.TransactionResult<?> r : chain.web3j().ethGetBlockByNumber(DefaultBlockParameter.valueOf(n), true)
          .send().getBlock().getTransactions()) {
        Transaction t = (Transaction) r.get();
        if (from.getAddress().equalsIgnoreCase(t.getFrom())) {
          onChain.merge(t.getInput(), 1, Integer::sum);
          nonces.add(t.getNonce());
        }
      }
    }
    assertThat(onChain).as("each call mined once").hasSize(2 * SENDS_EACH).containsOnlyKeys(recorded.keySet())
        .allSatisfy((data, count) -> assertThat(count).as(data).isEqualTo(1));
    assertThat(nonces).doesNotHaveDuplicates().allSatisfy(n -> assertThat(n).isBetween(firstNonce, lastNonce.subtract(BigInteger.ONE)));
    long attempts = recorded.values().stream().mapToLong(List::size).sum();
    System.out.printf("two senders, one key: %d calls mined in %d ms; %d attempts recorded (%d refused for a taken nonce)%n",
        2 * SENDS_EACH, elapsedMs, attempts, attempts - 2 * SENDS_EACH);
  }

  @Test
  void aNonceTakenByATransactionSentOutsideTheSenderJustBeforeItsBroadcastIsSignedAgain() throws Exception {
    Credentials from = usedAccount(10);
    String to = chain.newAccount(0).getAddress();
    TxSender sender = sender(vertxA, web3jA, from, FeeConfig.defaults());
    BigInteger nonce = minedNonce(chain, from.getAddress());
    List<String> recorded = new CopyOnWriteArrayList<>();
    List<String> outside = new CopyOnWriteArrayList<>();
    // record runs after signing and before the broadcast: the moment another holder of the key takes the nonce
    Function<String, Future<Void>> record = hash -> {
      recorded.add(hash);
      if (recorded.size() > 1) {
        return Future.succeededFuture();
      }
      return vertxA.executeBlocking(() -> {
        outside.add(new Transfer(chain.web3j(), chain.txManager(from))
            .sendFunds(to, BigDecimal.ZERO, Convert.Unit.ETHER).send().getTransactionHash());
        return null;
      });
    };

    TransactionReceipt receipt = await(sender.send(to, "0xc0ffee", record, 20_000), 30);

    assertThat(tx(chain, outside.get(0)).getNonce()).as("the outside transaction took the nonce").isEqualTo(nonce);
    assertThat(recorded).as("the refused attempt, then the one under a fresh nonce").hasSize(2);
    assertThat(receipt.getTransactionHash()).isEqualTo(recorded.get(1));
    assertThat(chain.web3j().ethGetTransactionByHash(recorded.get(0)).send().getTransaction())
        .as("the refused attempt is nowhere").isEmpty();
    Transaction landed = tx(chain, receipt.getTransactionHash());
    assertThat(landed.getNonce()).isEqualTo(nonce.add(BigInteger.ONE));
    assertThat(landed.getInput()).isEqualTo("0xc0ffee");
    assertThat(minedNonce(chain, from.getAddress())).isEqualTo(nonce.add(BigInteger.TWO));
  }

  @Test
  void aSentTransactionOutbidInThePoolByAnotherOfItsNonceGoesAgainUnderAFreshNonce() throws Exception {
    Credentials from = usedAccount(10);
    String to = chain.newAccount(0).getAddress();
    // replacement of stuck transactions out of the way: only the nonce having been spent can move the call
    FeeConfig slow = new FeeConfig(500, 200, 50, 0.1, 120_000, 25);
    TxSender sender = sender(vertxA, web3jA, from, slow);
    BigInteger nonce = minedNonce(chain, from.getAddress());
    List<String> recorded = new CopyOnWriteArrayList<>();
    String outbidding;
    String hash;
    chain.stopMining();
    try {
      hash = await(sender.submit(to, "0xbeef", into(recorded)), 30);
      Transaction ours = tx(chain, hash);
      assertThat(ours.getNonce()).isEqualTo(nonce);
      // another holder of the key sends another transaction of that nonce, paying three times as much
      RawTransaction other = RawTransaction.createTransaction(chain.chainId(), nonce, BigInteger.valueOf(30_000), to,
          BigInteger.ZERO, "0xdead", ours.getMaxPriorityFeePerGas().multiply(BigInteger.valueOf(3)),
          ours.getMaxFeePerGas().multiply(BigInteger.valueOf(3)));
      EthSendTransaction sent = chain.web3j().ethSendRawTransaction(
          Numeric.toHexString(TransactionEncoder.signMessage(other, chain.chainId(), from))).send();
      assertThat(sent.hasError()).as("outbids ours: %s", sent.hasError() ? sent.getError().getMessage() : "").isFalse();
      outbidding = sent.getTransactionHash();
    } finally {
      chain.startMining();
    }

    long started = System.nanoTime();
    TransactionReceipt receipt = await(sender.awaitReceipt(hash, 20_000), 30);
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;

    assertThat(tx(chain, outbidding).getNonce()).isEqualTo(nonce);
    assertThat(chain.minedCount(List.of(outbidding))).isEqualTo(1);
    assertThat(recorded).as("the outbid attempt, then the call under a fresh nonce").hasSize(2);
    assertThat(receipt.getTransactionHash()).isEqualTo(recorded.get(1));
    Transaction landed = tx(chain, receipt.getTransactionHash());
    assertThat(landed.getNonce()).isEqualTo(nonce.add(BigInteger.ONE));
    assertThat(landed.getInput()).isEqualTo("0xbeef");
    assertThat(minedNonce(chain, from.getAddress())).isEqualTo(nonce.add(BigInteger.TWO));
    System.out.printf("outbid in the pool: sent again under nonce %s, mined %d ms after mining resumed%n",
        landed.getNonce(), elapsedMs);
  }
}
