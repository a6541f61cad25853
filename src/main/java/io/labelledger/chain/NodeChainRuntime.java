package io.labelledger.chain;

import io.labelledger.config.ChainConfig;
import io.labelledger.config.ConfigException;
import io.labelledger.ops.HealthCheck;
import io.vertx.core.Future;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * The chain the service runs on: the node at {@code chain.rpcUrl}, or, when none is configured, a
 * Ganache started here with its state under {@code dataDir/chain}. On first start the contracts
 * are deployed and recorded in {@code dataDir/deployment.json}; later starts reuse the record
 * when its contracts still have code on the chain.
 *
 * <p>Start-up blocks (call it from {@code main}, never from the event loop); {@link #health()}
 * is non-blocking.
 */
public final class NodeChainRuntime implements ChainRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(NodeChainRuntime.class);
  private static final BigInteger GAS_PRICE = BigInteger.valueOf(1_000_000_000L);
  private static final BigInteger DEPLOY_GAS = BigInteger.valueOf(8_000_000L);

  private final LocalGanache ganache;
  private final Web3j web3j;
  private final String rpcUrl;
  private final long chainId;
  private final Credentials operator;
  private final Deployment deployment;

  private NodeChainRuntime(LocalGanache ganache, Web3j web3j, String rpcUrl, long chainId, Credentials operator,
      Deployment deployment) {
    this.ganache = ganache;
    this.web3j = web3j;
    this.rpcUrl = rpcUrl;
    this.chainId = chainId;
    this.operator = operator;
    this.deployment = deployment;
  }

  public static NodeChainRuntime start(ChainConfig config, Path dataDir, Path nodeDir) {
    LocalGanache ganache = null;
    Web3j web3j = null;
    try {
      String rpcUrl = config.rpcUrl();
      if (config.local()) {
        ganache = LocalGanache.start(nodeDir, config.localPort(), dataDir.resolve("chain"));
        rpcUrl = ganache.rpcUrl();
      }
      Credentials operator = operatorKey(config);
      web3j = Web3j.build(new HttpService(rpcUrl));
      long chainId = web3j.ethChainId().send().getChainId().longValueExact();
      if (chainId != config.chainId()) {
        throw new ConfigException(List.of("chain.chainId: configured " + config.chainId()
            + " but the node at " + rpcUrl + " is on chain " + chainId));
      }
      Deployment deployment = deployment(config, dataDir.resolve("deployment.json"), web3j, operator, chainId);
      return new NodeChainRuntime(ganache, web3j, rpcUrl, chainId, operator, deployment);
    } catch (Exception e) {
      if (web3j != null) {
        web3j.shutdown();
      }
      if (ganache != null) {
        ganache.close();
      }
      if (e instanceof ConfigException config2) {
        throw config2;
      }
      throw new IllegalStateException("cannot start the chain: " + e.getMessage(), e);
    }
  }

  /**
   * A runtime on a node that is already running, with contracts already deployed (tests deploy on
   * their own chain; a deployment tool may have deployed elsewhere). Owns its own client: closing
   * the runtime never stops the node. Blocking: checks the node's chain id.
   */
  public static NodeChainRuntime attach(String rpcUrl, Credentials operator, Deployment deployment) {
    Web3j web3j = Web3j.build(new HttpService(rpcUrl));
    try {
      long chainId = web3j.ethChainId().send().getChainId().longValueExact();
      if (chainId != deployment.chainId()) {
        throw new ConfigException(List.of("the deployment is for chain " + deployment.chainId()
            + " but the node at " + rpcUrl + " is on chain " + chainId));
      }
      return new NodeChainRuntime(null, web3j, rpcUrl, chainId, operator, deployment);
    } catch (IOException e) {
      web3j.shutdown();
      throw new IllegalStateException("the node at " + rpcUrl + " does not answer: " + e.getMessage(), e);
    }
  }

  private static Credentials operatorKey(ChainConfig config) {
    if (config.relayerKey() != null) {
      return Credentials.create(config.relayerKey().reveal());
    }
    if (config.local()) {
      return Credentials.create(LocalGanache.DEV_OPERATOR_KEY);
    }
    throw new ConfigException(List.of(
        "chain.relayerKey: required with chain.rpcUrl (set LABELLEDGER_RELAYER_KEY or LABELLEDGER_RELAYER_KEY_FILE)"));
  }

  private static Deployment deployment(ChainConfig config, Path record, Web3j web3j, Credentials operator,
      long chainId) throws Exception {
    ContractDeployer deployer = new ContractDeployer(web3j, new FastRawTransactionManager(web3j, operator, chainId,
        new PollingTransactionReceiptProcessor(web3j, 100, 600)), new StaticGasProvider(GAS_PRICE, DEPLOY_GAS));
    if (Files.exists(record)) {
      Deployment known = Deployment.read(record);
      if (known.chainId() == chainId && deployer.isLive(known)) {
        LOG.info("using the contracts recorded in {}", record);
        return known;
      }
      LOG.warn("{} names contracts that are not on chain {}: deploying anew", record, chainId);
    }
    Deployment fresh = deployer.deployAll(operator, chainId, config.feeBps());
    fresh.write(record);
    return fresh;
  }

  @Override
  public long chainId() {
    return chainId;
  }

  @Override
  public Web3j web3j() {
    return web3j;
  }

  @Override
  public String rpcUrl() {
    return rpcUrl;
  }

  @Override
  public Credentials operator() {
    return operator;
  }

  @Override
  public Deployment deployment() {
    return deployment;
  }

  @Override
  public HealthCheck health() {
    return new HealthCheck() {
      @Override
      public String name() {
        return "chain";
      }

      @Override
      public Future<Void> check() {
        return Future.fromCompletionStage(web3j.ethBlockNumber().sendAsync())
            .timeout(3, TimeUnit.SECONDS)
            .mapEmpty();
      }
    };
  }

  @Override
  public void close() {
    web3j.shutdown();
    if (ganache != null) {
      ganache.close();
    }
  }

}
