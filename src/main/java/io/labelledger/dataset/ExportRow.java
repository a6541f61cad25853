package io.labelledger.dataset;

import java.util.List;
import java.util.Map;

/**
 * One item of a dataset export: the item, its aggregated label (the label itself for single choice,
 * the canonical JSON of the aggregate for the typed answers) and confidence as built into the
 * version, the label as its type's typed columns ({@code typed}, in the type's column order; empty
 * for single choice), and the content-tree leaves (contribution digests, 32 bytes each) that support
 * it. {@code dataJson} is the item's payload as JSON text, passed through unparsed.
 */
public record ExportRow(long itemId, String externalId, String dataJson, String label, double confidence,
    Map<String, Object> typed, List<byte[]> leaves) {}
