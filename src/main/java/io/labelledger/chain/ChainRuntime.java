package io.labelledger.chain;

import io.labelledger.ops.HealthCheck;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;

/**
 * The chain as the service sees it once started: a node reachable over JSON-RPC with the
 * contracts deployed (Ganache started locally, or an external node). Built before {@code App}
 * wires the HTTP routes and handed to it; gateways, the consent relayer and the terms registrar
 * are constructed from it in {@code App#wire}. {@code App} closes it on shutdown.
 */
public interface ChainRuntime extends AutoCloseable {
  /** The chain id SIWE messages and EIP-712 domains must carry; must equal {@code chain.chainId}. */
  long chainId();

  /** The node's JSON-RPC address as the service reaches it (may carry credentials: never publish it as is). */
  String rpcUrl();

  /** The node's client. Use {@code sendAsync()} (or a worker thread): {@code send()} blocks. */
  Web3j web3j();

  /** The key that relays and registers terms; it pays their gas. */
  Credentials operator();

  /**
   * The key that anchors provenance roots (ANCHORER_ROLE). Its own key, so its nonces never compete
   * with the relayer's; the operator's where a runtime has no separate one.
   */
  default Credentials anchorer() {
    return operator();
  }

  /** Where the contracts are on this chain. */
  Deployment deployment();

  /** Readiness of the node (reported as {@code checks.chain} by {@code /health/ready}). */
  HealthCheck health();

  @Override
  void close();
}
