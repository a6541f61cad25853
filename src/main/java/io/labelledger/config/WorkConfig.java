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
 * @param commitWriters group-commit statements of contributions that may run at once, each on a
 *     pool connection; fewer writers make larger groups, which costs PostgreSQL and the service less
 *     CPU per contribution (measured on 2 cores: 1,417/s with 8, 1,866/s with 4, 2,099/s with 2, 2,295/s with 1)
 */
public record WorkConfig(
    @Min(1) @Max(86_400) int leaseTtlSeconds,
    @Min(1) @Max(86_400) int submittedAtSkewSeconds,
    @Min(50) @Max(3_600_000) long relayIntervalMs,
    @Min(1) @Max(500) int relayBatchSize,
    @Min(50) @Max(3_600_000) long indexIntervalMs,
    @Min(0) @Max(1000) int confirmations,
    @Min(1) @Max(64) int commitWriters) {}
