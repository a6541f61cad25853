package io.labelledger.chain;

import org.web3j.utils.Numeric;

/** Hex strings as they cross the API and the chain: validated, lower-case, 0x-prefixed. */
public final class Hex {
  private Hex() {}

  /**
   * True when {@code value} is "0x" and exactly {@code digits} hex digits (either case). A plain
   * loop: it runs on every field of every signed request, where a regex costs several times more.
   */
  public static boolean isHex(String value, int digits) {
    if (value == null || value.length() != digits + 2 || value.charAt(0) != '0' || value.charAt(1) != 'x') {
      return false;
    }
    for (int i = 2; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  public static String requireAddress(String value) {
    if (!isHex(value, 40)) {
      throw new IllegalArgumentException("not an address (0x + 40 hex digits): " + value);
    }
    return value;
  }

  public static String requireBytes32(String value) {
    if (!isHex(value, 64)) {
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
