package io.labelledger.blob;

import java.util.regex.Pattern;

/**
 * The name of a stored blob: the keccak256 of its bytes, as {@code 0x} and 64 lower-case hex digits
 * (the form a signed answer's {@code file} holds). Nothing else can name a blob, so no client-given
 * text ever becomes part of a path or an object key.
 */
public record BlobId(String hex) {
  private static final Pattern FORM = Pattern.compile("0x[0-9a-f]{64}");

  public BlobId {
    if (hex == null || !FORM.matcher(hex).matches()) {
      throw new IllegalArgumentException("a blob id is 0x and 64 lower-case hex digits (a keccak256), not: "
          + (hex == null ? null : hex.length() > 80 ? hex.substring(0, 80) + "..." : hex));
    }
  }

  /** Whether {@code text} is a blob id. */
  public static boolean isValid(String text) {
    return text != null && FORM.matcher(text).matches();
  }

  /** The 64 hex digits without {@code 0x}: the file or object name. */
  public String digits() {
    return hex.substring(2);
  }

  @Override
  public String toString() {
    return hex;
  }
}
