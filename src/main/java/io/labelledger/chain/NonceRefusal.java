package io.labelledger.chain;

import java.util.List;
import java.util.Locale;

/**
 * Whether a node refused a transaction because another transaction already holds its nonce: one
 * mined with it ("nonce too low"), or one in the pool that it does not outbid ("replacement
 * transaction underpriced"), or one being mined right now. Such a refused transaction is in no
 * pool, so it can never mine, and its data may be signed again under a fresh nonce. Every other
 * refusal (insufficient funds, fee below the base fee, gas limit, a nonce too high) is not one.
 *
 * <p>The messages, as the nodes give them:
 *
 * <ul>
 *   <li>Ganache 7: "the tx doesn't have the correct nonce. account has nonce of: 5 tx has nonce of:
 *       4" (only for a nonce below the account's), "transaction underpriced" (its refusal of a
 *       replacement: it has no pool minimum), "transaction can't be replaced, mining has already
 *       started. (...)";
 *   <li>Hardhat 2 (EDR): "Nonce too low. Expected nonce to be 5 but got 4.", "Transaction nonce too
 *       low. Expected nonce to be at least 5 but got 4.", "Replacement transaction underpriced. A
 *       gasPrice/maxFeePerGas of at least ... is necessary to replace the existing transaction with
 *       nonce 4";
 *   <li>Geth, Erigon, Besu: "nonce too low", "replacement transaction underpriced" (any case;
 *       Besu's reasons {@code NONCE_TOO_LOW}, {@code REPLACEMENT_UNDERPRICED}); Nethermind:
 *       "OldNonce".
 * </ul>
 *
 * <p>Geth also answers a bare "transaction underpriced" when its pool is full of better-paying
 * transactions; taken for Ganache's replacement refusal, that costs a few bounded retries before
 * the send fails as it would have at once.
 */
final class NonceRefusal {
  private static final List<String> TAKEN = List.of(
      "nonce too low",
      "nonce_too_low",
      "doesn't have the correct nonce",
      "replacement transaction underpriced",
      "replacement_underpriced",
      "mining has already started",
      "oldnonce");

  private NonceRefusal() {}

  /** True when {@code nodeMessage} says the transaction's nonce is held by another transaction. */
  static boolean nonceTaken(String nodeMessage) {
    if (nodeMessage == null) {
      return false;
    }
    String m = nodeMessage.toLowerCase(Locale.ROOT).strip();
    return m.equals("transaction underpriced") || TAKEN.stream().anyMatch(m::contains);
  }
}
