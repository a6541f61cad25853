package io.labelledger.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs one of the project's node/ scripts with a JSON request on stdin and parses its JSON reply. */
public final class NodeScript {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeScript() {}

  public static JsonNode run(String script, Object request) {
    return run(script, request, Duration.ofSeconds(120));
  }

  /** As {@link #run(String, Object)}, waiting at most {@code timeout} (browser tests take longer). */
  public static JsonNode run(String script, Object request, Duration timeout) {
    try {
      Process process = new ProcessBuilder("node", script)
          .directory(ChainExtension.ProjectPaths.root().resolve("node").toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(JSON.writeValueAsBytes(request));
      }
      CompletableFuture<byte[]> reply = CompletableFuture.supplyAsync(() -> {
        try {
          return process.getInputStream().readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        // the script and whatever it started (a browser) go: a hung test must not hang the build
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException("node " + script + " did not finish within " + timeout);
      }
      byte[] out = reply.join();
      if (process.exitValue() != 0) {
        throw new IllegalStateException("node " + script + " failed: " + new String(out, StandardCharsets.UTF_8));
      }
      return JSON.readTree(out);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run node " + script, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
