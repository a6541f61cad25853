package io.labelledger.chain;

import java.util.regex.Pattern;
import org.web3j.utils.Numeric;

/** Hex strings as they cross the API and the chain: validated, lower-case, 0x-prefixed. */
public final class Hex {
  private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");
  private static final Pattern BYTES32 = Pattern.compile("0x[0-9a-fA-F]{64}");

  private Hex() {}

  public static String requireAddress(String value) {
    if (value == null || !ADDRESS.matcher(value).matches()) {
      throw new IllegalArgumentException("not an address (0x + 40 hex digits): " + value);
    }
    return value;
  }

  public static String requireBytes32(String value) {
    if (value == null || !BYTES32.matcher(value).matches()) {
      throw new IllegalArgumentException("not a bytes32 (0x + 64 hex digits): " + value);
    }
    return value;
  }

  public static byte[] decode(String hex) {
    return Numeric.hexStringToByteArray(hex);
  }

  public static String encode(byte[] bytes) {
    return Numeric.toHexString(bytes);
  }
}
