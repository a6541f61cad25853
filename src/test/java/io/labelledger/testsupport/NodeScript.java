package io.labelledger.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs one of the project's node/ scripts with a JSON request on stdin and parses its JSON reply. */
public final class NodeScript {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeScript() {}

  public static JsonNode run(String script, Object request) {
    try {
      Process process = new ProcessBuilder("node", script)
          .directory(ChainExtension.ProjectPaths.root().resolve("node").toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      try (OutputStream in = process.getOutputStream()) {
        in.write(JSON.writeValueAsBytes(request));
      }
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
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
