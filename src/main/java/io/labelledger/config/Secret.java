package io.labelledger.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * A secret value (token, password, private key). Its {@code toString} never shows the value, so
 * a config record holding one can be logged whole; read the value with {@link #reveal()} only
 * where it is used.
 */
public final class Secret {
  private final String value;

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public Secret(String value) {
    if (value == null) {
      throw new IllegalArgumentException("secret value is required");
    }
    this.value = value;
  }

  public String reveal() {
    return value;
  }

  public int length() {
    return value.length();
  }

  /** Constant-time comparison (no early exit on the first differing byte). */
  public boolean matches(String candidate) {
    if (candidate == null) {
      return false;
    }
    return MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "***";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Secret s && MessageDigest.isEqual(
        value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return 0; // secrets are not meant to be hashed into collections; equal secrets still agree
  }
}
