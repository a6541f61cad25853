package io.labelledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * The container path of {@link ChainExtension}: where a Docker engine exists, Ganache in a
 * container must be the same chain as the process path (chain id, funded deterministic accounts,
 * a hardfork our contracts run on). Skipped where there is no Docker engine.
 */
@Testcontainers(disabledWithoutDocker = true)
class GanacheContainerIT {
  @Container
  private static final GanacheContainer GANACHE = new GanacheContainer();

  @Test
  void containerChainMatchesTheProcessChain() throws Exception {
    try (TestChain chain = TestChain.connect(GANACHE.rpcUrl(), TestChain.DEV_KEYS.get(0), "ganache-container")) {
      assertThat(chain.chainId()).isEqualTo(1337);
      String first = Credentials.create(TestChain.DEV_KEYS.get(0)).getAddress();
      BigInteger balance = chain.web3j().ethGetBalance(first, DefaultBlockParameterName.LATEST).send().getBalance();
      assertThat(balance).isPositive();
      assertThat(chain.web3j().ethAccounts().send().getAccounts()).contains(first);
    }
  }
}
