package io.labelledger.blob;

import io.labelledger.chain.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.bouncycastle.jcajce.provider.digest.Keccak;

/**
 * keccak256 and sha256 of a byte stream, computed together as the bytes go by (one pass, nothing
 * held). Not thread-safe; one per stream.
 */
public final class BlobHasher {
  /** Copy buffer: large enough for disk and network throughput, small enough to be flat memory. */
  static final int BUFFER = 64 * 1024;

  private final MessageDigest keccak = new Keccak.Digest256();
  private final MessageDigest sha256;
  private long bytes;

  public BlobHasher() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public void update(byte[] buffer, int offset, int length) {
    keccak.update(buffer, offset, length);
    sha256.update(buffer, offset, length);
    bytes += length;
  }

  public long bytes() {
    return bytes;
  }

  /** The digests of everything seen; the hasher is spent. */
  public Blob finish(boolean created) {
    return new Blob(new BlobId(Hex.encode(keccak.digest())), Hex.encode(sha256.digest()), bytes, created);
  }

  /** Copies {@code in} to {@code out} (which may be null: hash only), hashing; returns the hasher. */
  public static BlobHasher copy(InputStream in, OutputStream out) throws IOException {
    BlobHasher hasher = new BlobHasher();
    byte[] buffer = new byte[BUFFER];
    for (int n; (n = in.read(buffer)) >= 0; ) {
      if (n > 0) {
        hasher.update(buffer, 0, n);
        if (out != null) {
          out.write(buffer, 0, n);
        }
      }
    }
    return hasher;
  }

  /** The hashes of a file's bytes ({@code created} false). */
  public static Blob of(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return copy(in, null).finish(false);
    }
  }
}
