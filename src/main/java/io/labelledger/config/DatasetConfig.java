package io.labelledger.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * Datasets: export, samples, claims the operator sends for contributors, the licence indexer.
 *
 * @param exportParallelParquet Parquet exports running at once (each holds a worker thread and one
 *     row group of memory, 8 MiB); more wait for a thread
 * @param sampleSize items in a dataset's free sample
 * @param claimIntervalSeconds how often one account may have the operator send its claims (the
 *     operator pays the gas)
 * @param purchaseIndexIntervalMs period of the indexer that follows DatasetPurchased logs
 */
public record DatasetConfig(
    @Min(1) @Max(64) int exportParallelParquet,
    @Min(0) @Max(50) int sampleSize,
    @Min(0) @Max(604_800) long claimIntervalSeconds,
    @Min(50) @Max(3_600_000) long purchaseIndexIntervalMs) {}
