package io.labelledger.auth;

import java.time.Instant;

/** Who a request is from, once {@link Authenticator} has read its bearer token. */
public sealed interface Principal {
  /** Key for per-principal rate limiting. */
  String rateLimitKey();

  /** A contributor or buyer signed in with SIWE. {@code tokenHash} identifies the session. */
  record Account(String address, Instant expiresAt, byte[] tokenHash) implements Principal {
    @Override
    public String rateLimitKey() {
      return "account:" + address;
    }
  }

  /** The operator, holding the configured operator token. */
  record Operator() implements Principal {
    @Override
    public String rateLimitKey() {
      return "operator";
    }
  }
}
