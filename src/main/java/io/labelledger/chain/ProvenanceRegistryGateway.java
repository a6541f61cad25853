package io.labelledger.chain;

import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint48;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The service's one way to ProvenanceRegistry: reads by {@code eth_call}, anchoring transactions
 * signed by the anchorer key with the nonce and fees the caller chose (the anchorer records both
 * before broadcasting, so it can replace a stuck transaction with the same nonce), fees from its
 * {@link FeeOracle} (EIP-1559, under the anchorer's ceiling), and
 * BatchAnchored logs. Non-blocking throughout: every node call is {@code sendAsync()}.
 */
public final class ProvenanceRegistryGateway {
  public static final String ANCHORED_TOPIC = EventEncoder.encode(ProvenanceRegistry.BATCHANCHORED_EVENT);
  private static final byte[] ANCHORER_ROLE = Hash.sha3("ANCHORER_ROLE".getBytes(java.nio.charset.StandardCharsets.UTF_8));

  private final Web3j web3j;
  private final Credentials anchorer;
  private final long chainId;
  private final String address;
  private final FeeOracle fees;

  /** For reads (and sends at the default fees). */
  public ProvenanceRegistryGateway(Web3j web3j, Credentials anchorer, long chainId, String address) {
    this(web3j, anchorer, chainId, address, new FeeOracle(web3j, io.labelledger.config.FeeConfig.defaults(),
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
  }

  public ProvenanceRegistryGateway(Web3j web3j, Credentials anchorer, long chainId, String address, FeeOracle fees) {
    this.web3j = web3j;
    this.anchorer = anchorer;
    this.chainId = chainId;
    this.address = address.toLowerCase();
    this.fees = fees;
  }

  /** Where the anchorer's fees come from. */
  public FeeOracle fees() {
    return fees;
  }

  public String address() {
    return address;
  }

  public String anchorerAddress() {
    return anchorer.getAddress();
  }

  /** A BatchAnchored log: where and when a root landed. */
  public record Anchored(long chainBatchId, byte[] root, long leafCount, long anchoredAt, String txHash,
      long blockNumber, String blockHash, int logIndex) {}

  /** A signed anchoring transaction, not yet broadcast. */
  public record SignedTx(String hash, String raw, BigInteger nonce, Fees fees, BigInteger gasLimit) {}

  public Future<Long> blockNumber() {
    return Future.fromCompletionStage(web3j.ethBlockNumber().sendAsync())
        .compose(r -> r.hasError() ? Future.failedFuture(new ChainException("eth_blockNumber: " + r.getError().getMessage()))
            : Future.succeededFuture(r.getBlockNumber().longValueExact()));
  }

  /**
   * The timestamp of the latest block (unix seconds): a transaction sent now lands in a block at
   * least this late, since block times never go back.
   */
  public Future<Long> latestBlockTime() {
    return Future.fromCompletionStage(web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).sendAsync())
        .compose(r -> r.hasError() || r.getBlock() == null
            ? Future.failedFuture(new ChainException("eth_getBlockByNumber(latest): "
                + (r.hasError() ? r.getError().getMessage() : "no block")))
            : Future.succeededFuture(r.getBlock().getTimestamp().longValueExact()));
  }

  /** The batch id that anchored {@code root}, 0 when it is not anchored (at the latest block). */
  public Future<Long> batchOfRoot(byte[] root) {
    return call(new Function(ProvenanceRegistry.FUNC_BATCHOFROOT, List.of(new Bytes32(root)),
        List.of(new TypeReference<Uint64>() {}))).map(out -> ((BigInteger) out.get(0).getValue()).longValueExact());
  }

  public Future<Long> batchCount() {
    return call(new Function(ProvenanceRegistry.FUNC_BATCHCOUNT, List.of(), List.of(new TypeReference<Uint64>() {})))
        .map(out -> ((BigInteger) out.get(0).getValue()).longValueExact());
  }

  /** {@code batch(id)}: root (zero when unknown), leaf count, anchoring time. */
  public record OnChainBatch(byte[] root, long leafCount, long anchoredAt) {}

  public Future<OnChainBatch> batch(long chainBatchId) {
    return call(new Function(ProvenanceRegistry.FUNC_BATCH, List.of(new Uint64(chainBatchId)),
        List.of(new TypeReference<Bytes32>() {}, new TypeReference<Uint64>() {}, new TypeReference<Uint48>() {})))
        .map(out -> new OnChainBatch((byte[]) out.get(0).getValue(), ((BigInteger) out.get(1).getValue()).longValueExact(),
            ((BigInteger) out.get(2).getValue()).longValueExact()));
  }

  public Future<Boolean> anchorerHasRole() {
    return call(new Function(ProvenanceRegistry.FUNC_HASROLE,
        List.of(new Bytes32(ANCHORER_ROLE), new Address(anchorer.getAddress())), List.of(new TypeReference<Bool>() {})))
        .map(out -> (Boolean) out.get(0).getValue());
  }

  @SuppressWarnings("rawtypes")
  private Future<List<Type>> call(Function function) {
    return Future.fromCompletionStage(web3j.ethCall(
            Transaction.createEthCallTransaction(anchorer.getAddress(), address, FunctionEncoder.encode(function)),
            DefaultBlockParameterName.LATEST).sendAsync())
        .compose(r -> {
          if (r.hasError() || r.isReverted()) {
            return Future.failedFuture(new ChainException(function.getName() + " failed: "
                + (r.hasError() ? r.getError().getMessage() : r.getRevertReason())));
          }
          List<Type> out = FunctionReturnDecoder.decode(r.getValue(), function.getOutputParameters());
          if (out.isEmpty()) {
            return Future.failedFuture(new ChainException(function.getName() + " returned nothing: is " + address
                + " a ProvenanceRegistry?"));
          }
          return Future.succeededFuture(out);
        });
  }

  public static String anchorData(byte[] root, long leafCount) {
    return FunctionEncoder.encode(new Function(ProvenanceRegistry.FUNC_ANCHOR,
        List.of(new Bytes32(root), new Uint64(leafCount)), List.of()));
  }

  /** The anchorer's transaction count at the latest block (= the next nonce once all it sent is mined). */
  public Future<BigInteger> minedNonce() {
    return nonce(DefaultBlockParameterName.LATEST);
  }

  /** The anchorer's transaction count including its transactions waiting in the node's pool. */
  public Future<BigInteger> pendingNonce() {
    return nonce(DefaultBlockParameterName.PENDING);
  }

  private Future<BigInteger> nonce(DefaultBlockParameterName at) {
    return Future.fromCompletionStage(web3j.ethGetTransactionCount(anchorer.getAddress(), at).sendAsync())
        .compose(r -> r.hasError() ? Future.failedFuture(new ChainException("eth_getTransactionCount: "
            + r.getError().getMessage())) : Future.succeededFuture(r.getTransactionCount()));
  }

  /**
   * Gas for anchoring {@code data} with a margin. Fails with a {@link ChainException} carrying the
   * decoded custom error when the call would revert (e.g. the root is already anchored).
   */
  public Future<BigInteger> estimateAnchorGas(String data) {
    return Future.fromCompletionStage(web3j.ethEstimateGas(
            Transaction.createEthCallTransaction(anchorer.getAddress(), address, data)).sendAsync())
        .compose(r -> {
          if (r.hasError()) {
            Optional<RevertDecoder.ContractError> revert = RevertDecoder.instance().decode(RevertDecoder.revertData(r.getError()));
            return Future.failedFuture(new ChainException("anchoring would revert: "
                + revert.map(Object::toString).orElse(r.getError().getMessage()), revert.orElse(null)));
          }
          return Future.succeededFuture(r.getAmountUsed().multiply(BigInteger.valueOf(5)).divide(BigInteger.valueOf(4))
              .add(BigInteger.valueOf(20_000)));
        });
  }

  /** Signs an anchoring transaction; deterministic (RFC 6979), so the same inputs give the same hash. */
  public SignedTx sign(String data, BigInteger nonce, Fees offer, BigInteger gasLimit) {
    RawTransaction tx = offer.transaction(chainId, nonce, gasLimit, address, data);
    String raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, anchorer));
    return new SignedTx(Hash.sha3(raw), raw, nonce, offer, gasLimit);
  }

  /**
   * Signs a zero-value transfer from the anchorer to itself: a transaction that does nothing but
   * make a chain that mines only on demand (Ganache) produce a block, so its clock moves.
   */
  public SignedTx signClockTick(BigInteger nonce, Fees offer) {
    RawTransaction tx = offer.transaction(chainId, nonce, BigInteger.valueOf(21_000), anchorer.getAddress(), "0x");
    String raw = Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, anchorer));
    return new SignedTx(Hash.sha3(raw), raw, nonce, offer, BigInteger.valueOf(21_000));
  }

  /**
   * Broadcasts a signed transaction. A node that already has it (a re-broadcast after a crash, or
   * after an answer lost mid-send, on this endpoint or another) is not an error, whatever words it
   * uses ("already known", "nonce too low" once it is mined): the node is asked for the hash. Any
   * other refusal fails with the node's message.
   */
  public Future<Void> broadcast(SignedTx tx) {
    return Future.fromCompletionStage(web3j.ethSendRawTransaction(tx.raw()).sendAsync()).compose(r -> {
      if (!r.hasError()) {
        return Future.succeededFuture();
      }
      String message = String.valueOf(r.getError().getMessage());
      return known(tx.hash()).compose(known -> known ? Future.<Void>succeededFuture()
          : Future.failedFuture(new ChainException("the node refused " + tx.hash() + " (nonce " + tx.nonce() + "): "
              + message)));
    });
  }

  /** The receipt once mined, or empty when the node does not have one (yet). */
  public Future<Optional<TransactionReceipt>> receipt(String txHash) {
    return Future.fromCompletionStage(web3j.ethGetTransactionReceipt(txHash).sendAsync())
        .compose(r -> r.hasError() ? Future.failedFuture(new ChainException("eth_getTransactionReceipt: "
            + r.getError().getMessage())) : Future.succeededFuture(r.getTransactionReceipt()));
  }

  /** Whether the node knows the transaction at all (mined or waiting in its pool). */
  public Future<Boolean> known(String txHash) {
    return gasLimitOf(txHash).map(Optional::isPresent);
  }

  /** The gas limit of a transaction the node knows (pooled or mined), or empty. */
  public Future<Optional<BigInteger>> gasLimitOf(String txHash) {
    return Future.fromCompletionStage(web3j.ethGetTransactionByHash(txHash).sendAsync())
        .compose(r -> r.hasError() ? Future.failedFuture(new ChainException("eth_getTransactionByHash: "
            + r.getError().getMessage())) : Future.succeededFuture(r.getTransaction().map(tx -> tx.getGas())));
  }

  /** The BatchAnchored log of this registry in a receipt, if any. */
  public Optional<Anchored> anchoredIn(TransactionReceipt receipt) {
    for (Log log : receipt.getLogs()) {
      if (isAnchored(log)) {
        return Optional.of(toAnchored(log));
      }
    }
    return Optional.empty();
  }

  /** The BatchAnchored log of {@code root} in blocks {@code from..latest}, if it is there. */
  public Future<Optional<Anchored>> findAnchored(byte[] root, long fromBlock) {
    EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(Math.max(0, fromBlock))),
        DefaultBlockParameterName.LATEST, address);
    filter.addSingleTopic(ANCHORED_TOPIC);
    filter.addNullTopic();
    filter.addSingleTopic(Numeric.toHexString(root));
    return logs(filter).map(list -> list.isEmpty() ? Optional.empty() : Optional.of(list.get(0)));
  }

  /** BatchAnchored logs of this registry in blocks {@code from..to} (inclusive), in chain order. */
  public Future<List<Anchored>> anchoredEvents(long from, long to) {
    EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
        DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), address);
    filter.addSingleTopic(ANCHORED_TOPIC);
    return logs(filter);
  }

  private Future<List<Anchored>> logs(EthFilter filter) {
    return Future.fromCompletionStage(web3j.ethGetLogs(filter).sendAsync()).compose(r -> {
      if (r.hasError()) {
        return Future.failedFuture(new ChainException("eth_getLogs failed: " + r.getError().getMessage()));
      }
      List<Anchored> out = new ArrayList<>();
      for (EthLog.LogResult<?> result : r.getLogs()) {
        Log log = (Log) result.get();
        if (!log.isRemoved() && isAnchored(log)) {
          out.add(toAnchored(log));
        }
      }
      out.sort((a, b) -> a.blockNumber() != b.blockNumber() ? Long.compare(a.blockNumber(), b.blockNumber())
          : Integer.compare(a.logIndex(), b.logIndex()));
      return Future.succeededFuture(out);
    });
  }

  private boolean isAnchored(Log log) {
    return address.equalsIgnoreCase(log.getAddress()) && !log.getTopics().isEmpty()
        && ANCHORED_TOPIC.equalsIgnoreCase(log.getTopics().get(0));
  }

  private static Anchored toAnchored(Log log) {
    var e = ProvenanceRegistry.getBatchAnchoredEventFromLog(log);
    return new Anchored(e.batchId.longValueExact(), e.root, e.leafCount.longValueExact(), e.anchoredAt.longValueExact(),
        log.getTransactionHash(), log.getBlockNumber().longValueExact(), log.getBlockHash(),
        log.getLogIndex().intValueExact());
  }
}
