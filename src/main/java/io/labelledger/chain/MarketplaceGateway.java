package io.labelledger.chain;

import io.labelledger.chain.contracts.DataMarketplace;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Type;
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

/**
 * The service's one way to DataMarketplace: views by {@code eth_call}, the operator's listings and
 * claims through {@link TxSender}, DatasetPurchased logs for licences. Non-blocking throughout.
 */
public final class MarketplaceGateway {
  public static final String PURCHASED_TOPIC = EventEncoder.encode(DataMarketplace.DATASETPURCHASED_EVENT);

  private final Web3j web3j;
  private final TxSender sender;
  private final String address;

  public MarketplaceGateway(Web3j web3j, TxSender sender, String address) {
    this.web3j = web3j;
    this.sender = sender;
    this.address = address.toLowerCase();
  }

  public String address() {
    return address;
  }

  public TxSender sender() {
    return sender;
  }

  /** What the contract says of one dataset now. */
  public record OnChainDataset(BigInteger totalShares, String paymentToken, BigInteger price, int feeBps, int status,
      BigInteger gross, BigInteger revenue, BigInteger paidOut, BigInteger feesAccrued, String contentRoot,
      String sharesRoot) {}

  /** One share leaf's position now: cumulative claimed and what a claim would pay. */
  public record LeafPosition(BigInteger claimed, BigInteger owed) {}

  /** A DatasetPurchased log. */
  public record Purchase(long datasetId, String buyer, BigInteger price, BigInteger fee, long block, String txHash,
      int logIndex, String blockHash) {}

  /** One leaf of a claimMany call. */
  public record Claim(long datasetId, long index, String account, BigInteger shares, List<byte[]> proof) {}

  public Future<OnChainDataset> dataset(long datasetId) {
    return call(DataMarketplace.FUNC_DATASET, List.of(new Uint256(datasetId)),
        List.<TypeReference<?>>of(new TypeReference<DataMarketplace.DatasetInfo>() {}), out -> {
          DataMarketplace.DatasetInfo d = (DataMarketplace.DatasetInfo) out.get(0);
          return new OnChainDataset(d.totalShares, d.paymentToken.toLowerCase(), d.price, d.feeBps.intValue(),
              d.status.intValue(), d.gross, d.revenue, d.paidOut, d.feesAccrued, Hex.encode(d.contentRoot),
              Hex.encode(d.sharesRoot));
        });
  }

  /** {@code claimedOf} and {@code owed} of one leaf, read at the same block. */
  public Future<LeafPosition> position(long datasetId, long index, BigInteger shares) {
    return blockNumber().compose(block -> {
      DefaultBlockParameter at = DefaultBlockParameter.valueOf(BigInteger.valueOf(block));
      Future<BigInteger> claimed = uint(DataMarketplace.FUNC_CLAIMEDOF,
          List.of(new Uint256(datasetId), new Uint256(index)), at);
      Future<BigInteger> owed = uint(DataMarketplace.FUNC_OWED,
          List.of(new Uint256(datasetId), new Uint256(index), new Uint256(shares)), at);
      return Future.all(claimed, owed).map(all -> new LeafPosition(claimed.result(), owed.result()));
    });
  }

  public Future<Long> licensedAt(long datasetId, String account) {
    return uint(DataMarketplace.FUNC_LICENSEDAT, List.of(new Uint256(datasetId), new Address(account)),
        DefaultBlockParameterName.LATEST).map(BigInteger::longValueExact);
  }

  public Future<BigInteger> tokenBalance(String token, String account) {
    return call(token, "balanceOf", List.of(new Address(account)),
        List.<TypeReference<?>>of(new TypeReference<Uint256>() {}),
        DefaultBlockParameterName.LATEST, out -> (BigInteger) out.get(0).getValue());
  }

  /** The calldata of {@code list(params)}. */
  public static String listData(DataMarketplace.ListingParams params) {
    return FunctionEncoder.encode(new org.web3j.abi.datatypes.Function(DataMarketplace.FUNC_LIST,
        List.of(params), List.of()));
  }

  /** The calldata of {@code reprice(datasetId, newPrice)} (curator only; the dataset must be listed). */
  public static String repriceData(long datasetId, BigInteger newPrice) {
    return FunctionEncoder.encode(new org.web3j.abi.datatypes.Function("reprice",
        List.of(new Uint256(datasetId), new org.web3j.abi.datatypes.generated.Uint128(newPrice)), List.of()));
  }

  /** The calldata of {@code delist(datasetId)} (curator only; the dataset must be listed). */
  public static String delistData(long datasetId) {
    return FunctionEncoder.encode(new org.web3j.abi.datatypes.Function("delist",
        List.of(new Uint256(datasetId)), List.of()));
  }

  /** The calldata of {@code claimMany(claims)}, as a wallet (or the operator) sends it. */
  public static String claimManyData(List<Claim> claims) {
    List<DataMarketplace.ClaimParams> params = new ArrayList<>();
    for (Claim c : claims) {
      params.add(new DataMarketplace.ClaimParams(BigInteger.valueOf(c.datasetId()), BigInteger.valueOf(c.index()),
          c.account(), c.shares(), c.proof()));
    }
    return FunctionEncoder.encode(new org.web3j.abi.datatypes.Function(DataMarketplace.FUNC_CLAIMMANY,
        List.of(new DynamicArray<>(DataMarketplace.ClaimParams.class, params)), List.of()));
  }

  /** The calldata of {@code purchase(datasetId, maxPrice)}. */
  public static String purchaseData(long datasetId, BigInteger maxPrice) {
    return FunctionEncoder.encode(new org.web3j.abi.datatypes.Function(DataMarketplace.FUNC_PURCHASE,
        List.of(new Uint256(datasetId), new Uint256(maxPrice)), List.of()));
  }

