package io.labelledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The nodes' own words (Ganache 7.9, Hardhat 2.29 / EDR, Geth, Besu, Nethermind) for a refused broadcast. */
class NonceRefusalTest {
  @ParameterizedTest
  @ValueSource(strings = {
      "the tx doesn't have the correct nonce. account has nonce of: 5 tx has nonce of: 4",
      "transaction underpriced",
      "transaction can't be replaced, mining has already started. (please open an issue with reproduction steps: "
          + "https://github.com/trufflesuite/ganache/issues/new)",
      "Nonce too low. Expected nonce to be 5 but got 4. Note that transactions can't be queued when automining.",
      "Transaction nonce too low. Expected nonce to be at least 5 but got 4.",
      "Replacement transaction underpriced. A gasPrice/maxFeePerGas of at least 1100000000 is necessary to replace "
          + "the existing transaction with nonce 4.",
      "nonce too low: next nonce 5, tx nonce 4",
      "replacement transaction underpriced",
      "Nonce too low",
      "NONCE_TOO_LOW",
      "REPLACEMENT_UNDERPRICED",
      "OldNonce, Current nonce: 5, nonce of rejected tx: 4"})
  void aNonceHeldByAnotherTransactionIsANonceRefusal(String message) {
    assertThat(NonceRefusal.nonceTaken(message)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "sender doesn't have enough funds to send tx. The upfront cost is: 1 and the sender's balance is: 0.",
      "insufficient funds for gas * price + value: balance 0, tx cost 1, overshot 1",
      "Nonce too high. Expected nonce to be 5 but got 7. Note that transactions can't be queued when automining.",
      "Transaction maxFeePerGas (1) is too low for the next block, which has a baseFeePerGas of 7",
      "max fee per gas less than block base fee: address 0x0, maxFeePerGas: 1, baseFee: 7",
      "transaction underpriced: tip needed 1, tip permitted 0",
      "exceeds block gas limit",
      "intrinsic gas too low",
      "VM Exception while processing transaction: revert",
      "invalid sender",
      "already known",
      ""})
  void otherRefusalsAreNot(String message) {
    assertThat(NonceRefusal.nonceTaken(message)).isFalse();
  }
}
