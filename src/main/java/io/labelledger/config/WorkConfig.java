package io.labelledger.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Tasks, contributions and the chain workers.
 *
 * @param leaseTtlSeconds how long a contributor holds an item handed out by {@code tasks/next}
 * @param submittedAtSkewSeconds how far a contribution's signed {@code submittedAt} may be from the
 *     service clock, either way
 * @param relayIntervalMs period of the consent relayer (and of terms registration)
 * @param relayBatchSize most signed consents (or revocations) per relayed transaction
 * @param indexIntervalMs period of the consent indexer that follows ConsentRegistry events
 * @param confirmations blocks an event must be buried under before the indexer applies it
 */
public record WorkConfig(
    @Min(1) @Max(86_400) int leaseTtlSeconds,
    @Min(1) @Max(86_400) int submittedAtSkewSeconds,
    @Min(50) @Max(3_600_000) long relayIntervalMs,
    @Min(1) @Max(500) int relayBatchSize,
    @Min(50) @Max(3_600_000) long indexIntervalMs,
    @Min(0) @Max(1000) int confirmations) {}
