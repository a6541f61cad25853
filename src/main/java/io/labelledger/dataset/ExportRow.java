package io.labelledger.dataset;

import java.util.List;

/**
 * One item of a dataset export: the item, its aggregated label and confidence as built into the
 * version, and the content-tree leaves (contribution digests, 32 bytes each) that support it.
 * {@code dataJson} is the item's payload as JSON text, passed through unparsed.
 */
public record ExportRow(long itemId, String externalId, String dataJson, String label, double confidence,
    List<byte[]> leaves) {}
