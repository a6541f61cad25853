package io.labelledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.RevertDecoder;
import io.labelledger.chain.RevertDecoder.ContractError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.Transfer;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Convert;

/**
 * A running chain as tests use it: a web3j client, funded accounts, transaction managers that
 * wait for receipts quickly (web3j's default polls every 15 s), time travel, snapshots, and
 * assertions on custom-error reverts.
 */
public final class TestChain implements AutoCloseable {
  /**
   * Private keys of the local chains' deterministic accounts 0..9 (Ganache's public test mnemonic,
   * which node/hardhat.config.js gives Hardhat too).
   */
  public static final List<String> DEV_KEYS = List.of(
      "0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d",
      "0x6cbed15c793ce57650b9877cf6fa156fbef513c4e6134f022a85b1ffdd59b2a1",
      "0x6370fd033278c143179d81c5526140625662b8daa446c22ee2d73db3707e620c",
      "0x646f1ce2fdad0e6deeeb5c7e8e5543bdde65e86029e2fd9fc169899c440a7913",
      "0xadd53f9a7e588d003326d1cbf9e4a43c061aadd9bc938c843a79e7b4fd2ad743",
      "0x395df67f0c2d2d9fe1ad08d1bc8b6627011959b79c53d7dd6a3536a33ab8a4fd",
      "0xe485d098507f54e7733a205420dfddbe58db035fa577fc294ebd14db90767a52",
      "0xa453611d9419d0e56f499079478fd72c37b251a94bfde4d19872c44cf65386e3",
      "0x829e924fdf021ba3dbbc4225edfece9aca04b929d6e75613329ca6f1d31c0bb4",
      "0xb0057716d5917badaf911b193b12b910811c1497b5bada8d7711f758981c3773");

  /** Gas limit for test transactions: high enough for any call, so reverts are mined, not estimated away. */
  public static final BigInteger GAS_LIMIT = BigInteger.valueOf(12_000_000);
  public static final BigInteger GAS_PRICE = Convert.toWei("1", Convert.Unit.GWEI).toBigInteger();

  private final String rpcUrl;
  private final String kind;
  private final HttpService http;
  private final Web3j web3j;
  private final long chainId;
  private final Credentials funder;
  private final ContractGasProvider gas = new StaticGasProvider(GAS_PRICE, GAS_LIMIT);

  private TestChain(String rpcUrl, String kind, HttpService http, long chainId, Credentials funder) {
    this.rpcUrl = rpcUrl;
    this.kind = kind;
    this.http = http;
    this.web3j = Web3j.build(http);
    this.chainId = chainId;
    this.funder = funder;
  }

  public static TestChain connect(String rpcUrl, String funderKey, String kind) {
    HttpService http = new HttpService(rpcUrl);
    try {
      long chainId = Web3j.build(http).ethChainId().send().getChainId().longValueExact();
      return new TestChain(rpcUrl, kind, http, chainId, Credentials.create(funderKey));
    } catch (IOException e) {
      throw new UncheckedIOException("chain at " + rpcUrl + " does not answer", e);
    }
  }

  public String rpcUrl() { return rpcUrl; }

  /** "ganache-process", "ganache-container", "hardhat-process" or "external". */
  public String kind() { return kind; }

  public Web3j web3j() { return web3j; }

  public long chainId() { return chainId; }

  public ContractGasProvider gas() { return gas; }

  /** The funded deployer/admin key of this chain. */
  public Credentials funder() { return funder; }

  /**
   * A fresh random account holding {@code eth} ether (0 for none), from the local chains' tenth
   * deterministic account, which nothing else uses: the funder is also the key a local service relays
   * with, and a test's transfer signed under the nonce the service's relayer has just taken wedges
   * Ganache's instant miner (it stops answering). One transfer at a time, for the same reason.
   */
  public synchronized Credentials newAccount(long eth) {
    try {
      Credentials account = Credentials.create(Keys.createEcKeyPair());
      if (eth > 0) {
        new Transfer(web3j, txManager(faucet())).sendFunds(account.getAddress(), java.math.BigDecimal.valueOf(eth),
            Convert.Unit.ETHER).send();
      }
      return account;
    } catch (Exception e) {
      throw new IllegalStateException("cannot create a funded account", e);
    }
  }

  /** The local chains' tenth deterministic account; the funder on a node of another kind (an external one). */
  private Credentials faucet() {
    return kind.startsWith("ganache") || kind.startsWith("hardhat") ? Credentials.create(DEV_KEYS.get(9)) : funder;
  }

  /**
   * A transaction manager for an account: signs locally, asks the node for the nonce on every
   * transaction, polls receipts every 50 ms. Never a locally counted nonce: snapshots revert the
   * chain's nonces between test classes, and a stale local count makes Ganache queue transactions
   * it never mines. (Ganache mines each transaction at once, and we wait for every receipt.)
   */
  public TransactionManager txManager(Credentials from) {
    return new RawTransactionManager(web3j, from, chainId, new PollingTransactionReceiptProcessor(web3j, 50, 1200));
  }