  /** The calldata of ERC-20 {@code approve(spender, amount)}. */
  public static String approveData(String spender, BigInteger amount) {
    return FunctionEncoder.encode(new org.web3j.abi.datatypes.Function("approve",
        List.of(new Address(spender), new Uint256(amount)), List.of()));
  }

  /**
   * Sends {@code data} to the marketplace as the operator: {@code record(txHash)} runs before the
   * broadcast; the future ends with the mined receipt (failed if it reverted).
   */
  public Future<TransactionReceipt> send(String data, Function<String, Future<Void>> record, long receiptTimeoutMs) {
    return sender.submit(address, data, record)
        .compose(hash -> sender.awaitReceipt(hash, receiptTimeoutMs))
        .compose(receipt -> receipt.isStatusOK() ? Future.succeededFuture(receipt)
            : Future.failedFuture(new ChainException("transaction " + receipt.getTransactionHash() + " reverted")));
  }

  /** The dataset id a {@code list} receipt assigned. */
  public long listedId(TransactionReceipt receipt) {
    for (Log log : receipt.getLogs()) {
      if (address.equalsIgnoreCase(log.getAddress()) && !log.getTopics().isEmpty() && log.getTopics().get(0)
          .equalsIgnoreCase(EventEncoder.encode(DataMarketplace.DATASETLISTED_EVENT))) {
        return DataMarketplace.getDatasetListedEventFromLog(log).datasetId.longValueExact();
      }
    }
    throw new ChainException("receipt " + receipt.getTransactionHash() + " has no DatasetListed event");
  }

  /** Sum of the Claimed amounts of this marketplace in a receipt. */
  public BigInteger claimedIn(TransactionReceipt receipt) {
    BigInteger total = BigInteger.ZERO;
    String topic = EventEncoder.encode(DataMarketplace.CLAIMED_EVENT);
    for (Log log : receipt.getLogs()) {
      if (address.equalsIgnoreCase(log.getAddress()) && !log.getTopics().isEmpty()
          && log.getTopics().get(0).equalsIgnoreCase(topic)) {
        total = total.add(DataMarketplace.getClaimedEventFromLog(log).amount);
      }
    }
    return total;
  }

  public Future<Long> blockNumber() {
    return Future.fromCompletionStage(web3j.ethBlockNumber().sendAsync())
        .map(r -> r.getBlockNumber().longValueExact());
  }

  public Future<Long> blockTime(long block) {
    return Future.fromCompletionStage(web3j.ethGetBlockByNumber(
            DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), false).sendAsync())
        .map(r -> r.getBlock().getTimestamp().longValueExact());
  }

  /** DatasetPurchased logs of this marketplace in blocks {@code from..to} (inclusive), in chain order. */
  public Future<List<Purchase>> purchases(long from, long to) {
    EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
        DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), address);
    filter.addSingleTopic(PURCHASED_TOPIC);
    return Future.fromCompletionStage(web3j.ethGetLogs(filter).sendAsync()).compose(r -> {
      if (r.hasError()) {
        return Future.failedFuture(new ChainException("eth_getLogs failed: " + r.getError().getMessage()));
      }
      List<Purchase> out = new ArrayList<>();
      for (EthLog.LogResult<?> result : r.getLogs()) {
        Log log = (Log) result.get();
        if (log.isRemoved() || !address.equalsIgnoreCase(log.getAddress())) {
          continue;
        }
        var e = DataMarketplace.getDatasetPurchasedEventFromLog(log);
        out.add(new Purchase(e.datasetId.longValueExact(), e.buyer.toLowerCase(), e.price, e.fee,
            log.getBlockNumber().longValueExact(), log.getTransactionHash(), log.getLogIndex().intValueExact(),
            log.getBlockHash()));
      }
      return Future.succeededFuture(out);
    });
  }

  private Future<BigInteger> uint(String name, List<Type> args, DefaultBlockParameter at) {
    return call(address, name, args, List.<TypeReference<?>>of(new TypeReference<Uint256>() {}), at,
        out -> (BigInteger) out.get(0).getValue());
  }

  private <T> Future<T> call(String name, List<Type> args, List<TypeReference<?>> outputs,
      Function<List<Type>, T> decode) {
    return call(address, name, args, outputs, DefaultBlockParameterName.LATEST, decode);
  }

  @SuppressWarnings({"rawtypes", "unchecked"})
  private <T> Future<T> call(String to, String name, List<Type> args, List<TypeReference<?>> outputs,
      DefaultBlockParameter at, Function<List<Type>, T> decode) {
    org.web3j.abi.datatypes.Function fn = new org.web3j.abi.datatypes.Function(name, args, outputs);
    return Future.fromCompletionStage(web3j.ethCall(
            Transaction.createEthCallTransaction(sender.address(), to, FunctionEncoder.encode(fn)), at).sendAsync())
        .compose(r -> {
          if (r.hasError() || r.isReverted()) {
            String data = r.hasError() ? RevertDecoder.revertData(r.getError()) : r.getValue();
            var revert = RevertDecoder.instance().decode(data);
            return Future.failedFuture(new ChainException(name + " failed: "
                + revert.map(Object::toString).orElse(r.hasError() ? r.getError().getMessage() : "reverted"),
                revert.orElse(null)));
          }
          List<Type> out = FunctionReturnDecoder.decode(r.getValue(), fn.getOutputParameters());
          if (out.isEmpty()) {
            return Future.failedFuture(new ChainException(name + " returned nothing from " + to));
          }
          return Future.succeededFuture(decode.apply(out));
        });
  }

  /** For {@code ListingParams}: a 0x-hex bytes32. */
  public static byte[] bytes32(String hex) {
    return new Bytes32(Hex.decode(hex)).getValue();
  }
}
