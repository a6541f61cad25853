package io.labelledger.dataset;

import io.labelledger.answer.ContributedFile;
import io.labelledger.blob.BlobHasher;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.SplittableRandom;

/**
 * Run in a child JVM with a small heap by {@link ExportFilesMemoryIT}: writes one generated file of
 * {@code length} bytes through the WebDataset tar and then the folder zip, onto a stream that counts and
 * discards, and prints the bytes each archive took. A writer that held a file (or an archive) in memory
 * would run out of heap.
 *
 * <p>Arguments: {@code <length>}.
 */
public final class ExportFilesProbe {
  private ExportFilesProbe() {}

  /** {@code length} pseudo-random bytes, made as they are read. */
  static final class Generated extends InputStream {
    private final SplittableRandom random = new SplittableRandom(7);
    private long left;

    Generated(long length) {
      this.left = length;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(count, left);
      for (int i = 0; i < n; i++) {
        buffer[offset + i] = (byte) random.nextInt();
      }
      left -= n;
      return n;
    }
  }

  /** Counts and discards. */
  static final class Counting extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }

  public static void main(String[] args) throws Exception {
    long length = Long.parseLong(args[0]);
    String id = BlobHasher.copy(new Generated(length), null).finish(false).id().hex();
    ExportFilesTest.MemoryStore store = new ExportFilesTest.MemoryStore() {
      @Override
      public InputStream open(io.labelledger.blob.BlobId blob) {
        return new Generated(length);
      }
    };
    String answer = "{\"bytes\":" + length + ",\"file\":\"" + id + "\",\"mediaType\":\"audio/wav\"}";
    ExportFiles.Sample sample = new ExportFiles.Sample(1, "big", "{}", 1, 1, "0x" + "12".repeat(20), answer,
        new ContributedFile(id, "audio/wav", length), "0x" + "ab".repeat(32), 1_700_000_000L, new byte[32]);
    Counting tarBytes = new Counting();
    try (ExportFiles.Tar tar = new ExportFiles.Tar(tarBytes, store)) {
      tar.write(sample);
    }
    Counting zipBytes = new Counting();
    try (ExportFiles.Zip zip = new ExportFiles.Zip(zipBytes, store)) {
      zip.metadata(sample);
      zip.file(sample);
    }
    System.out.println(tarBytes.bytes + " " + zipBytes.bytes + " " + Runtime.getRuntime().maxMemory());
  }
}
