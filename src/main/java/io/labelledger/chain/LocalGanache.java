package io.labelledger.chain;

import static io.labelledger.ops.LocalFiles.freePort;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Ganache node run as a child process from {@code node/ganache.js}: deterministic accounts,
 * chain id 1337, shanghai hardfork, instant mining. With a database directory the chain state
 * survives restarts; without one it lives in memory and is gone when the process stops.
 *
 * <p>The child is tied to this JVM: it is stopped by {@link #close()}, by a shutdown hook, and
 * (through {@code --exit-with-stdin}) when this JVM dies without running hooks.
 */
public final class LocalGanache implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalGanache.class);
  public static final long CHAIN_ID = 1337;
  /**
   * The key of Ganache's first deterministic account (the public test mnemonic): the operator of
   * a local run when no relayer key is configured. Public knowledge, so it is never valid elsewhere.
   */
  public static final String DEV_OPERATOR_KEY =
      "0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d";

  /** The key of Ganache's second deterministic account: the anchorer of a local run without a configured key. */
  public static final String DEV_ANCHORER_KEY =
      "0x6cbed15c793ce57650b9877cf6fa156fbef513c4e6134f022a85b1ffdd59b2a1";

  private final Process process;
  private final int port;
  private final Thread shutdownHook;

  private LocalGanache(Process process, int port) {
    this.process = process;
    this.port = port;
    this.shutdownHook = new Thread(this::stopProcess, "ganache-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts Ganache and waits until it accepts requests.
   *
   * @param nodeDir the project's {@code node/} directory (with node_modules installed)
   * @param port the port to listen on, or 0 to pick a free one (Ganache itself rejects port 0)
   * @param dbDir where to keep chain state, or null for an in-memory chain
   */
  public static LocalGanache start(Path nodeDir, int port, Path dbDir) throws IOException {
    return start(nodeDir, port, dbDir, CHAIN_ID);
  }

  /** As {@link #start(Path, int, Path)}, on another chain id (to test what only local chains allow). */
  public static LocalGanache start(Path nodeDir, int port, Path dbDir, long chainId) throws IOException {
    Path script = nodeDir.resolve("ganache.js");
    if (!Files.isRegularFile(script)) {
      throw new IOException("Ganache launcher not found: " + script);
    }
    if (!Files.isDirectory(nodeDir.resolve("node_modules/ganache"))) {
      throw new IOException("Ganache is not installed: run 'npm ci' in " + nodeDir);
    }
    int chosen = port == 0 ? freePort() : port;
    List<String> cmd = new ArrayList<>(List.of(
        "node", script.toString(), "--port", Integer.toString(chosen), "--chain-id", Long.toString(chainId),
        "--exit-with-stdin"));
    if (dbDir != null) {
      Files.createDirectories(dbDir);
      cmd.add("--db");
      cmd.add(dbDir.toString());
    }
    Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    LocalGanache ganache = new LocalGanache(process, chosen);
    try {
      ganache.awaitReady(60);
    } catch (IOException | RuntimeException e) {
      ganache.close();
      throw e;
    }
    return ganache;
  }

  private void awaitReady(int seconds) throws IOException {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    StringBuilder early = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith("ganache ready")) {
            ready.complete(null);
          } else if (!ready.isDone()) {
            early.append(line).append('\n');
          } else {
            LOG.debug("ganache: {}", line);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IOException("Ganache exited before it was ready:\n" + early));
    }, "ganache-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IOException("Ganache did not start within " + seconds + " s:\n" + early, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting Ganache", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
    LOG.info("Ganache ready on port {} (pid {})", port, process.pid());
  }

  public String rpcUrl() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the node hard (as a crash would); chain state written so far stays in its database. */
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  @Override
  public void close() {
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private void stopProcess() {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM: ganache.js closes its database cleanly
      waitFor();
    }
  }

  private void waitFor() {
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

}
