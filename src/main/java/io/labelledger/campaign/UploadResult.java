package io.labelledger.campaign;

import java.util.List;

/**
 * Reply to an item upload.
 *
 * @param lines non-empty lines read
 * @param inserted new items stored
 * @param duplicates items whose id the campaign already had (or that repeated within the upload)
 * @param rejectedCount lines skipped because they were JSON objects of the wrong shape
 * @param rejected the first of those, by line number
 */
public record UploadResult(long lines, long inserted, long duplicates, long rejectedCount, List<Rejection> rejected) {
  public record Rejection(long line, String error) {}

  public UploadResult {
    rejected = List.copyOf(rejected);
  }
}
