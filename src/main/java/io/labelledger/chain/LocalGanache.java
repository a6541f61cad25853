package io.labelledger.chain;

import static io.labelledger.ops.LocalFiles.freePort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Ganache node run as a child process from {@code node/ganache.js}: deterministic accounts,
 * chain id 1337, shanghai hardfork, instant mining. With a database directory the chain state
 * survives restarts; without one it lives in memory and is gone when the process stops.
 *
 * <p>The child is tied to this JVM (see {@link LocalChainNode}).
 */
public final class LocalGanache extends LocalChainNode {
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

  private LocalGanache(List<String> command, int port) throws IOException {
    super("ganache", command, port, 60);
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
    return start(nodeDir, port, dbDir, chainId, "shanghai");
  }

  /**
   * As {@link #start(Path, int, Path, long)} under another hardfork: {@code berlin} is a chain with
   * no base fee (legacy gas pricing), for tests of that path. The contracts need shanghai.
   */
  public static LocalGanache start(Path nodeDir, int port, Path dbDir, long chainId, String hardfork)
      throws IOException {
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
        "--hardfork", hardfork, "--exit-with-stdin"));
    if (dbDir != null) {
      Files.createDirectories(dbDir);
      cmd.add("--db");
      cmd.add(dbDir.toString());
    }
    return new LocalGanache(cmd, chosen);
  }
}
