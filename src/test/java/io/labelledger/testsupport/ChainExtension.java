package io.labelledger.testsupport;

import io.labelledger.chain.LocalGanache;
import io.labelledger.chain.LocalHardhat;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Hands tests a running chain ({@link TestChain} as a parameter), in this order of preference:
 *
 * <ol>
 *   <li>the node at {@code LABELLEDGER_RPC_URL} when that is set (its funded key in
 *       {@code LABELLEDGER_FUNDER_KEY});
 *   <li>Hardhat Network as a child process from {@code node/}, when the system property
 *       {@code labelledger.testChain} (or the variable {@code LABELLEDGER_TEST_CHAIN}) is
 *       {@code hardhat}: the build's second integration-test run, so that no behaviour depends
 *       on Ganache's quirks;
 *   <li>Ganache in a container, through Testcontainers, when a Docker engine is reachable;
 *   <li>Ganache as a child process from {@code node/}, on a free port.
 * </ol>
 *
 * <p>One chain serves the whole test JVM and is stopped when the JVM's tests end. Each test class
 * starts from the state it found: a snapshot is taken before the class and restored after it
 * (on nodes without {@code evm_snapshot}, classes deploy fresh contracts, which is the same thing).
 */
public final class ChainExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final Logger LOG = LoggerFactory.getLogger(ChainExtension.class);
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ChainExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    TestChain chain = chain(context);
    context.getStore(NS).put("snapshot", chain.snapshot());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    String snapshot = context.getStore(NS).remove("snapshot", String.class);
    if (snapshot != null) {
      chain(context).revert(snapshot);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestChain.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return chain(context);
  }

  private static TestChain chain(ExtensionContext context) {
    return context.getRoot().getStore(NS)
        .getOrComputeIfAbsent("chain", k -> start(), RunningChain.class).chain();
  }

  /** The chain and whatever must be stopped with it; closed by JUnit when the run ends. */
  private record RunningChain(TestChain chain, AutoCloseable owner) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      chain.close();
      if (owner != null) {
        owner.close();
      }
    }
  }

  private static RunningChain start() {
    String external = System.getenv("LABELLEDGER_RPC_URL");
    if (external != null && !external.isBlank()) {
      String key = System.getenv("LABELLEDGER_FUNDER_KEY");
      if (key == null || key.isBlank()) {
        throw new IllegalStateException("LABELLEDGER_RPC_URL is set: LABELLEDGER_FUNDER_KEY must name a funded key");
      }
      LOG.info("tests use the external chain at {}", external);
      return new RunningChain(TestChain.connect(external, key, "external"), null);
    }
    if ("hardhat".equals(requestedChain())) {
      try {
        LocalHardhat hardhat = LocalHardhat.start(ProjectPaths.root().resolve("node"), 0);
        LOG.info("tests use Hardhat as a process at {}", hardhat.rpcUrl());
        return new RunningChain(
            TestChain.connect(hardhat.rpcUrl(), TestChain.DEV_KEYS.get(0), "hardhat-process"), hardhat);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start a local Hardhat node: " + e.getMessage(), e);
      }
    }
    if (dockerAvailable()) {
      GanacheContainer container = new GanacheContainer();
      container.start();
      LOG.info("tests use Ganache in a container at {}", container.rpcUrl());
      return new RunningChain(
          TestChain.connect(container.rpcUrl(), TestChain.DEV_KEYS.get(0), "ganache-container"),
          container::stop);
    }
    try {
      LocalGanache ganache = LocalGanache.start(ProjectPaths.root().resolve("node"), 0, null);
      LOG.info("tests use Ganache as a process at {}", ganache.rpcUrl());
      return new RunningChain(
          TestChain.connect(ganache.rpcUrl(), TestChain.DEV_KEYS.get(0), "ganache-process"), ganache);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a local Ganache: " + e.getMessage(), e);
    }
  }

  /** "hardhat" when this run is on Hardhat, else the default ("ganache"). */
  public static String requestedChain() {
    String chosen = System.getProperty("labelledger.testChain", System.getenv("LABELLEDGER_TEST_CHAIN"));
    return chosen == null || chosen.isBlank() ? "ganache" : chosen.trim().toLowerCase(java.util.Locale.ROOT);
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Where the project's files are, for tests run from Maven or an IDE. */
  public static final class ProjectPaths {
    private ProjectPaths() {}

    public static Path root() {
      String configured = System.getProperty("labelledger.root");
      return Path.of(configured != null ? configured : System.getProperty("user.dir")).toAbsolutePath();
    }
  }
}
