package io.labelledger.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * @param jsonBodyBytes largest JSON request body; larger is refused with 413
 * @param uploadBodyBytes largest JSONL item upload (streamed, never held in memory)
 * @param uploadBatchSize items per INSERT while streaming an upload
 * @param uploadReportedRejections how many rejected lines an upload reply lists in full
 */
public record LimitsConfig(
    @Min(1024) @Max(16 * 1024 * 1024) int jsonBodyBytes,
    @Min(1024) long uploadBodyBytes,
    @Min(1) @Max(10_000) int uploadBatchSize,
    @Min(0) @Max(10_000) int uploadReportedRejections,
    @NotNull @Valid RateLimit rateLimit) {

  /**
   * Token bucket per account (or per client IP when anonymous).
   *
   * @param requestsPerSecond refill rate
   * @param burst bucket capacity
   */
  public record RateLimit(@Min(1) @Max(1_000_000) int requestsPerSecond, @Min(1) @Max(1_000_000) int burst) {}
}
