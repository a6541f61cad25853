package io.labelledger.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * The aggregation worker: labels, gold scores, dynamic overlap, contribution statuses.
 *
 * @param intervalMs period of the aggregation worker; an answer's item is relabelled, and a gold
 *     answer scored, within about this long
 * @param batchSize most contributions taken in per transaction
 * @param reestimateIntervalMs least time between two Dawid-Skene re-estimates of one campaign (each
 *     reads all the campaign's answers); a campaign is re-estimated only when it got answers since
 * @param floorMinGold gold answers a contributor must have given in a campaign before its accuracy
 *     floor can stop them
 * @param defaultAccuracy accuracy assumed for a contributor Dawid-Skene has not estimated yet,
 *     until the campaign's first re-estimate gives its mean
 * @param smoothing Dawid-Skene pseudo-count on every confusion cell (the service's estimates rest on
 *     few answers per contributor: more smoothing than the CLI's keeps confidences honest)
 * @param diagonalPrior Dawid-Skene pseudo-count added to diagonal cells
 */
public record QualityConfig(
    @Min(50) @Max(3_600_000) long intervalMs,
    @Min(1) @Max(100_000) int batchSize,
    @Min(0) @Max(86_400_000) long reestimateIntervalMs,
    @Min(1) @Max(10_000) int floorMinGold,
    @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false) double defaultAccuracy,
    @DecimalMin("0") @DecimalMax("1000") double smoothing,
    @DecimalMin("0") @DecimalMax("1000") double diagonalPrior) {}
