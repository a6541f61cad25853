package io.labelledger.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * What the service offers for gas on every transaction it sends (consent relaying, terms
 * registration, listings, operator claims, anchors). EIP-1559 where the chain reports a base fee:
 * {@code maxFeePerGas = baseFee(next block) × baseFeeMultiplierPercent / 100 + priority fee},
 * the priority fee being the {@code priorityFeePercentile}-th percentile of recent blocks' tips
 * ({@code eth_feeHistory}), never below {@code priorityFeeFloorGwei}. Legacy {@code eth_gasPrice}
 * only on a chain without a base fee.
 *
 * @param maxFeeGwei the ceiling: no transaction offers more than this per gas (max fee, or legacy
 *     gas price). When the next block's base fee plus the priority fee is already above it, the
 *     service refuses to send (the error names both figures; metric
 *     {@code labelledger_tx_fee_ceiling_refusals_total}) instead of sending something that cannot
 *     be mined or overpaying; a stuck transaction is replaced only while the raised fee stays under it
 * @param baseFeeMultiplierPercent head room above the next base fee (200: the offer stays valid
 *     through about six full blocks of base fee rises); only the base fee actually due is paid
 * @param priorityFeePercentile which percentile of recent tips to offer (1..99)
 * @param priorityFeeFloorGwei the least priority fee offered (also when recent blocks had no tips)
 * @param replaceAfterMs a transaction without a receipt after this long is sent again with the same
 *     nonce: re-broadcast as is when the node lost it, else replaced with both fees raised
 * @param bumpPercent how much a replacement raises both fees (nodes refuse less than 10)
 */
public record FeeConfig(
    @DecimalMin("0.000001") @DecimalMax("1000000") double maxFeeGwei,
    @Min(100) @Max(1000) int baseFeeMultiplierPercent,
    @Min(1) @Max(99) int priorityFeePercentile,
    @DecimalMin("0") @DecimalMax("10000") double priorityFeeFloorGwei,
    @Min(1000) @Max(86_400_000) long replaceAfterMs,
    @Min(10) @Max(500) int bumpPercent) {

  /** Defaults, for code that builds a chain client without a configuration file (tests, tools). */
  public static FeeConfig defaults() {
    return new FeeConfig(500, 200, 50, 0.1, 30_000, 25);
  }
}
