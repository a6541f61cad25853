package io.labelledger.chain;

import java.util.Optional;

/**
 * A chain call that did not go through: the node refused or could not be reached, or the contract
 * reverted (then {@link #revert()} names the custom error).
 */
public class ChainException extends RuntimeException {
  private final RevertDecoder.ContractError revert;

  public ChainException(String message, RevertDecoder.ContractError revert) {
    super(message, null, false, false);
    this.revert = revert;
  }

  public ChainException(String message) {
    this(message, null);
  }

  public Optional<RevertDecoder.ContractError> revert() {
    return Optional.ofNullable(revert);
  }
}
