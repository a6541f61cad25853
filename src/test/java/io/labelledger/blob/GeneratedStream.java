package io.labelledger.blob;

import java.io.IOException;
import java.io.InputStream;
import java.util.SplittableRandom;

/**
 * {@code length} pseudo-random bytes from {@code seed}, made as they are read (nothing held): a large
 * file without a large file. Optionally fails (as a dropped connection would) after {@code failAfter}
 * bytes, or stalls forever there ({@link #stallingAt}) so that a test can kill the writer mid-write.
 */
final class GeneratedStream extends InputStream {
  private final SplittableRandom random;
  private final long length;
  private final long failAfter;
  private final boolean stall;
  private long position;

  private GeneratedStream(long seed, long length, long failAfter, boolean stall) {
    this.random = new SplittableRandom(seed);
    this.length = length;
    this.failAfter = failAfter;
    this.stall = stall;
  }

  static GeneratedStream of(long seed, long length) {
    return new GeneratedStream(seed, length, Long.MAX_VALUE, false);
  }

  static GeneratedStream failingAt(long seed, long length, long failAfter) {
    return new GeneratedStream(seed, length, failAfter, false);
  }

  static GeneratedStream stallingAt(long seed, long length, long stallAt) {
    return new GeneratedStream(seed, length, stallAt, true);
  }

  /** The bytes of {@code of(seed, length)}, in memory (for small lengths). */
  static byte[] bytes(long seed, int length) throws IOException {
    return of(seed, length).readAllBytes();
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int count) throws IOException {
    if (position >= failAfter) {
      if (stall) {
        while (true) {
          try {
            Thread.sleep(60_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
          }
        }
      }
      throw new IOException("connection dropped after " + position + " bytes");
    }
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(count, Math.min(length - position, failAfter - position));
    for (int i = 0; i < n; i++) {
      buffer[offset + i] = (byte) random.nextInt(256);
    }
    position += n;
    return n;
  }
}
