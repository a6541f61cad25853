package io.labelledger.consent;

import io.vertx.core.Future;

/**
 * Registers published terms in the ConsentRegistry contract, so consents to them can be granted
 * on-chain. Implemented by the chain side (one gateway per contract); until one is wired, terms
 * stay {@code chain_status = 'pending'} and {@link TermsQueries#pending} returns them for
 * the worker that will call this.
 */
public interface TermsRegistrar {
  /**
   * Sends the registration and completes once it is mined.
   *
   * @param termsHash keccak256 of the terms text, 0x-hex
   * @param uri where the text is published (may be null)
   * @return the transaction hash; fails with the decoded revert when the contract refuses
   */
  Future<String> register(String termsHash, String uri);
}
