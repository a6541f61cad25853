package io.labelledger.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Content-addressed storage of contributed files: a blob is named by the keccak256 of its bytes
 * ({@link BlobId}), so identical bytes are stored once, and a blob is either there whole under its
 * name or not there at all (never a partial file or object under a real name).
 *
 * <p>Every method blocks (disk or network I/O): call them from a worker thread, never from the event
 * loop. Implementations are thread-safe, and stream: memory does not grow with a blob's size.
 * Implementations: {@link FileBlobStore} (the embedded default, under the data directory) and
 * {@link S3BlobStore} (any S3-compatible store), chosen by {@link BlobStores#open}.
 */
public interface BlobStore extends AutoCloseable {
  /** Stores the bytes of {@code in} (read to its end, not closed), computing both hashes as they go by. */
  Blob put(InputStream in) throws IOException;

  /**
   * Stores the bytes of {@code file} and takes the file over: afterwards it has been moved into the
   * store or deleted. The embedded store renames it into place when it is on the same file system
   * (no copy).
   */
  default Blob putFile(Path file) throws IOException {
    Blob hashes;
    try {
      hashes = BlobHasher.of(file);
    } catch (IOException | RuntimeException e) {
      java.nio.file.Files.deleteIfExists(file);
      throw e;
    }
    return putHashed(file, hashes);
  }

  /**
   * {@link #putFile} for a file whose hashes the caller has just computed from its bytes, and which no
   * one else writes (a staged upload): the store trusts {@code hashes} instead of reading the file once
   * more. Takes the file over as {@code putFile} does.
   */
  Blob putHashed(Path file, Blob hashes) throws IOException;

  boolean exists(BlobId id) throws IOException;

  /** The stored length, or empty when there is no such blob. */
  OptionalLong size(BlobId id) throws IOException;

  /**
   * The blob's bytes as a stream (the caller closes it).
   *
   * @throws java.nio.file.NoSuchFileException when there is no such blob
   */
  InputStream open(BlobId id) throws IOException;

  /** Deletes the blob; false when there was none. */
  boolean delete(BlobId id) throws IOException;

  /** Where the blobs are, for logs (never credentials). */
  String describe();

  @Override
  void close();
}
