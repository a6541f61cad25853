package io.labelledger.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

/**
 * @param rpcUrl JSON-RPC endpoint; empty: a local Ganache is started with its state under
 *     {@code dataDir/chain} and the contracts are deployed on first start
 * @param chainId the chain id SIWE messages and EIP-712 domains must name
 * @param localPort the port of the local Ganache (used only when rpcUrl is empty)
 * @param feeBps platform fee, in basis points, of the marketplace deployed on first start
 * @param relayerKey the relayer's private key (0x + 64 hex), from env or a file only; may be null
 *     on a local Ganache (its first deterministic account is used), required on any other chain
 * @param publicRpcUrl the JSON-RPC endpoint browsers are told to use (the web app's proof checks
 *     and audit page), and the only origin besides the service's own that its Content-Security-Policy
 *     lets pages connect to; empty: the local Ganache's address when the chain is local, none
 *     otherwise ({@code rpcUrl} is never published: it may carry a provider's API key)
 * @param deploymentFile a {@code deployment.json} written by {@code labelledger deploy}; with an
 *     {@code rpcUrl}, the service uses exactly those contracts (on the chain the file names) and
 *     never deploys; empty: {@code dataDir/deployment.json}, deployed on first start if absent
 */
public record ChainConfig(
    @Pattern(regexp = "(https?://.+)?", message = "must be empty or an http(s) URL") String rpcUrl,
    @Min(1) long chainId,
    @Min(1) @Max(65535) int localPort,
    @Min(0) @Max(2000) int feeBps,
    Secret relayerKey,
    @Pattern(regexp = "(https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?(/[^\\s;,'\"]*)?)?",
        message = "must be empty or an http(s) URL without credentials")
    String publicRpcUrl,
    String deploymentFile) {

  public boolean local() {
    return rpcUrl == null || rpcUrl.isBlank();
  }

  /** Whether the contracts come from a deployment file rather than from the service itself. */
  public boolean deployed() {
    return deploymentFile != null && !deploymentFile.isBlank();
  }
}
