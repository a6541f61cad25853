package io.labelledger.consent;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * Published terms. {@code text} is null in summaries (replies to publishing, lists).
 *
 * @param chainStatus "pending" until registered on-chain, then "registered" (or "failed")
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Terms(String termsHash, String text, String uri, String chainStatus, Instant createdAt) {
  public Terms withoutText() {
    return new Terms(termsHash, null, uri, chainStatus, createdAt);
  }
}
