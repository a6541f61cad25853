package io.labelledger.upload;

/** A file whose container cannot be read: {@code truncated} when it ends before what its headers announce. */
final class MediaException extends Exception {
  private final boolean truncated;

  MediaException(String message, boolean truncated) {
    super(message, null, false, false);
    this.truncated = truncated;
  }

  static MediaException truncated(String message) {
    return new MediaException(message, true);
  }

  static MediaException malformed(String message) {
    return new MediaException(message, false);
  }

  boolean truncated() {
    return truncated;
  }
}
