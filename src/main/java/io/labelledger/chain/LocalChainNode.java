package io.labelledger.chain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local chain node run as a child process from a launcher in {@code node/} ({@code ganache.js},
 * {@code hardhat.js}) that prints one "{@code <name> ready ...}" line once it accepts requests.
 *
 * <p>The child is tied to this JVM: it is stopped by {@link #close()}, by a shutdown hook, and
 * (through the launchers' {@code --exit-with-stdin}) when this JVM dies without running hooks.
 */
public abstract class LocalChainNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalChainNode.class);

  private final String name;
  private final Process process;
  private final int port;
  private final Thread shutdownHook;

  /** Starts {@code command} and waits up to {@code seconds} for its "{@code name} ready" line. */
  protected LocalChainNode(String name, List<String> command, int port, int seconds) throws IOException {
    this.name = name;
    this.port = port;
    this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
    this.shutdownHook = new Thread(this::stopProcess, name + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      awaitReady(seconds);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void awaitReady(int seconds) throws IOException {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    StringBuilder early = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith(name + " ready")) {
            ready.complete(null);
          } else if (!ready.isDone()) {
            early.append(line).append('\n');
          } else {
            LOG.debug("{}: {}", name, line);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IOException(name + " exited before it was ready:\n" + early));
    }, name + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IOException(name + " did not start within " + seconds + " s:\n" + early, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + name, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
    LOG.info("{} ready on port {} (pid {})", name, port, process.pid());
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

  /** Stops the node hard (as a crash would); a chain kept in a database keeps what was written. */
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
      process.destroy(); // SIGTERM: the launchers close their databases cleanly
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
