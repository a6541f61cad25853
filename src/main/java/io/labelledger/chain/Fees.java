package io.labelledger.chain;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Objects;
import org.web3j.crypto.RawTransaction;

/**
 * What one transaction offers per gas, in wei: EIP-1559 ({@code maxFeePerGas} and
 * {@code maxPriorityFeePerGas}, a type 2 transaction) or, on a chain without a base fee, a legacy
 * {@code gasPrice} (then {@code maxPriorityFeePerGas} is null).
 */
public record Fees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {
  private static final BigInteger HUNDRED = BigInteger.valueOf(100);

  public Fees {
    Objects.requireNonNull(maxFeePerGas, "maxFeePerGas");
    if (maxFeePerGas.signum() < 0 || (maxPriorityFeePerGas != null
        && (maxPriorityFeePerGas.signum() < 0 || maxPriorityFeePerGas.compareTo(maxFeePerGas) > 0))) {
      throw new IllegalArgumentException("fees must satisfy 0 <= priority fee <= max fee: " + maxPriorityFeePerGas
          + " / " + maxFeePerGas);
    }
  }

  public static Fees eip1559(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {
    return new Fees(maxFeePerGas, Objects.requireNonNull(maxPriorityFeePerGas, "maxPriorityFeePerGas"));
  }

  public static Fees legacy(BigInteger gasPrice) {
    return new Fees(gasPrice, null);
  }

  public boolean isLegacy() {
    return maxPriorityFeePerGas == null;
  }

  /**
   * The fees a replacement of a transaction that offered these must at least offer: each one raised
   * by {@code percent} (rounded up, and by one wei at least, so a node's "at least 10 % more" holds).
   */
  public Fees bumped(int percent) {
    return new Fees(raise(maxFeePerGas, percent), isLegacy() ? null : raise(maxPriorityFeePerGas, percent));
  }

  /** Field by field the larger of these and {@code other} (same kind; the priority fee stays under the max fee). */
  public Fees atLeast(Fees other) {
    if (isLegacy() != other.isLegacy()) {
      return this;
    }
    BigInteger max = maxFeePerGas.max(other.maxFeePerGas);
    return new Fees(max, isLegacy() ? null : maxPriorityFeePerGas.max(other.maxPriorityFeePerGas).min(max));
  }

  /** The most one gas can cost with these fees (the max fee, or the legacy price). */
  public BigInteger perGasCeiling() {
    return maxFeePerGas;
  }

  /** The unsigned transaction (value 0) with these fees. */
  public RawTransaction transaction(long chainId, BigInteger nonce, BigInteger gasLimit, String to, String data) {
    return isLegacy() ? RawTransaction.createTransaction(nonce, maxFeePerGas, gasLimit, to, BigInteger.ZERO, data)
        : RawTransaction.createTransaction(chainId, nonce, gasLimit, to, BigInteger.ZERO, data, maxPriorityFeePerGas,
            maxFeePerGas);
  }

  private static BigInteger raise(BigInteger value, int percent) {
    BigInteger scaled = value.multiply(BigInteger.valueOf(100L + percent));
    BigInteger[] qr = scaled.divideAndRemainder(HUNDRED);
    BigInteger up = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    return up.max(value.add(BigInteger.ONE));
  }

  /** {@code gwei} (decimals allowed) in wei. */
  public static BigInteger gwei(double gwei) {
    return new BigDecimal(Double.toString(gwei)).movePointRight(9).setScale(0, RoundingMode.HALF_UP).toBigIntegerExact();
  }

  /** {@code wei} as gwei with up to 9 decimals, for messages. */
  public static String inGwei(BigInteger wei) {
    return new BigDecimal(wei).movePointLeft(9).stripTrailingZeros().toPlainString() + " gwei";
  }

  @Override
  public String toString() {
    return isLegacy() ? "gas price " + inGwei(maxFeePerGas)
        : "max fee " + inGwei(maxFeePerGas) + ", priority fee " + inGwei(maxPriorityFeePerGas);
  }
}
