package io.labelledger.auth;

import java.time.Instant;
import java.util.List;

/**
 * An EIP-4361 (Sign-In with Ethereum) message as parsed by {@link SiweParser}; the exact text
 * the wallet signed is kept in {@code raw}, since the signature covers those bytes.
 *
 * @param scheme optional URI scheme before the domain (null when absent)
 * @param domain RFC 3986 authority asking for the sign-in
 * @param address the EIP-55 address as written in the message
 * @param statement optional human-readable assertion (null when absent)
 */
public record SiweMessage(
    String raw,
    String scheme,
    String domain,
    String address,
    String statement,
    String uri,
    String version,
    long chainId,
    String nonce,
    Instant issuedAt,
    Instant expirationTime,
    Instant notBefore,
    String requestId,
    List<String> resources) {

  public SiweMessage {
    resources = List.copyOf(resources);
  }
}
