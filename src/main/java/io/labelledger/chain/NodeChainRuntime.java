package io.labelledger.chain;

import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.config.ChainConfig;
import io.labelledger.config.ConfigException;
import io.labelledger.config.Secret;
import io.labelledger.ops.HealthCheck;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
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
  private static final BigInteger DEPLOY_GAS = BigInteger.valueOf(8_000_000L);

  private final LocalGanache ganache;
  private final Web3j web3j;
  private final FailoverWeb3jService transport;
  private final String rpcUrl;
  private final long chainId;
  private final Credentials operator;
  private final Credentials anchorer;
  private final Deployment deployment;

  private NodeChainRuntime(LocalGanache ganache, FailoverWeb3jService transport, Web3j web3j, long chainId,
      Credentials operator, Credentials anchorer, Deployment deployment) {
    this.ganache = ganache;
    this.transport = transport;
    this.web3j = web3j;
    this.rpcUrl = transport.endpoints().url(0);
    this.chainId = chainId;
    this.operator = operator;
    this.anchorer = anchorer;
    this.deployment = deployment;
  }

  /** As {@link #start(ChainConfig, Secret, Path, Path)}; the anchorer is Ganache's second dev account locally, else the operator. */
  public static NodeChainRuntime start(ChainConfig config, Path dataDir, Path nodeDir) {
    return start(config, null, dataDir, nodeDir);
  }

  /**
   * Starts (or reaches) the chain and finds or deploys the contracts. An external node that does
   * not answer is not fatal when {@code dataDir/deployment.json} names the contracts for the
   * configured chain id: the service starts, accepts contributions, reports the chain down, and its
   * chain workers catch up once the node answers.
   *
   * @param anchorerKey the anchorer's key (ANCHORER_ROLE); null: Ganache's second deterministic
   *     account on a local chain, the operator's key on any other
   */
  public static NodeChainRuntime start(ChainConfig config, Secret anchorerKey, Path dataDir, Path nodeDir) {
    LocalGanache ganache = null;
    Web3j web3j = null;
    try {
      List<String> rpcUrls = config.rpcUrl();
      if (config.local()) {
        ganache = LocalGanache.start(nodeDir, config.localPort(), dataDir.resolve("chain"));
        rpcUrls = List.of(ganache.rpcUrl());
      }
      String rpcUrl = rpcUrls.size() == 1 ? RpcEndpoints.redact(rpcUrls.get(0))
          : rpcUrls.size() + " endpoints (" + String.join(", ", rpcUrls.stream().map(RpcEndpoints::redact).toList()) + ")";
      Credentials operator = operatorKey(config);
      Credentials anchorer = anchorerKey != null ? Credentials.create(anchorerKey.reveal())
          : config.local() ? Credentials.create(LocalGanache.DEV_ANCHORER_KEY) : operator;
      FailoverWeb3jService transport = new FailoverWeb3jService(rpcUrls);
      web3j = Web3j.build(transport);
      Path record = config.deployed() ? Path.of(config.deploymentFile()) : dataDir.resolve("deployment.json");
      long chainId;
      try {
        chainId = web3j.ethChainId().send().getChainId().longValueExact();
      } catch (IOException unreachable) {
        Deployment known = config.local() || !Files.exists(record) ? null : Deployment.read(record);
        if (known == null || known.chainId() != config.chainId()) {
          throw unreachable;
        }
        LOG.warn("the node at {} does not answer ({}): starting with the contracts recorded in {}; contributions "
            + "are accepted and anchoring catches up once the node answers", rpcUrl, unreachable.getMessage(), record);
        return new NodeChainRuntime(null, transport, web3j, config.chainId(), operator, anchorer, known);
      }
      if (chainId != config.chainId()) {
        throw new ConfigException(List.of("chain.chainId: configured " + config.chainId()
            + " but the node at " + rpcUrl + " is on chain " + chainId));
      }
      Deployment deployment = deployment(config, record, web3j, operator, anchorer, chainId);
      grantAnchorerRole(web3j, config, operator, anchorer, deployment, chainId);
      return new NodeChainRuntime(ganache, transport, web3j, chainId, operator, anchorer, deployment);
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
    return attach(rpcUrl, operator, operator, deployment);
  }

  /** As {@link #attach(String, Credentials, Deployment)}, with a separate anchorer key (which must hold ANCHORER_ROLE). */
  public static NodeChainRuntime attach(String rpcUrl, Credentials operator, Credentials anchorer,
      Deployment deployment) {
    return attach(List.of(rpcUrl), operator, anchorer, deployment);
  }

  /** As {@link #attach(String, Credentials, Credentials, Deployment)} on several endpoints of one chain, failing over. */
  public static NodeChainRuntime attach(List<String> rpcUrls, Credentials operator, Credentials anchorer,
      Deployment deployment) {
    FailoverWeb3jService transport = new FailoverWeb3jService(rpcUrls);
    Web3j web3j = Web3j.build(transport);
    String rpcUrl = String.join(", ", rpcUrls.stream().map(RpcEndpoints::redact).toList());
    try {
      long chainId = web3j.ethChainId().send().getChainId().longValueExact();
      if (chainId != deployment.chainId()) {
        throw new ConfigException(List.of("the deployment is for chain " + deployment.chainId()
            + " but the node at " + rpcUrl + " is on chain " + chainId));
      }
      return new NodeChainRuntime(null, transport, web3j, chainId, operator, anchorer, deployment);
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
      Credentials anchorer, long chainId) throws Exception {
    ContractDeployer deployer = new ContractDeployer(web3j, new FastRawTransactionManager(web3j, operator, chainId,
        new PollingTransactionReceiptProcessor(web3j, 100, 600)), startupGas(web3j, config, chainId, DEPLOY_GAS));
    if (config.deployed()) { // labelledger deploy's record: exactly those contracts, never a deployment of our own
      Deployment given = Deployment.read(record);
      if (given.chainId() != chainId) {
        throw new ConfigException(List.of("chain.deploymentFile: " + record + " is a deployment on chain "
            + given.chainId() + " but the node is on chain " + chainId));
      }
      if (!deployer.isLive(given)) {
        throw new ConfigException(List.of("chain.deploymentFile: " + record + " names contracts without code on chain "
            + chainId));
      }
      LOG.info("using the contracts deployed as recorded in {}", record);
      return given;
    }
    if (Files.exists(record)) {
      Deployment known = Deployment.read(record);
      if (known.chainId() == chainId && deployer.isLive(known)) {
        LOG.info("using the contracts recorded in {}", record);
        return known;
      }
      LOG.warn("{} names contracts that are not on chain {}: deploying anew", record, chainId);
    }
    Deployment fresh = deployer.deployAll(operator, anchorer.getAddress(), chainId, config.feeBps());
    fresh.write(record);
    return fresh;
  }

  /**
   * What start-up transactions (a first deployment, a role grant) offer for gas: the fees every
   * other transaction of the service offers ({@link FeeOracle}: EIP-1559 from the fee history, legacy
   * only without a base fee), under the same ceiling. Blocking, at start-up.
   */
  static ContractGasProvider startupGas(Web3j web3j, ChainConfig config, long chainId, BigInteger gasLimit)
      throws Exception {
    Fees fees = new FeeOracle(web3j, config.fees(), new SimpleMeterRegistry()).current().toCompletionStage()
        .toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
    return fees.isLegacy() ? new StaticGasProvider(fees.maxFeePerGas(), gasLimit)
        : new StaticEIP1559GasProvider(chainId, fees.maxFeePerGas(), fees.maxPriorityFeePerGas(), gasLimit);
  }

  /**
   * Contracts deployed before the anchorer had its own key have ANCHORER_ROLE on the operator only:
   * the operator (their admin) grants it. Blocking, at start-up.
   */
  private static void grantAnchorerRole(Web3j web3j, ChainConfig config, Credentials operator, Credentials anchorer,
      Deployment deployment, long chainId) throws Exception {
    if (anchorer.getAddress().equalsIgnoreCase(operator.getAddress())) {
      return;
    }
    var registry = ProvenanceRegistry.load(deployment.provenanceRegistry(), web3j,
        new FastRawTransactionManager(web3j, operator, chainId, new PollingTransactionReceiptProcessor(web3j, 100, 600)),
        startupGas(web3j, config, chainId, BigInteger.valueOf(200_000)));
    byte[] role = registry.ANCHORER_ROLE().send();
    if (registry.hasRole(role, anchorer.getAddress()).send()) {
      return;
    }
    if (!registry.hasRole(registry.DEFAULT_ADMIN_ROLE().send(), operator.getAddress()).send()) {
      LOG.warn("the anchorer {} lacks ANCHORER_ROLE on {} and the operator is not its admin: anchoring will fail "
          + "until the admin grants it", anchorer.getAddress(), deployment.provenanceRegistry());
      return;
    }
    registry.grantRole(role, anchorer.getAddress()).send();
    LOG.info("granted ANCHORER_ROLE on {} to the anchorer {}", deployment.provenanceRegistry(), anchorer.getAddress());
  }

  @Override
  public Credentials anchorer() {
    return anchorer;
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

  /**
   * {@code checks.chain}: up when at least one endpoint answers on the configured chain id. Each
   * check probes every endpoint (which also clears the back-off of one that came back), and the
   * details list each endpoint's state (scheme, host and port only: a URL may carry an API key).
   */
  @Override
  public HealthCheck health() {
    return new HealthCheck() {
      @Override
      public String name() {
        return "chain";
      }

      @Override
      public Future<Void> check() {
        List<Future<Long>> probes = new java.util.ArrayList<>();
        for (int i = 0; i < transport.endpoints().size(); i++) {
          int index = i;
          probes.add(Future.fromCompletionStage(transport.probe(i)).timeout(3, TimeUnit.SECONDS).andThen(ar -> {
            if (ar.succeeded() && ar.result() != chainId) {
              transport.endpoints().failed(index, "serves chain " + ar.result() + ", not chain " + chainId);
            } else if (ar.failed() && ar.cause() instanceof java.util.concurrent.TimeoutException) {
              transport.endpoints().failed(index, "no answer within 3 s");
            }
          }));
        }
        return Future.join(probes).transform(ignored -> probes.stream()
                .anyMatch(p -> p.succeeded() && p.result() == chainId) ? Future.<Void>succeededFuture()
            : Future.failedFuture(new ChainException("no JSON-RPC endpoint answers on chain " + chainId)));
      }

      @Override
      public io.vertx.core.json.JsonObject details() {
        io.vertx.core.json.JsonArray list = new io.vertx.core.json.JsonArray();
        for (RpcEndpoints.Status s : transport.endpoints().status()) {
          list.add(new io.vertx.core.json.JsonObject().put("endpoint", s.endpoint()).put("current", s.current())
              .put("state", s.state()).put("consecutiveFailures", s.consecutiveFailures()).put("failures", s.failures())
              .put("lastError", s.lastError()).put("retryInMs", s.retryInMs()));
        }
        return new io.vertx.core.json.JsonObject().put("endpoints", list);
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
