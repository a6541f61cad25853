package io.labelledger.blob;

/**
 * A blob as stored: its id (keccak256), its sha256 (what most tools check a file with, also
 * {@code 0x}-hex) and its length.
 *
 * @param created true when these bytes were written now, false when identical bytes were already
 *     stored (and nothing was written)
 */
public record Blob(BlobId id, String sha256, long bytes, boolean created) {}
