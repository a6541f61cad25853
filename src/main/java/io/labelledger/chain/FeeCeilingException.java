package io.labelledger.chain;

import java.math.BigInteger;

/**
 * A transaction not sent (or not replaced) because the fee it would need is above the configured
 * ceiling ({@code chain.fees.maxFeeGwei}). Nothing was signed or broadcast.
 */
public final class FeeCeilingException extends ChainException {
  private final BigInteger needed;
  private final BigInteger ceiling;

  public FeeCeilingException(String what, BigInteger needed, BigInteger ceiling) {
    super(what + " needs " + Fees.inGwei(needed) + " per gas, above the ceiling chain.fees.maxFeeGwei = "
        + Fees.inGwei(ceiling) + " (LABELLEDGER_MAX_FEE_GWEI): not sent");
    this.needed = needed;
    this.ceiling = ceiling;
  }

  public BigInteger needed() {
    return needed;
  }

  public BigInteger ceiling() {
    return ceiling;
  }
}
