package io.labelledger.testsupport;

import io.labelledger.blob.S3BlobStore;
import io.labelledger.ops.LocalFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An S3-compatible server for tests: npm {@code s3rver} (pinned in node/package.json) run as a child
 * process over a temporary folder, on a free port, the way {@link io.labelledger.chain.LocalGanache}
 * runs Ganache. Its credentials are s3rver's fixed ones; it checks request signatures.
 */
public final class S3rver implements AutoCloseable {
  public static final String ACCESS_KEY = "S3RVER";
  public static final String SECRET_KEY = "S3RVER";

  private final Process process;
  private final int port;
  private final Path dir;

  private S3rver(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Starts s3rver and waits (up to 30 s) until it accepts connections. */
  public static S3rver start() {
    Path node = ChainExtension.ProjectPaths.root().resolve("node");
    Path script = node.resolve("node_modules/s3rver/bin/s3rver.js");
    if (!Files.isRegularFile(script)) {
      throw new IllegalStateException("s3rver is not installed: run 'npm ci' in " + node);
    }
    try {
      Path dir = Files.createTempDirectory("s3rver");
      int port = LocalFiles.freePort();
      Process process = new ProcessBuilder(List.of("node", script.toString(), "--directory", dir.toString(),
          "--address", "127.0.0.1", "--port", Integer.toString(port), "--silent"))
          .redirectErrorStream(true).redirectOutput(dir.resolveSibling(dir.getFileName() + ".log").toFile()).start();
      S3rver server = new S3rver(process, port, dir);
      server.awaitListening(Duration.ofSeconds(30));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3rver exited with " + process.exitValue() + " before it listened");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
    close();
    throw new IllegalStateException("s3rver did not listen on port " + port + " within " + timeout);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Where to reach {@code bucket} on this server with the blob store. */
  public S3BlobStore.Coordinates coordinates(String bucket) {
    return new S3BlobStore.Coordinates(endpoint(), "us-east-1", bucket, ACCESS_KEY, SECRET_KEY, true, "blobs/");
  }

  /** The LABELLEDGER_BLOB_* variables that point a service at {@code bucket} on this server. */
  public Map<String, String> serviceEnv(String bucket) {
    return Map.of("LABELLEDGER_BLOB_KIND", "s3", "LABELLEDGER_BLOB_ENDPOINT", endpoint(),
        "LABELLEDGER_BLOB_BUCKET", bucket, "LABELLEDGER_BLOB_ACCESS_KEY", ACCESS_KEY,
        "LABELLEDGER_BLOB_SECRET_KEY", SECRET_KEY, "LABELLEDGER_BLOB_PREFIX", "blobs/");
  }

  /** The folder s3rver keeps its buckets in. */
  public Path dir() {
    return dir;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      LocalFiles.deleteRecursively(dir);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // a temporary folder left behind
    }
  }
}
