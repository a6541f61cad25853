package io.labelledger.signing;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * A uint256 as wallets put it in typed-data JSON: a JSON integer, a decimal string, or a 0x-hex
 * string (all three are what eth_signTypedData_v4 accepts). Written back as a JSON integer.
 */
public record Uint(BigInteger value) {
  private static final BigInteger MAX = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
  // compiled once: String.matches would compile them for every value of every signed request
  private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]{1,64}");
  private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,78}");

  public Uint {
    if (value == null || value.signum() < 0 || value.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("must be an unsigned 256-bit integer");
    }
  }

  public static Uint of(long value) {
    return new Uint(BigInteger.valueOf(value));
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static Uint fromJson(JsonNode node) {
    if (node.isIntegralNumber()) {
      return new Uint(node.bigIntegerValue());
    }
    if (node.isTextual()) {
      String text = node.asText();
      if (HEX.matcher(text).matches()) {
        return new Uint(new BigInteger(text.substring(2), 16));
      }
      if (DECIMAL.matcher(text).matches()) {
        return new Uint(new BigInteger(text));
      }
    }
    throw new IllegalArgumentException("must be an unsigned integer (a JSON integer, a decimal or a 0x-hex string)");
  }

  @JsonValue
  public BigInteger json() {
    return value;
  }

  /** The value when it fits in a signed 64-bit integer (times, ids), else empty. */
  public boolean fitsLong() {
    return value.bitLength() < 64;
  }
}
