package io.labelledger.chain;

import io.labelledger.config.FeeConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.EthFeeHistory;

/**
 * The fees the service offers, from the node: EIP-1559 from {@code eth_feeHistory} over the last
 * {@value #BLOCKS} blocks (the next block's base fee × the multiplier + a percentile of recent
 * tips, at least the floor), legacy {@code eth_gasPrice} when the chain reports no base fee. Every
 * offer stays under the ceiling; when what the chain wants right now (next base fee + tip, or the
 * legacy price) is above it, the future fails with a {@link FeeCeilingException} and
 * {@code labelledger_tx_fee_ceiling_refusals_total} counts it. Shared by every sender of one
 * chain; non-blocking ({@code sendAsync()}), thread-safe.
 */
public final class FeeOracle {
  static final int BLOCKS = 10;
  private static final BigInteger HUNDRED = BigInteger.valueOf(100);

  private final Web3j web3j;
  private final BigInteger ceiling;
  private final BigInteger floor;
  private final int multiplierPercent;
  private final int percentile;
  private final Counter refusals;

  public FeeOracle(Web3j web3j, FeeConfig config, MeterRegistry meters) {
    this(web3j, Fees.gwei(config.maxFeeGwei()), config, meters);
  }

  /** As {@link #FeeOracle(Web3j, FeeConfig, MeterRegistry)} with another ceiling (a sender's own, lower one). */
  public FeeOracle(Web3j web3j, BigInteger ceiling, FeeConfig config, MeterRegistry meters) {
    this.web3j = web3j;
    this.ceiling = ceiling;
    this.floor = Fees.gwei(config.priorityFeeFloorGwei()).min(ceiling);
    this.multiplierPercent = config.baseFeeMultiplierPercent();
    this.percentile = config.priorityFeePercentile();
    this.refusals = Counter.builder("labelledger_tx_fee_ceiling_refusals_total")
        .description("transactions not sent or not replaced because they needed more than chain.fees.maxFeeGwei")
        .register(meters);
  }

  public BigInteger ceiling() {
    return ceiling;
  }

  /** Fees for a transaction sent now. */
  public Future<Fees> current() {
    return Future.fromCompletionStage(web3j.ethFeeHistory(BLOCKS, DefaultBlockParameterName.LATEST,
            List.of((double) percentile)).sendAsync())
        .compose(r -> {
          EthFeeHistory.FeeHistory history = r.hasError() ? null : r.getFeeHistory();
          List<BigInteger> baseFees = history == null ? null : history.getBaseFeePerGas();
          if (baseFees == null || baseFees.isEmpty() || baseFees.get(baseFees.size() - 1) == null) {
            return legacy(); // no base fee on this chain (or no eth_feeHistory): legacy pricing
          }
          return eip1559(baseFees.get(baseFees.size() - 1), tip(history));
        });
  }

  /**
   * The fees a replacement of a transaction that offered {@code previous} offers: both raised by
   * {@code bumpPercent} at least, and at least what the chain wants now; never above the ceiling.
   */
  public Future<Fees> replacement(Fees previous, int bumpPercent) {
    Fees bumped = previous.bumped(bumpPercent);
    if (bumped.perGasCeiling().compareTo(ceiling) > 0) {
      return refuse("a replacement of a transaction offering " + previous, bumped.perGasCeiling());
    }
    return current().map(now -> {
      Fees offer = bumped.atLeast(now);
      BigInteger max = offer.maxFeePerGas().min(ceiling);
      return offer.isLegacy() ? Fees.legacy(max) : Fees.eip1559(max, offer.maxPriorityFeePerGas().min(max));
    });
  }

  private Future<Fees> eip1559(BigInteger nextBaseFee, BigInteger tip) {
    BigInteger needed = nextBaseFee.add(tip);
    if (needed.compareTo(ceiling) > 0) {
      return refuse("the next block (base fee " + Fees.inGwei(nextBaseFee) + ", tip " + Fees.inGwei(tip) + ")", needed);
    }
    BigInteger max = nextBaseFee.multiply(BigInteger.valueOf(multiplierPercent)).divide(HUNDRED).add(tip).min(ceiling);
    return Future.succeededFuture(Fees.eip1559(max, tip));
  }

  private Future<Fees> legacy() {
    return Future.fromCompletionStage(web3j.ethGasPrice().sendAsync()).compose(r -> {
      if (r.hasError()) {
        return Future.failedFuture(new ChainException("eth_gasPrice: " + r.getError().getMessage()));
      }
      BigInteger price = r.getGasPrice().max(BigInteger.ONE);
      return price.compareTo(ceiling) > 0 ? refuse("the node's gas price", price)
          : Future.succeededFuture(Fees.legacy(price));
    });
  }

  /** The median over recent blocks of their {@code percentile}-th tip, ignoring blocks without tips; at least the floor. */
  private BigInteger tip(EthFeeHistory.FeeHistory history) {
    List<BigInteger> tips = new ArrayList<>();
    List<List<BigInteger>> rewards = history.getReward();
    for (List<BigInteger> block : rewards == null ? List.<List<BigInteger>>of() : rewards) {
      if (block != null && !block.isEmpty() && block.get(0) != null && block.get(0).signum() > 0) {
        tips.add(block.get(0));
      }
    }
    if (tips.isEmpty()) {
      return floor;
    }
    Collections.sort(tips);
    return tips.get(tips.size() / 2).max(floor);
  }

  private <T> Future<T> refuse(String what, BigInteger needed) {
    refusals.increment();
    return Future.failedFuture(new FeeCeilingException(what, needed, ceiling));
  }
}
