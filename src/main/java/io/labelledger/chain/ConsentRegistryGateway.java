package io.labelledger.chain;

import io.labelledger.chain.contracts.ConsentRegistry;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.Utils;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
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
 * The service's one way to ConsentRegistry: reads by {@code eth_call}, writes through
 * {@link TxSender}, events decoded with the generated wrapper's definitions. Non-blocking
 * throughout.
 */
public final class ConsentRegistryGateway {
  public static final String GRANTED_TOPIC = EventEncoder.encode(ConsentRegistry.CONSENTGRANTED_EVENT);
  public static final String REVOKED_TOPIC = EventEncoder.encode(ConsentRegistry.CONSENTREVOKED_EVENT);
  private static final String SKIPPED_TOPIC = EventEncoder.encode(ConsentRegistry.CONSENTRELAYSKIPPED_EVENT);

  private final Web3j web3j;
  private final TxSender sender;
  private final String address;

  public ConsentRegistryGateway(Web3j web3j, TxSender sender, String address) {
    this.web3j = web3j;
    this.sender = sender;
    this.address = address.toLowerCase();
  }

  public String address() {
    return address;
  }

  /** A signed grant as relayed; {@code signature} is the 65-byte (r, s, v) signature. */
  public record SignedGrant(String contributor, String termsHash, long expiresAt, BigInteger nonce, long deadline,
      byte[] signature) {}

  /** A signed revocation as relayed. */
  public record SignedRevocation(String contributor, String termsHash, BigInteger nonce, long deadline,
      byte[] signature) {}

  /** An item of a relayed batch the contract skipped, with the name of the custom error it would have raised. */
  public record Skipped(String contributor, String termsHash, BigInteger nonce, String reason) {}

  /** A ConsentGranted or ConsentRevoked log, in chain order by (block, logIndex). */
  public record ConsentEvent(boolean granted, String contributor, String termsHash, long at, long expiresAt,
      long nonce, long block, String txHash, int logIndex, String blockHash) {}

  /** {@code nonceOf(contributor, termsHash)} at the latest block. */
  public Future<BigInteger> nonceOf(String contributor, String termsHash) {
    Function function = new Function(ConsentRegistry.FUNC_NONCEOF,
        List.of(new Address(contributor), new Bytes32(Hex.decode(termsHash))),
        List.of(new TypeReference<Uint256>() {}));
    return Future.fromCompletionStage(web3j.ethCall(
            Transaction.createEthCallTransaction(sender.address(), address, FunctionEncoder.encode(function)),
            DefaultBlockParameterName.LATEST).sendAsync())
        .compose(r -> {
          if (r.hasError() || r.isReverted()) {
            return Future.failedFuture(new ChainException("nonceOf failed: "
                + (r.hasError() ? r.getError().getMessage() : r.getRevertReason())));
          }
          @SuppressWarnings("rawtypes")
          List<Type> out = FunctionReturnDecoder.decode(r.getValue(), function.getOutputParameters());
          if (out.isEmpty()) {
            return Future.failedFuture(new ChainException("nonceOf returned nothing: is " + address
                + " a ConsentRegistry?"));
          }
          return Future.succeededFuture((BigInteger) out.get(0).getValue());
        });
  }

  /** Registers terms; the future ends with the mined receipt's transaction hash. */
  public Future<String> registerTerms(String termsHash, String uri, long receiptTimeoutMs) {
    String data = FunctionEncoder.encode(new Function(ConsentRegistry.FUNC_REGISTERTERMS,
        List.of(new Bytes32(Hex.decode(termsHash)), new Utf8String(uri == null ? "" : uri)), List.of()));
    return sender.submit(address, data, hash -> Future.succeededFuture())
        .compose(hash -> sender.awaitReceipt(hash, receiptTimeoutMs))
        .compose(receipt -> receipt.isStatusOK() ? Future.succeededFuture(receipt.getTransactionHash())
            : Future.failedFuture(new ChainException("registerTerms reverted in " + receipt.getTransactionHash())));
  }

  public String grantBatchData(List<SignedGrant> grants) {
    List<ConsentRegistry.ConsentGrant> structs = new ArrayList<>();
    List<byte[]> signatures = new ArrayList<>();
    for (SignedGrant g : grants) {
      structs.add(new ConsentRegistry.ConsentGrant(g.contributor(), Hex.decode(g.termsHash()),
          BigInteger.valueOf(g.expiresAt()), g.nonce(), BigInteger.valueOf(g.deadline())));
      signatures.add(g.signature());
    }
    return batchData(ConsentRegistry.FUNC_GRANTBATCHWITHSIG,
        new DynamicArray<>(ConsentRegistry.ConsentGrant.class, structs), signatures);
  }

