package io.labelledger.testsupport;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** Ganache 7.9.2 in a container, configured like {@code node/ganache.js} (same accounts, chain id, hardfork). */
final class GanacheContainer extends GenericContainer<GanacheContainer> {
  private static final int RPC_PORT = 8545;

  GanacheContainer() {
    super(DockerImageName.parse("trufflesuite/ganache:v7.9.2"));
    withExposedPorts(RPC_PORT);
    withCommand(
        "--wallet.deterministic", "--wallet.totalAccounts", "20", "--wallet.defaultBalance", "1000000",
        "--chain.chainId", "1337", "--chain.networkId", "1337", "--chain.hardfork", "shanghai",
        "--miner.blockGasLimit", "60000000", "--logging.quiet");
    waitingFor(Wait.forListeningPort());
  }

  String rpcUrl() {
    return "http://" + getHost() + ":" + getMappedPort(RPC_PORT);
  }
}