  /** Sends a call from {@code from} and returns its receipt, whatever its status (for gas figures). */
  public TransactionReceipt send(Credentials from, String to, Function function) {
    try {
      var receipts = new PollingTransactionReceiptProcessor(web3j, 50, 1200);
      var sent = txManager(from)
          .sendTransaction(GAS_PRICE, GAS_LIMIT, to, FunctionEncoder.encode(function), BigInteger.ZERO);
      if (sent.hasError()) {
        throw new IllegalStateException("node refused the transaction: " + sent.getError().getMessage());
      }
      return receipts.waitForTransactionReceipt(sent.getTransactionHash());
    } catch (IOException | org.web3j.protocol.exceptions.TransactionException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Simulates {@code function} from {@code from} and asserts that it reverts with the custom
   * error {@code expectedError} (its name); returns the decoded error for checks on its arguments.
   */
  public ContractError expectRevert(String from, String to, Function function, String expectedError) {
    ContractError error = revertOf(from, to, FunctionEncoder.encode(function));
    assertThat(error.name()).as("revert of %s", function.getName()).isEqualTo(expectedError);
    return error;
  }

  /** The custom error a call reverts with; fails the test when it does not revert with one. */
  public ContractError revertOf(String from, String to, String data) {
    try {
      EthCall call = web3j.ethCall(Transaction.createFunctionCallTransaction(
          from, null, GAS_PRICE, GAS_LIMIT, to, BigInteger.ZERO, data),
          DefaultBlockParameterName.LATEST).send();
      String revertData = call.hasError() ? RevertDecoder.revertData(call.getError()) : null;
      assertThat(call.hasError() || call.isReverted())
          .as("call expected to revert but returned %s", call.getValue()).isTrue();
      String raw = revertData;
      return RevertDecoder.instance().decode(raw).orElseThrow(() -> new AssertionError(
          "reverted without a known custom error: " + call.getError().getMessage() + " data=" + raw));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The newest of a sender's recorded attempts that the node still holds: nodes drop a replaced
   * transaction from their pool (Hardhat at once), and a newer attempt may replace it as we ask.
   */
  public org.web3j.protocol.core.methods.response.Transaction newestKnown(List<String> attempts) {
    try {
      for (int tries = 0; tries < 50; tries++) {
        var found = web3j.ethGetTransactionByHash(attempts.get(attempts.size() - 1)).send().getTransaction();
        if (found.isPresent()) {
          return found.get();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new AssertionError("no recorded attempt is known to the node: " + attempts);
  }

  /** How many of these transactions have a receipt (of attempts at one nonce: at most one may). */
  public long minedCount(List<String> txHashes) {
    long mined = 0;
    try {
      for (String hash : txHashes) {
        if (web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt().isPresent()) {
          mined++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return mined;
  }

  public long latestTimestamp() {
    try {
      return web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()
          .getBlock().getTimestamp().longValueExact();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Moves the chain clock forward and mines a block at the new time. */
  public void increaseTime(long seconds) {
    rpc("evm_increaseTime", List.of(seconds));
    rpc("evm_mine", List.of());
  }

  /** Mines {@code blocks} empty blocks (to bury transactions under confirmations). */
  public void mine(int blocks) {
    for (int i = 0; i < blocks; i++) {
      rpc("evm_mine", List.of());
    }
  }

  /** Stops mining: transactions wait in the node's pool (a congested or stalled chain) until {@link #startMining()}. */
  public void stopMining() {
    automine(false);
  }

  public void startMining() {
    automine(true);
  }

  /** Ganache's miner_stop/miner_start, or Hardhat's evm_setAutomine (Hardhat has no miner_*). */
  private void automine(boolean on) {
    if (isHardhat()) {
      rpc("evm_setAutomine", List.of(on));
      if (on) {
        rpc("evm_mine", List.of()); // what waited in the pool; Ganache's miner_start mines it too
      }
    } else {
      rpc(on ? "miner_start" : "miner_stop", List.of());
    }
  }

  /** Whether this chain is Hardhat Network (by its client version). */
  public boolean isHardhat() {
    try {
      return web3j.web3ClientVersion().send().getWeb3ClientVersion().toLowerCase(java.util.Locale.ROOT)
          .contains("hardhat");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A snapshot id, or null on nodes that have no snapshots. */
  public String snapshot() {
    try {
      Object id = rpc("evm_snapshot", List.of());
      return id == null ? null : id.toString();
    } catch (IllegalStateException unsupported) {
      return null;
    }
  }

  public void revert(String snapshot) {
    rpc("evm_revert", List.of(snapshot));
  }

  private Object rpc(String method, List<?> params) {
    try {
      RawResponse response = new Request<>(method, params, http, RawResponse.class).send();
      if (response.hasError()) {
        throw new IllegalStateException(method + " failed: " + response.getError().getMessage());
      }
      return response.getResult();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Untyped JSON-RPC result, for the node-specific methods web3j does not model. */
  public static final class RawResponse extends Response<Object> {}

  @Override
  public void close() {
    web3j.shutdown();
  }

}
