package io.labelledger.chain;

import static io.labelledger.ops.LocalFiles.freePort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Hardhat Network node run as a child process from {@code node/hardhat.js}: chain id 31337,
 * shanghai, automining, in memory, with the same deterministic accounts as {@link LocalGanache}
 * (see {@code node/hardhat.config.js}). The second EVM the tests run on, so that no behaviour
 * depends on one node's quirks. The child is tied to this JVM (see {@link LocalChainNode}).
 */
public final class LocalHardhat extends LocalChainNode {
  public static final long CHAIN_ID = 31337;

  private LocalHardhat(List<String> command, int port) throws IOException {
    super("hardhat", command, port, 90);
  }

  /**
   * Starts Hardhat and waits until it accepts requests.
   *
   * @param nodeDir the project's {@code node/} directory (with node_modules installed)
   * @param port the port to listen on, or 0 to pick a free one
   */
  public static LocalHardhat start(Path nodeDir, int port) throws IOException {
    Path script = nodeDir.resolve("hardhat.js");
    if (!Files.isRegularFile(script)) {
      throw new IOException("Hardhat launcher not found: " + script);
    }
    if (!Files.isDirectory(nodeDir.resolve("node_modules/hardhat"))) {
      throw new IOException("Hardhat is not installed: run 'npm ci' in " + nodeDir);
    }
    int chosen = port == 0 ? freePort() : port;
    return new LocalHardhat(
        List.of("node", script.toString(), "--port", Integer.toString(chosen), "--exit-with-stdin"), chosen);
  }
}
