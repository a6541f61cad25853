package io.labelledger.market;

import java.math.BigInteger;

/**
 * DataMarketplace's payout arithmetic, for whoever must predict or check it off-chain (the verifier,
 * the earnings page, the tests): an account's cumulative payout from a dataset is
 * {@code floor(revenue × shares / totalShares)}, whatever rule produced the shares. Cumulative, so
 * rounding never compounds: each account leaves less than one token unit behind, and the sum of payouts
 * never exceeds the revenue.
 */
public final class Payouts {
  private Payouts() {}

  /**
   * What an account holding {@code shares} of {@code totalShares} is owed in all from {@code revenue}
   * (0 when there are no shares at all).
   */
  public static BigInteger owed(BigInteger revenue, BigInteger shares, BigInteger totalShares) {
    if (revenue.signum() < 0 || shares.signum() < 0 || totalShares.signum() < 0) {
      throw new IllegalArgumentException("negative amount: " + revenue + ", " + shares + ", " + totalShares);
    }
    return totalShares.signum() == 0 ? BigInteger.ZERO : revenue.multiply(shares).divide(totalShares);
  }

  /** What is owed to an account now, beyond what it already {@code claimed}: never negative. */
  public static BigInteger claimable(BigInteger revenue, BigInteger shares, BigInteger totalShares,
      BigInteger claimed) {
    return owed(revenue, shares, totalShares).subtract(claimed).max(BigInteger.ZERO);
  }
}
