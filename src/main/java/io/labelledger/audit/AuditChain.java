package io.labelledger.audit;

import io.labelledger.chain.Hex;
import io.labelledger.chain.RevertDecoder;
import io.labelledger.chain.RpcEndpoints;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes1;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;
import org.web3j.protocol.http.HttpService;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verifier's only source of truth: read-only {@code eth_call}s to the three contracts, all at
 * one block pinned when the audit starts (so every answer describes the same chain state), sent in
 * JSON-RPC batches where there are many. Knows the views' ABI (and decodes custom errors with
 * {@link RevertDecoder}); the verifier depends on RPC endpoints alone, and several can stand in for
 * one another ({@link #connect(List)}).
 *
 * <p>Thread-safe. When no endpoint can be read, a {@link ChainUnavailableException}.
 */
final class AuditChain implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditChain.class);
  /** Calls per JSON-RPC batch request. */
  static final int BATCH = 200;

  /** ProvenanceRegistry.batch(id). {@code root} is all zero when no such batch was anchored. */
  record Batch(long batchId, byte[] root, long leafCount, long anchoredAt) {
    boolean anchored() {
      for (byte b : root) {
        if (b != 0) {
          return true;
        }
      }
      return false;
    }
  }

  /** DataMarketplace.dataset(id). */
  record Dataset(byte[] contentRoot, byte[] sharesRoot, BigInteger totalShares, String paymentToken,
      BigInteger price, int feeBps, int status, long parentId, long listedAt, byte[] termsHash, String curator,
      BigInteger gross, BigInteger revenue, BigInteger paidOut, BigInteger feesAccrued) {}

  /** An EIP-712 domain as ERC-5267's eip712Domain() reports it. */
  record Domain(String name, String version, BigInteger chainId, String verifyingContract) {}

  /** ConsentRegistry.consentOf: the current interval and how many closed ones precede it. */
  record ConsentRecord(long grantedAt, long expiresAt, long revokedAt, long nonce, long historyLength) {}

  /** One JSON-RPC endpoint, and how far it was shown to serve the state the audit reads. */
  private static final class Endpoint {
    static final int UNKNOWN = 0;
    static final int SERVES_CHAIN = 1;
    static final int HAS_PINNED_BLOCK = 2;
    /** Serves another chain, or not the pinned block: never asked again in this audit. */
    static final int REJECTED = -1;

    final String url;
    final Web3j web3j;
    volatile int checked = UNKNOWN;
    /** Why it was rejected. */
    volatile String rejection;

    Endpoint(String url, Web3j web3j) {
      this.url = url;
      this.web3j = web3j;
    }
  }

  private final List<Endpoint> endpoints;
  /**
   * Which endpoint reads go to: the first that answers, until it cannot be reached; then the next
   * ones, an unreachable one backed off (the service's failover transport rotates by the same rules).
   */
  private final RpcEndpoints rotation;
  /** The chain the first endpoint to answer serves; every other endpoint must serve the same. */
  private BigInteger servedChainId;
  private volatile DefaultBlockParameter block = DefaultBlockParameterName.LATEST;
  private volatile long blockNumber = -1;
  /** Set last when pinning: once it is, every endpoint must hold this very block. */
  private volatile String blockHash;

  private AuditChain(List<String> rpcUrls) {
    if (rpcUrls.isEmpty()) {
      throw new IllegalArgumentException("no RPC endpoint");
    }
    OkHttpClient client = new OkHttpClient.Builder()
        .connectTimeout(10, TimeUnit.SECONDS).readTimeout(120, TimeUnit.SECONDS).build();
    List<Endpoint> list = new ArrayList<>(rpcUrls.size());
    for (String url : rpcUrls) {
      list.add(new Endpoint(url, Web3j.build(new HttpService(url, client))));
    }
    this.endpoints = List.copyOf(list);
    this.rotation = new RpcEndpoints(rpcUrls);
  }

  static AuditChain connect(String rpcUrl) {
    return connect(List.of(rpcUrl));
  }

  /**
   * Reads from the first of {@code rpcUrls} that can be reached, moving on in order (and around)
   * when one cannot: an endpoint that refuses the connection, times out or answers HTTP errors.
   * An endpoint that answers is used only once it has shown that it serves the chain of the first
   * one that answered and, once a block is pinned, that very block (same hash); one that does not
   * is left out for the rest of the audit. JSON-RPC error answers are answers, not failures to
   * reach an endpoint.
   */
  static AuditChain connect(List<String> rpcUrls) {
    return new AuditChain(rpcUrls);
  }

  long chainId() throws ChainUnavailableException {
    return send(w -> w.ethChainId().send()).getChainId().longValueExact();
  }

  /** Pins every later read, on whichever endpoint, to the current head; returns its number. */
  long pinLatestBlock() throws ChainUnavailableException {
    EthBlock.Block head = send(w -> w.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send()).getBlock();
    if (head == null || head.getHash() == null) {
      throw new ChainUnavailableException("the RPC endpoint " + endpoints.get(rotation.current()).url
          + " has no latest block");
    }
    blockNumber = head.getNumber().longValueExact();
    block = DefaultBlockParameter.valueOf(head.getNumber());
    blockHash = head.getHash();
    return blockNumber;
  }

  long pinnedBlock() {
    return blockNumber;
  }

  /** The code at {@code address} at the pinned block; empty for an account without code. */
  byte[] code(String address) throws ChainUnavailableException {
    String code = send(w -> w.ethGetCode(address, block).send()).getCode();
    return code == null || code.length() <= 2 ? new byte[0] : Hex.decode(code);
  }

  boolean hasCode(String address) throws ChainUnavailableException {
    return code(address).length > 0;
  }

  /** The contract's EIP-712 domain, or empty when it does not answer eip712Domain(). */
  Optional<Domain> eip712Domain(String contract) throws ChainUnavailableException {
    Function f = new Function("eip712Domain", List.of(), List.of(new TypeReference<Bytes1>() {},
        new TypeReference<Utf8String>() {}, new TypeReference<Utf8String>() {}, new TypeReference<Uint256>() {},
        new TypeReference<Address>() {}, new TypeReference<Bytes32>() {},
        new TypeReference<org.web3j.abi.datatypes.DynamicArray<Uint256>>() {}));
    EthCall call = call(contract, FunctionEncoder.encode(f));
    if (call.hasError() || call.isReverted() || call.getValue() == null || call.getValue().length() <= 2) {
      return Optional.empty();
    }
    try {
      @SuppressWarnings("rawtypes")
      List<Type> out = FunctionReturnDecoder.decode(call.getValue(), f.getOutputParameters());
      if (out.size() < 5) {
        return Optional.empty();
      }
      return Optional.of(new Domain((String) out.get(1).getValue(), (String) out.get(2).getValue(),
          (BigInteger) out.get(3).getValue(), ((String) out.get(4).getValue()).toLowerCase()));
    } catch (RuntimeException undecodable) {
      return Optional.empty();
    }
  }

  /** The dataset, or empty when the marketplace says it does not exist. */
  Optional<Dataset> dataset(String marketplace, BigInteger datasetId) throws ChainUnavailableException {
    EthCall call = call(marketplace, encode("dataset", new Uint256(datasetId)));
    if (call.hasError() || call.isReverted()) {
      String data = call.hasError() ? RevertDecoder.revertData(call.getError()) : null;
      var error = RevertDecoder.instance().decode(data);
      if (error.isPresent() && error.get().name().equals("DataMarketplaceUnknownDataset")) {
        return Optional.empty();
      }
      throw new ChainUnavailableException("dataset(" + datasetId + ") failed on " + marketplace + ": "
          + (call.hasError() ? call.getError().getMessage() : call.getRevertReason()));
    }
    byte[][] w = words(call.getValue(), 15);
    if (w == null) {
      return Optional.empty(); // not a marketplace: no answer of the right shape
    }
    return Optional.of(new Dataset(w[0], w[1], uint(w[2]), address(w[3]), uint(w[4]), uint(w[5]).intValue(),
        uint(w[6]).intValue(), uint(w[7]).longValue(), uint(w[8]).longValue(), w[9], address(w[10]), uint(w[11]),
        uint(w[12]), uint(w[13]), uint(w[14])));
  }

  /** ProvenanceRegistry.batch for one id. */
  Batch batch(String provenance, long batchId) throws ChainUnavailableException {
    EthCall call = call(provenance, encode("batch", new Uint64(batchId)));
    byte[][] w = call.hasError() || call.isReverted() ? null : words(call.getValue(), 3);
    if (w == null) {
      return new Batch(batchId, new byte[32], 0, 0);
    }
    return new Batch(batchId, w[0], uint(w[1]).longValue(), uint(w[2]).longValue());
  }

  /** ConsentRegistry.consentOf for many (contributor, terms) pairs, in batched requests. */
  List<ConsentRecord> consentRecords(String registry, List<String> contributors, List<byte[]> terms)
      throws ChainUnavailableException {
    List<String> data = new ArrayList<>(contributors.size());
    for (int i = 0; i < contributors.size(); i++) {
      data.add(encode("consentOf", new Address(contributors.get(i)), new Bytes32(terms.get(i))));
    }
    List<byte[][]> out = callMany(registry, data, 5);
    List<ConsentRecord> records = new ArrayList<>(out.size());
    for (byte[][] w : out) {
      records.add(w == null ? new ConsentRecord(0, 0, 0, 0, 0) : new ConsentRecord(uint(w[0]).longValue(),
          uint(w[1]).longValue(), uint(w[2]).longValue(), uint(w[3]).longValue(), uint(w[4]).longValue()));
    }
    return records;
  }

  /** ConsentRegistry.historyAt for many (contributor, terms, index): {grantedAt, endedAt} each. */
  List<long[]> history(String registry, List<String> contributors, List<byte[]> terms, List<Long> indexes)
      throws ChainUnavailableException {
    List<String> data = new ArrayList<>(contributors.size());
    for (int i = 0; i < contributors.size(); i++) {
      data.add(encode("historyAt", new Address(contributors.get(i)), new Bytes32(terms.get(i)),
          new Uint256(indexes.get(i))));
    }
    List<long[]> out = new ArrayList<>();
    for (byte[][] w : callMany(registry, data, 2)) {
      out.add(w == null ? null : new long[] {uint(w[0]).longValue(), uint(w[1]).longValue()});
    }
    return out;
  }

  /** ConsentRegistry.wasValidAt for many (contributor, terms, time). */
  List<Boolean> wasValidAt(String registry, List<String> contributors, List<byte[]> terms, List<Long> times)
      throws ChainUnavailableException {
    List<String> data = new ArrayList<>(contributors.size());
    for (int i = 0; i < contributors.size(); i++) {
      data.add(encode("wasValidAt", new Address(contributors.get(i)), new Bytes32(terms.get(i)),
          new Uint256(times.get(i))));
    }
    List<Boolean> out = new ArrayList<>();
    for (byte[][] w : callMany(registry, data, 1)) {
      out.add(w != null && uint(w[0]).signum() != 0);
    }
    return out;
  }

  /** DataMarketplace.claimedOf(datasetId, index) for many indexes. */
  List<BigInteger> claimedOf(String marketplace, BigInteger datasetId, List<Long> indexes)
      throws ChainUnavailableException {
    List<String> data = new ArrayList<>(indexes.size());
    for (long index : indexes) {
      data.add(encode("claimedOf", new Uint256(datasetId), new Uint256(index)));
    }
    List<BigInteger> out = new ArrayList<>();
    for (byte[][] w : callMany(marketplace, data, 1)) {
      out.add(w == null ? null : uint(w[0]));
    }
    return out;
  }

  /**
   * The shares-tree indexes that ever claimed from a dataset, from the marketplace's
   * {@code Claimed(datasetId indexed, index, account indexed, amount)} logs up to the pinned block
   * (every payout emits one), with the sum of the amounts; empty when the endpoint refuses the
   * log query (some providers limit block ranges), so that callers fall back to claimedOf for all.
   */
  Optional<ClaimLogs> claims(String marketplace, BigInteger datasetId) throws ChainUnavailableException {
    EthFilter filter = new EthFilter(DefaultBlockParameterName.EARLIEST, block, marketplace);
    filter.addSingleTopic(CLAIMED_TOPIC);
    filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(datasetId, 64));
    EthLog logs = send(w -> w.ethGetLogs(filter).send(), true);
    if (logs.hasError() || logs.getLogs() == null) {
      return Optional.empty();
    }
    java.util.TreeSet<Long> indexes = new java.util.TreeSet<>();
    BigInteger total = BigInteger.ZERO;
    for (EthLog.LogResult<?> result : logs.getLogs()) {
      if (!(result.get() instanceof Log log)) {
        return Optional.empty();
      }
      byte[][] w = words(log.getData(), 2);
      if (w == null) {
        return Optional.empty();
      }
      indexes.add(uint(w[0]).longValueExact());
      total = total.add(uint(w[1]));
    }
    return Optional.of(new ClaimLogs(indexes, total));
  }

  /** What the Claimed logs of a dataset say: which indexes claimed, and how much in all. */
  record ClaimLogs(java.util.SortedSet<Long> indexes, BigInteger total) {}

  private static final String CLAIMED_TOPIC = org.web3j.abi.EventEncoder.encode(
      io.labelledger.chain.contracts.DataMarketplace.CLAIMED_EVENT);

  @Override
  public void close() {
    endpoints.forEach(e -> e.web3j.shutdown());
  }

  // ------------------------------------------------------------------ transport

  private EthCall call(String to, String data) throws ChainUnavailableException {
    return send(w -> w.ethCall(Transaction.createEthCallTransaction(null, to, data), block).send());
  }

  /**
   * eth_calls to one contract in JSON-RPC batches; each answer as {@code words} 32-byte words, or
   * null for a call that failed or returned something else.
   */
  private List<byte[][]> callMany(String to, List<String> data, int words) throws ChainUnavailableException {
    List<byte[][]> out = new ArrayList<>(data.size());
    for (int from = 0; from < data.size(); from += BATCH) {
      List<String> slice = data.subList(from, Math.min(data.size(), from + BATCH));
      BatchResponse response = send(w -> {
        BatchRequest batch = w.newBatch();
        for (String d : slice) {
          batch.add(w.ethCall(Transaction.createEthCallTransaction(null, to, d), block));
        }
        return batch.send();
      });
      List<? extends Response<?>> responses = response.getResponses();
      for (Response<?> r : responses) {
        EthCall call = (EthCall) r;
        out.add(call.hasError() || call.isReverted() ? null : words(call.getValue(), words));
      }
    }
    return out;
  }

  /** One request (or batch) on one endpoint's client. */
  private interface Rpc<T> {
    T run(Web3j web3j) throws IOException;
  }

  private <T> T send(Rpc<T> rpc) throws ChainUnavailableException {
    return send(rpc, false);
  }

  /**
   * Runs an RPC on the current endpoint, or on the next ones in order when it cannot be reached
   * (see {@link #connect(List)}); an error answer is a ChainUnavailableException unless
   * {@code errorsAllowed} (eth_call errors are left to the caller: they are the contract's answer).
   */
  private <T> T send(Rpc<T> rpc, boolean errorsAllowed) throws ChainUnavailableException {
    List<String> failures = new ArrayList<>(endpoints.size());
    for (int index : rotation.order()) {
      Endpoint endpoint = endpoints.get(index);
      T result;
      try {
        String unfit = unfit(endpoint);
        if (unfit != null) {
          failures.add(endpoint.url + " " + unfit);
          continue;
        }
        result = rpc.run(endpoint.web3j);
      } catch (IOException | RuntimeException unreachable) {
        rotation.failed(index, String.valueOf(unreachable.getMessage()));
        failures.add(endpoint.url + " cannot be read: " + unreachable.getMessage());
        continue;
      }
      if (rotation.succeeded(index)) {
        LOG.warn("reading from RPC endpoint {} now: {}", endpoint.url, String.join("; ", failures));
      }
      if (!errorsAllowed && result instanceof Response<?> r && r.hasError() && !(result instanceof EthCall)) {
        throw new ChainUnavailableException("the RPC endpoint " + endpoint.url + " answered an error: "
            + r.getError().getMessage());
      }
      return result;
    }
    throw new ChainUnavailableException(endpoints.size() == 1 ? "the RPC endpoint " + failures.get(0)
        : "none of the " + endpoints.size() + " RPC endpoints can be read: " + String.join("; ", failures));
  }

  /**
   * Null when {@code endpoint} serves the audit's chain and, once a block is pinned, that block;
   * else why not (and it is rejected for the rest of the audit). Asks it once per stage.
   *
   * @throws IOException it cannot be reached
   */
  private String unfit(Endpoint endpoint) throws IOException {
    String pinnedHash = blockHash;
    int wanted = pinnedHash == null ? Endpoint.SERVES_CHAIN : Endpoint.HAS_PINNED_BLOCK;
    if (endpoint.checked >= wanted) {
      return null;
    }
    synchronized (endpoint) {
      if (endpoint.checked == Endpoint.REJECTED) {
        return endpoint.rejection;
      }
      if (endpoint.checked < Endpoint.SERVES_CHAIN) {
        var answer = endpoint.web3j.ethChainId().send();
        if (answer.hasError() || answer.getChainId() == null) {
          return "answered eth_chainId with an error";
        }
        BigInteger id = answer.getChainId();
        BigInteger served;
        synchronized (this) {
          if (servedChainId == null) {
            servedChainId = id;
          }
          served = servedChainId;
        }
        if (!id.equals(served)) {
          return reject(endpoint, "serves chain " + id + ", not chain " + served + " as the first endpoint that"
              + " answered");
        }
        endpoint.checked = Endpoint.SERVES_CHAIN;
      }
      if (wanted == Endpoint.HAS_PINNED_BLOCK && endpoint.checked < wanted) {
        var answer = endpoint.web3j.ethGetBlockByNumber(block, false).send();
        EthBlock.Block b = answer.hasError() ? null : answer.getBlock();
        if (b == null || !pinnedHash.equalsIgnoreCase(b.getHash())) {
          return reject(endpoint, b == null ? "does not have block " + blockNumber + ", which the audit reads"
              : "has another block " + blockNumber + " (" + b.getHash() + ") than the one the audit reads ("
                  + pinnedHash + ")");
        }
        endpoint.checked = Endpoint.HAS_PINNED_BLOCK;
      }
      return null;
    }
  }

  private static String reject(Endpoint endpoint, String why) {
    endpoint.rejection = why;
    endpoint.checked = Endpoint.REJECTED;
    return why;
  }

  // ------------------------------------------------------------------ ABI

  @SuppressWarnings("rawtypes")
  private static String encode(String name, Type... args) {
    return FunctionEncoder.encode(new Function(name, List.of(args), List.of()));
  }

  /** The first {@code n} 32-byte words of an ABI answer, or null when it is shorter. */
  static byte[][] words(String hex, int n) {
    if (hex == null) {
      return null;
    }
    byte[] raw;
    try {
      raw = Hex.decode(hex);
    } catch (RuntimeException e) {
      return null;
    }
    if (raw.length < 32 * n) {
      return null;
    }
    byte[][] out = new byte[n][];
    for (int i = 0; i < n; i++) {
      out[i] = java.util.Arrays.copyOfRange(raw, 32 * i, 32 * i + 32);
    }
    return out;
  }

  private static BigInteger uint(byte[] word) {
    return new BigInteger(1, word);
  }

  private static String address(byte[] word) {
    return Hex.encode(java.util.Arrays.copyOfRange(word, 12, 32));
  }
}
