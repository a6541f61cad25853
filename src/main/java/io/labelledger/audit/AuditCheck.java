package io.labelledger.audit;

import java.util.Locale;

/** What the verifier checks; each failure names one of these (by {@link #id()} in text and JSON). */
public enum AuditCheck {
  CHAIN_ID("the RPC endpoint serves the chain id the bundle names"),
  CONTRACTS("the bundle's ConsentRegistry, ProvenanceRegistry and DataMarketplace addresses hold LabelLedger's"
      + " code (as compiled, immutables and metadata aside), the registries report their EIP-712 domains on this"
      + " chain, and the payment token has code"),
  DATASET("the dataset is listed on-chain"),
  MALFORMED("every contribution and shares entry is complete and well-formed"),
  SIGNATURE("every signature recovers to its contributor (OpenZeppelin ECDSA rules: low s, v 27/28)"),
  LEAF("every leaf is the one recomputed from the signed fields"),
  INCLUSION("every leaf is in the anchored root of its batch (its proof against ProvenanceRegistry.batch)"),
  ANCHORED_AFTER_SIGNING("every batch was anchored at or after the submittedAt its contributions signed"),
  TERMS("every contribution was signed under the terms the dataset is listed with"),
  CONSENT_AT_ANCHORING("every contributor's consent to the terms was valid when their batch was anchored"
      + " (ConsentRegistry history, as wasValidAt)"),
  CONSENT_AT_LISTING("every contributor's consent to the terms was valid when the dataset was listed"),
  DUPLICATE("no contribution appears twice"),
  COUNT("the bundle holds as many contributions as its header announces"),
  CONTENT_ROOT("the listed content root is reproduced from the bundle's leaves"),
  SHARES_ROOT("the listed shares root is reproduced from the bundle's shares"),
  TOTAL_SHARES("the listed total shares equals the bundle's total and the sum of its shares"),
  SHARES_RULE("the shares follow the stated rule"),
  PAYMENT_TOKEN("the dataset is sold for the payment token the bundle names"),
  PAYOUTS("no account has claimed more than the contract says it is owed (revenue x shares / totalShares),"
      + " and the dataset's payouts are the bundle's accounts' claims");

  private final String description;

  AuditCheck(String description) {
    this.description = description;
  }

  /** The stable name used in reports: lower-case, words joined by '-'. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public String description() {
    return description;
  }
}
