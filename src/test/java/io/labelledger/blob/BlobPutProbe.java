package io.labelledger.blob;

import java.nio.file.Path;

/**
 * Run in a child JVM by the blob store tests: puts a generated stream into a store and prints the
 * blob's id, sha256 and length, so a test can give it a small heap (memory stays flat whatever the
 * size) or kill it mid-write (a crash).
 *
 * <p>Arguments: {@code fs <root> <seed> <length> [stallAt]} or
 * {@code s3 <endpoint> <bucket> <accessKey> <secretKey> <seed> <length>}.
 */
public final class BlobPutProbe {
  private BlobPutProbe() {}

  public static void main(String[] args) throws Exception {
    BlobStore store;
    int next;
    if (args[0].equals("fs")) {
      store = FileBlobStore.open(Path.of(args[1]));
      next = 2;
    } else {
      store = S3BlobStore.open(new S3BlobStore.Coordinates(args[1], "us-east-1", args[2], args[3], args[4], true,
          "blobs/"), java.nio.file.Files.createTempDirectory("probe-spool"));
      next = 5;
    }
    long seed = Long.parseLong(args[next]);
    long length = Long.parseLong(args[next + 1]);
    GeneratedStream in = args.length > next + 2
        ? GeneratedStream.stallingAt(seed, length, Long.parseLong(args[next + 2]))
        : GeneratedStream.of(seed, length);
    Blob blob = store.put(in);
    System.out.println(blob.id() + " " + blob.sha256() + " " + blob.bytes() + " "
        + Runtime.getRuntime().maxMemory());
    store.close();
  }
}
