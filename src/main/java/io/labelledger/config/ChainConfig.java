package io.labelledger.config;

import com.fasterxml.jackson.annotation.JsonFormat;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * @param rpcUrl JSON-RPC endpoints of one chain, in order of preference (YAML: a list or one string;
 *     {@code LABELLEDGER_RPC_URL}: comma-separated). Reads and sends go to one endpoint and move to
 *     the next when it cannot be reached; empty: a local Ganache is started with its state under
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
 * @param fees what transactions offer for gas, and the ceiling
 */
public record ChainConfig(
    @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    List<@Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String> rpcUrl,
    @Min(1) long chainId,
    @Min(1) @Max(65535) int localPort,
    @Min(0) @Max(2000) int feeBps,
    Secret relayerKey,
    @Pattern(regexp = "(https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?(/[^\\s;,'\"]*)?)?",
        message = "must be empty or an http(s) URL without credentials")
    String publicRpcUrl,
    String deploymentFile,
    @NotNull @Valid FeeConfig fees) {

  /** Splits comma-separated entries (the environment variable's form) and drops blank ones. */
  public ChainConfig {
    List<String> urls = new ArrayList<>();
    for (String entry : rpcUrl == null ? List.<String>of() : rpcUrl) {
      for (String url : entry == null ? new String[0] : entry.split(",")) {
        if (!url.isBlank()) {
          urls.add(url.strip());
        }
      }
    }
    rpcUrl = List.copyOf(urls);
  }

  public boolean local() {
    return rpcUrl.isEmpty();
  }

  /** Whether the contracts come from a deployment file rather than from the service itself. */
  public boolean deployed() {
    return deploymentFile != null && !deploymentFile.isBlank();
  }
}