  public String revokeBatchData(List<SignedRevocation> revocations) {
    List<ConsentRegistry.ConsentRevocation> structs = new ArrayList<>();
    List<byte[]> signatures = new ArrayList<>();
    for (SignedRevocation r : revocations) {
      structs.add(new ConsentRegistry.ConsentRevocation(r.contributor(), Hex.decode(r.termsHash()), r.nonce(),
          BigInteger.valueOf(r.deadline())));
      signatures.add(r.signature());
    }
    return batchData(ConsentRegistry.FUNC_REVOKEBATCHWITHSIG,
        new DynamicArray<>(ConsentRegistry.ConsentRevocation.class, structs), signatures);
  }

  private static String batchData(String name, DynamicArray<?> items, List<byte[]> signatures) {
    return FunctionEncoder.encode(new Function(name, Arrays.<Type>asList(items,
        new DynamicArray<>(DynamicBytes.class, Utils.typeMap(signatures, DynamicBytes.class))),
        Collections.emptyList()));
  }

  /** Items of a relayed batch that the contract skipped (ConsentRelaySkipped logs of this registry). */
  public List<Skipped> skipped(TransactionReceipt receipt) {
    List<Skipped> out = new ArrayList<>();
    for (Log log : receipt.getLogs()) {
      if (isOurs(log, SKIPPED_TOPIC)) {
        var e = ConsentRegistry.getConsentRelaySkippedEventFromLog(log);
        String selector = Numeric.toHexString(e.reason);
        out.add(new Skipped(e.contributor.toLowerCase(), Hex.encode(e.termsHash), e.nonce,
            RevertDecoder.instance().errorName(selector).orElse(selector)));
      }
    }
    return out;
  }

  public Future<Long> blockNumber() {
    return Future.fromCompletionStage(web3j.ethBlockNumber().sendAsync())
        .map(r -> r.getBlockNumber().longValueExact());
  }

  /** ConsentGranted / ConsentRevoked logs of this registry in blocks {@code from..to} (inclusive), in chain order. */
  public Future<List<ConsentEvent>> consentEvents(long from, long to) {
    EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
        DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), address);
    filter.addOptionalTopics(GRANTED_TOPIC, REVOKED_TOPIC);
    return Future.fromCompletionStage(web3j.ethGetLogs(filter).sendAsync()).compose(r -> {
      if (r.hasError()) {
        return Future.failedFuture(new ChainException("eth_getLogs failed: " + r.getError().getMessage()));
      }
      List<ConsentEvent> out = new ArrayList<>();
      for (EthLog.LogResult<?> result : r.getLogs()) {
        Log log = (Log) result.get();
        if (log.isRemoved()) {
          continue;
        }
        if (isOurs(log, GRANTED_TOPIC)) {
          var e = ConsentRegistry.getConsentGrantedEventFromLog(log);
          out.add(new ConsentEvent(true, e.contributor.toLowerCase(), Hex.encode(e.termsHash),
              e.grantedAt.longValueExact(), e.expiresAt.longValueExact(), e.nonce.longValueExact(),
              log.getBlockNumber().longValueExact(), log.getTransactionHash(), log.getLogIndex().intValueExact(),
              log.getBlockHash()));
        } else if (isOurs(log, REVOKED_TOPIC)) {
          var e = ConsentRegistry.getConsentRevokedEventFromLog(log);
          out.add(new ConsentEvent(false, e.contributor.toLowerCase(), Hex.encode(e.termsHash),
              e.revokedAt.longValueExact(), 0, e.nonce.longValueExact(),
              log.getBlockNumber().longValueExact(), log.getTransactionHash(), log.getLogIndex().intValueExact(),
              log.getBlockHash()));
        }
      }
      out.sort((a, b) -> a.block() != b.block() ? Long.compare(a.block(), b.block())
          : Integer.compare(a.logIndex(), b.logIndex()));
      return Future.succeededFuture(out);
    });
  }

  private boolean isOurs(Log log, String topic) {
    return address.equalsIgnoreCase(log.getAddress()) && !log.getTopics().isEmpty()
        && topic.equalsIgnoreCase(log.getTopics().get(0));
  }

  public TxSender sender() {
    return sender;
  }
}
