package io.labelledger.audit;

import io.labelledger.chain.Hex;
import io.labelledger.chain.RevertDecoder;
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
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;
import org.web3j.protocol.http.HttpService;
import okhttp3.OkHttpClient;

/**
 * The verifier's only source of truth: read-only {@code eth_call}s to the three contracts, all at
 * one block pinned when the audit starts (so every answer describes the same chain state), sent in
 * JSON-RPC batches where there are many. Knows the views' ABI (and decodes custom errors with
 * {@link RevertDecoder}); the verifier depends on the RPC endpoint alone.
 *
 * <p>Thread-safe. A transport failure is a {@link ChainUnavailableException}.
 */
final class AuditChain implements AutoCloseable {
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

  private final String rpcUrl;
  private final HttpService http;
  private final Web3j web3j;
  private volatile DefaultBlockParameter block = DefaultBlockParameterName.LATEST;
  private volatile long blockNumber = -1;

  private AuditChain(String rpcUrl) {
    this.rpcUrl = rpcUrl;
    OkHttpClient client = new OkHttpClient.Builder()
        .connectTimeout(10, TimeUnit.SECONDS).readTimeout(120, TimeUnit.SECONDS).build();
    this.http = new HttpService(rpcUrl, client);
    this.web3j = Web3j.build(http);
  }

  static AuditChain connect(String rpcUrl) {
    return new AuditChain(rpcUrl);
  }

  String rpcUrl() {
    return rpcUrl;
  }

  long chainId() throws ChainUnavailableException {
    return send(() -> web3j.ethChainId().send()).getChainId().longValueExact();
  }

  /** Pins every later read to the current head; returns its number. */
  long pinLatestBlock() throws ChainUnavailableException {
    BigInteger number = send(() -> web3j.ethBlockNumber().send()).getBlockNumber();
    block = DefaultBlockParameter.valueOf(number);
    blockNumber = number.longValueExact();
    return blockNumber;
  }

  long pinnedBlock() {
    return blockNumber;
  }

  boolean hasCode(String address) throws ChainUnavailableException {
    String code = send(() -> web3j.ethGetCode(address, block).send()).getCode();
    return code != null && code.length() > 2;
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
      String data = call.hasError() && call.getError().getData() != null
          ? String.valueOf(call.getError().getData()).replace("\"", "") : null;
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
    EthLog logs = send(() -> web3j.ethGetLogs(filter).send(), true);
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
    web3j.shutdown();
  }

  // ------------------------------------------------------------------ transport

  private EthCall call(String to, String data) throws ChainUnavailableException {
    return send(() -> web3j.ethCall(Transaction.createEthCallTransaction(null, to, data), block).send());
  }

  /**
   * eth_calls to one contract in JSON-RPC batches; each answer as {@code words} 32-byte words, or
   * null for a call that failed or returned something else.
   */
  private List<byte[][]> callMany(String to, List<String> data, int words) throws ChainUnavailableException {
    List<byte[][]> out = new ArrayList<>(data.size());
    for (int from = 0; from < data.size(); from += BATCH) {
      BatchRequest batch = web3j.newBatch();
      for (String d : data.subList(from, Math.min(data.size(), from + BATCH))) {
        batch.add(web3j.ethCall(Transaction.createEthCallTransaction(null, to, d), block));
      }
      BatchResponse response = send(batch::send);
      List<? extends Response<?>> responses = response.getResponses();
      for (Response<?> r : responses) {
        EthCall call = (EthCall) r;
        out.add(call.hasError() || call.isReverted() ? null : words(call.getValue(), words));
      }
    }
    return out;
  }

  private interface Rpc<T> {
    T run() throws IOException;
  }

  private <T> T send(Rpc<T> rpc) throws ChainUnavailableException {
    return send(rpc, false);
  }

  /** Runs an RPC; an error answer is a ChainUnavailableException unless {@code errorsAllowed}. */
  private <T> T send(Rpc<T> rpc, boolean errorsAllowed) throws ChainUnavailableException {
    try {
      T result = rpc.run();
      if (!errorsAllowed && result instanceof Response<?> r && r.hasError() && !(result instanceof EthCall)) {
        throw new ChainUnavailableException("the RPC endpoint " + rpcUrl + " answered an error: "
            + r.getError().getMessage());
      }
      return result;
    } catch (IOException | RuntimeException e) {
      if (e instanceof ChainUnavailableException c) {
        throw c;
      }
      throw new ChainUnavailableException("the RPC endpoint " + rpcUrl + " cannot be read: " + e.getMessage());
    }
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
