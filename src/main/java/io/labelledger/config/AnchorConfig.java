package io.labelledger.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * The anchorer: batches of contributions whose Merkle roots go to ProvenanceRegistry.
 *
 * @param intervalMs period of the anchorer's rounds (each round closes and anchors as many batches
 *     as are due)
 * @param maxBatchSize a batch closes as soon as this many contributions wait (the gas of one
 *     anchoring transaction is shared by them)
 * @param maxBatchAgeMs a smaller batch closes when its oldest contribution has waited this long
 * @param replaceAfterMs a sent anchoring transaction without a receipt after this long is replaced
 *     (same nonce, higher gas price); a transaction the node lost is re-sent then too
 * @param gasBumpPercent how much a replacement raises the gas price (nodes want at least 10)
 * @param maxGasPriceGwei the anchorer never offers more than this per gas
 * @param key the anchorer's private key (0x + 64 hex), from env or a file only; it must hold
 *     ANCHORER_ROLE and be distinct from the relayer's key. May be null on a local Ganache (its
 *     second deterministic account is used); required on any other chain
 */
public record AnchorConfig(
    @Min(50) @Max(3_600_000) long intervalMs,
    @Min(1) @Max(65_536) int maxBatchSize,
    @Min(0) @Max(86_400_000) long maxBatchAgeMs,
    @Min(1000) @Max(86_400_000) long replaceAfterMs,
    @Min(10) @Max(500) int gasBumpPercent,
    @Min(1) @Max(1_000_000) long maxGasPriceGwei,
    Secret key) {}
