package io.labelledger.chain;

import java.math.BigInteger;

/** The few static ABI encodings the EIP-712 struct hashes need, without web3j's type objects. */
public final class Abi {
  private Abi() {}

  public static byte[] uint(BigInteger value) {
    if (value.signum() < 0 || value.bitLength() > 256) {
      throw new IllegalArgumentException("not a uint256: " + value);
    }
    byte[] raw = value.toByteArray();
    byte[] out = new byte[32];
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, out, 32 - len, len);
    return out;
  }

  public static byte[] uint(long value) {
    return uint(BigInteger.valueOf(value));
  }

  public static byte[] address(String address) {
    byte[] raw = Hex.decode(Hex.requireAddress(address));
    byte[] out = new byte[32];
    System.arraycopy(raw, 0, out, 12, 20);
    return out;
  }

  public static byte[] bytes32(byte[] value) {
    if (value.length != 32) {
      throw new IllegalArgumentException("not 32 bytes: " + value.length);
    }
    return value;
  }

  public static byte[] concat(byte[]... parts) {
    int len = 0;
    for (byte[] p : parts) {
      len += p.length;
    }
    byte[] out = new byte[len];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
