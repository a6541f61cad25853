package io.labelledger.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * @param siweDomain the RFC 3986 authority (host[:port]) SIWE messages must name
 * @param sessionTtlSeconds lifetime of a session token
 * @param nonceTtlSeconds lifetime of an unused SIWE nonce
 * @param clockSkewSeconds how far in the future a SIWE "Issued At" may be
 * @param sessionCacheSeconds how long a looked-up session is trusted from memory before it is read
 *     again (never past its expiry; a logout on this instance takes effect at once, on other
 *     instances within this time); 0 reads it on every request
 * @param operatorToken bearer token of the operator endpoints, from env or a file only
 * @param operators accounts (comma-separated addresses) that get operator rights when they sign in
 *     with SIWE, each acting under their own address in the activity log; empty: none (the token
 *     alone)
 */
public record AuthConfig(
    @NotBlank @Pattern(regexp = "[A-Za-z0-9.\\-]+(:[0-9]{1,5})?", message = "must be host or host:port")
    String siweDomain,
    @Min(60) @Max(7 * 24 * 3600) long sessionTtlSeconds,
    @Min(10) @Max(24 * 3600) long nonceTtlSeconds,
    @Min(0) @Max(600) long clockSkewSeconds,
    @Min(0) @Max(60) long sessionCacheSeconds,
    @NotNull(message = "is required: set LABELLEDGER_OPERATOR_TOKEN or LABELLEDGER_OPERATOR_TOKEN_FILE (or auth.operatorTokenFile)")
    Secret operatorToken,
    @Pattern(regexp = "\\s*(0x[0-9a-fA-F]{40}(\\s*,\\s*0x[0-9a-fA-F]{40})*)?\\s*",
        message = "must be addresses (0x and 40 hex digits) separated by commas")
    String operators) {

  /** The operators' addresses, lower case. */
  public java.util.Set<String> operatorAddresses() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    if (operators != null) {
      for (String a : operators.split(",")) {
        if (!a.isBlank()) {
          out.add(a.strip().toLowerCase(java.util.Locale.ROOT));
        }
      }
    }
    return java.util.Collections.unmodifiableSet(out);
  }
}
