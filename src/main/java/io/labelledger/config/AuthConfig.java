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
 */
public record AuthConfig(
    @NotBlank @Pattern(regexp = "[A-Za-z0-9.\\-]+(:[0-9]{1,5})?", message = "must be host or host:port")
    String siweDomain,
    @Min(60) @Max(7 * 24 * 3600) long sessionTtlSeconds,
    @Min(10) @Max(24 * 3600) long nonceTtlSeconds,
    @Min(0) @Max(600) long clockSkewSeconds,
    @Min(0) @Max(60) long sessionCacheSeconds,
    @NotNull(message = "is required: set LABELLEDGER_OPERATOR_TOKEN or LABELLEDGER_OPERATOR_TOKEN_FILE (or auth.operatorTokenFile)")
    Secret operatorToken) {}
