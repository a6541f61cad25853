package io.labelledger.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

/**
 * @param rpcUrl JSON-RPC endpoint; empty until the chain runtime is wired in
 * @param chainId the chain id SIWE messages and EIP-712 domains must name
 * @param relayerKey the relayer's private key (0x + 64 hex), from env or a file only; may be null
 */
public record ChainConfig(
    @Pattern(regexp = "(https?://.+)?", message = "must be empty or an http(s) URL") String rpcUrl,
    @Min(1) long chainId,
    Secret relayerKey) {}
