package io.labelledger;

import io.labelledger.audit.AuditBundleQueries;
import io.labelledger.audit.AuditRoutes;
import io.labelledger.auth.AuthQueries;
import io.labelledger.auth.AuthRoutes;
import io.labelledger.auth.AuthService;
import io.labelledger.auth.Authenticator;
import io.labelledger.auth.SessionTokens;
import io.labelledger.auth.SiweVerifier;
import io.labelledger.blob.BlobStore;
import io.labelledger.blob.BlobStores;
import io.labelledger.campaign.CampaignQueries;
import io.labelledger.campaign.CampaignProgress;
import io.labelledger.campaign.CampaignRoutes;
import io.labelledger.campaign.CampaignService;
import io.labelledger.campaign.CampaignTypes;
import io.labelledger.campaign.ItemQueries;
import io.labelledger.chain.ChainRuntime;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.NodeChainRuntime;
import io.labelledger.config.AppConfig;
import io.labelledger.config.ConfigException;
import io.labelledger.config.ConfigLoader;
import io.labelledger.chain.ConsentRegistryGateway;
import io.labelledger.chain.ProvenanceRegistryGateway;
import io.labelledger.chain.FeeOracle;
import io.labelledger.chain.Fees;
import io.labelledger.chain.TxSender;
import io.labelledger.chain.MarketplaceGateway;
import io.labelledger.consent.ConsentIndexer;
import io.labelledger.consent.ConsentQueries;
import io.labelledger.consent.ConsentRelayer;
import io.labelledger.consent.ConsentRoutes;
import io.labelledger.consent.ConsentService;
import io.labelledger.consent.TermsQueries;
import io.labelledger.consent.TermsRoutes;
import io.labelledger.contribution.ContributionQueries;
import io.labelledger.contribution.ContributionRoutes;
import io.labelledger.contribution.ContributionService;
import io.labelledger.dataset.DatasetBuilder;
import io.labelledger.dataset.DatasetExporter;
import io.labelledger.dataset.DatasetMoney;
import io.labelledger.dataset.DatasetRoutes;
import io.labelledger.dataset.DatasetService;
import io.labelledger.dataset.Earnings;
import io.labelledger.dataset.PurchaseIndexer;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.indexer.AnchorFollower;
import io.labelledger.indexer.CanonicalChain;
import io.labelledger.indexer.ChainIndexer;
import io.labelledger.indexer.MarketFollower;
import io.labelledger.provenance.AnchorQueries;
import io.labelledger.provenance.Anchorer;
import io.labelledger.provenance.ProofQueries;
import io.labelledger.provenance.ProofRoutes;
import io.labelledger.db.EmbeddedDatabase;
import io.labelledger.db.Migrations;
import io.labelledger.db.Pools;
import io.labelledger.http.ApiModule;
import io.labelledger.http.FailureHandler;
import io.labelledger.http.Json;
import io.labelledger.http.JsonCodec;
import io.labelledger.http.RateLimitHandler;
import io.labelledger.http.TokenBuckets;
import io.labelledger.ops.ActivityLog;
import io.labelledger.ops.DatabaseHealthCheck;
import io.labelledger.ops.HealthCheck;
import io.labelledger.ops.HealthRoutes;
import io.labelledger.ops.Metrics;
import io.labelledger.quality.ContributorScores;
import io.labelledger.quality.QualityGate;
import io.labelledger.quality.QualityQueries;
import io.labelledger.quality.QualityRoutes;
import io.labelledger.quality.QualityWorker;
import io.labelledger.signing.Eip712Routes;
import io.labelledger.signing.SignerRecovery;
import io.labelledger.signing.SigningDomains;
import io.labelledger.task.TaskQueries;
import io.labelledger.task.TaskRoutes;
import io.labelledger.task.TaskService;
import io.labelledger.upload.BlobSweeper;
import io.labelledger.upload.ErasureQueries;
import io.labelledger.upload.ErasureSweeper;
import io.labelledger.upload.UploadQueries;
import io.labelledger.upload.UploadRoutes;
import io.labelledger.upload.ValidationFileRoutes;
import io.labelledger.upload.UploadService;
import io.labelledger.web.ChainInfoRoutes;
import io.labelledger.web.WebApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service: reads the configuration, starts the embedded PostgreSQL when no database URL is
 * given, migrates the schema, wires every component by hand ({@link #wire}) and serves HTTP.
 *
 * <p>The chain plugs in as a {@link ChainRuntime} given to {@link #start}: its health becomes
 * {@code checks.chain}, and chain-backed modules (consent relaying, terms registration, signed
 * contributions) are constructed from it in {@link #wire} and added to the module list there.
 */
public final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);
  private static final long SWEEP_INTERVAL_MS = TimeUnit.MINUTES.toMillis(10);
  private static final long BUCKET_EVICTION_MS = TimeUnit.MINUTES.toMillis(1);
  /** The largest piece of a request body handed to a handler at once (Netty's default is 8 KiB). */
  public static final int HTTP_MAX_CHUNK = 64 * 1024;
  /** How long a shutdown waits for running worker rounds before it closes the pool. */
  private static final long WORKER_STOP_SECONDS = 10;

  private final Vertx vertx;
  private final Pool pool;
  private final HttpServer server;
  private final EmbeddedDatabase embedded;
  private final Optional<ChainRuntime> chain;
  private final Optional<ChainWorkers> chainWorkers;
  private final QualityWorker quality;
  private final List<Long> housekeeping;
  private final BlobStore blobs;
  private final BlobSweeper sweeper;
  private final ErasureSweeper erasures;

  private App(Vertx vertx, Pool pool, HttpServer server, EmbeddedDatabase embedded, Optional<ChainRuntime> chain,
      Optional<ChainWorkers> chainWorkers, QualityWorker quality, List<Long> housekeeping, BlobStore blobs,
      BlobSweeper sweeper, ErasureSweeper erasures) {
    this.vertx = vertx;
    this.blobs = blobs;
    this.sweeper = sweeper;
    this.erasures = erasures;
    this.housekeeping = housekeeping;
    this.pool = pool;
    this.server = server;
    this.embedded = embedded;
    this.chain = chain;
    this.chainWorkers = chainWorkers;
    this.quality = quality;
  }

  public static void main(String[] args) {
    AppConfig config;
    try {
      config = ConfigLoader.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    NodeChainRuntime chain = NodeChainRuntime.start(config.chain(), config.anchor().key(), config.dataPath(),
        Path.of(System.getProperty("labelledger.nodeDir", "node")));
    Deployment d = chain.deployment();
    System.out.printf("""
        chain %d at %s
          ConsentRegistry     %s
          ProvenanceRegistry  %s
          DataMarketplace     %s
          payment token       %s
        """, d.chainId(), chain.rpcUrl(), d.consentRegistry(), d.provenanceRegistry(), d.marketplace(),
        d.paymentToken());
    App app;
    try {
      app = start(config, Clock.systemUTC(), Optional.of(chain));
    } catch (RuntimeException e) {
      chain.close();
      throw e;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "labelledger-shutdown"));
  }

  /** Starts everything and returns once the HTTP server listens. Blocking: call from main or a test. */
  public static App start(AppConfig config, Clock clock, Optional<ChainRuntime> chain) {
    LOG.info("starting with {}", config);
    chain.ifPresent(c -> {
      if (c.chainId() != config.chain().chainId()) {
        throw new ConfigException(List.of("chain.chainId: configured " + config.chain().chainId()
            + " but the chain runtime is on chain id " + c.chainId()));
      }
    });
    EmbeddedDatabase embedded = config.database().embedded()
        ? EmbeddedDatabase.start(config.dataPath().resolve("postgres"), config.database().embeddedPort())
        : null;
    Vertx vertx = null;
    try {
      DatabaseCoordinates db = embedded != null ? embedded.coordinates()
          : new DatabaseCoordinates(config.database().url(), config.database().user(), config.database().password());
      Migrations.migrate(db);

      Metrics metrics = new Metrics();
      vertx = Vertx.builder().with(metrics.apply(new VertxOptions())).withMetrics(metrics.factory()).build();
      Pool pool = Pools.create(vertx, db, config.database().poolSize(), config.database().poolWaitQueue());
      Wired wired = wire(vertx, config, clock, pool, metrics, chain);
      HttpServer server = await(vertx.createHttpServer(new HttpServerOptions()
              .setHost(config.http().host())
              .setPort(config.http().port())
              .setHandle100ContinueAutomatically(true)
              // request bodies (uploads) arrive in chunks of up to 64 KiB instead of Netty's 8 KiB: an
              // eighth of the per-chunk work on the event loop, the same bounded memory per connection
              .setMaxChunkSize(HTTP_MAX_CHUNK))
          .requestHandler(wired.router())
          .listen());
      List<Long> housekeeping = startHousekeeping(vertx, wired);
      wired.quality().start();
      wired.sweeper().start(config.blobs().sweepIntervalMs());
      wired.erasures().start(config.blobs().erasureIntervalMs());
      wired.chainWorkers().ifPresent(w -> {
        w.relayer().start(config.work().relayIntervalMs());
        w.indexer().start(config.work().indexIntervalMs());
        w.purchases().start(config.datasets().purchaseIndexIntervalMs());
        w.anchorer().start(config.anchor().intervalMs());
      });
      LOG.info("LabelLedger listening on http://{}:{}/ (API under /api, health under /health)",
          config.http().host(), server.actualPort());
      return new App(vertx, pool, server, embedded, chain, wired.chainWorkers(), wired.quality(), housekeeping,
          wired.blobs(), wired.sweeper(), wired.erasures());
    } catch (RuntimeException e) {
      if (vertx != null) {
        vertx.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** What {@link #wire} builds: the router, and the parts housekeeping timers and workers need. */
  public record Wired(Router router, AuthService auth, TokenBuckets buckets, Optional<ChainWorkers> chainWorkers,
      QualityWorker quality, BlobStore blobs, BlobSweeper sweeper, ErasureSweeper erasures) {}

  /**
   * The periodic chain workers; present only with a chain. The indexer follows consents, anchors
   * and the marketplace's listings, purchases and claims; the purchase indexer keeps dataset licences and notices.
   */
  public record ChainWorkers(ConsentRelayer relayer, ChainIndexer indexer, Anchorer anchorer,
      PurchaseIndexer purchases) {
    /** Stops them all; completes when every running round has ended. */
    Future<Void> stop() {
      return Future.join(relayer.stop(), indexer.stop(), purchases.stop(), anchorer.stop()).mapEmpty();
    }
  }

  /**
   * Builds every component by hand and mounts the routes. Add new domains here: construct their
   * queries/services from {@code pool} (and from {@code chain} when they need it) and add their
   * {@link ApiModule} to {@code modules}.
   */
  public static Wired wire(Vertx vertx, AppConfig config, Clock clock, Pool pool, Metrics metrics,
      Optional<ChainRuntime> chain) {
    Validator validator = Validation.byDefaultProvider().configure().buildValidatorFactory().getValidator();
    JsonCodec json = new JsonCodec(Json.strictMapper(), validator, config.limits().jsonBodyBytes());

    AuthService auth = new AuthService(pool, new AuthQueries(pool),
        new SiweVerifier(config.auth().siweDomain(), config.chain().chainId(),
            Duration.ofSeconds(config.auth().clockSkewSeconds()), clock),
        new SessionTokens(), clock,
        Duration.ofSeconds(config.auth().nonceTtlSeconds()), Duration.ofSeconds(config.auth().sessionTtlSeconds()),
        Duration.ofSeconds(config.auth().sessionCacheSeconds()));
    TermsQueries terms = new TermsQueries(pool);
    CampaignQueries campaigns = new CampaignQueries(pool);
    CampaignService campaignService = new CampaignService(pool, campaigns, terms);
    CampaignTypes campaignTypes = new CampaignTypes(campaigns);
    var limits = config.limits();
    var work = config.work();

    // the chain side: EIP-712 domains of the deployment, the ConsentRegistry gateway, the workers
    Optional<SigningDomains> domains = chain.map(c -> SigningDomains.of(c.deployment()));
    var fees = config.chain().fees();
    Optional<ConsentRegistryGateway> registry = chain.map(c -> new ConsentRegistryGateway(c.web3j(),
        new TxSender(vertx, c.web3j(), c.operator(), c.chainId(), new FeeOracle(c.web3j(), fees, metrics.registry()),
            fees), c.deployment().consentRegistry()));
    ConsentQueries consents = new ConsentQueries(pool);
    Optional<MarketplaceGateway> market = chain.map(c -> new MarketplaceGateway(c.web3j(),
        registry.get().sender(), c.deployment().marketplace()));
    Optional<Deployment> deployment = chain.map(ChainRuntime::deployment);
    DatasetService datasets = new DatasetService(pool, market, deployment, config.datasets().sampleSize());
    // the anchorer's own ceiling (anchor.maxGasPriceGwei) applies too, when it is the lower one
    java.math.BigInteger anchorCeiling = Fees.gwei(fees.maxFeeGwei())
        .min(Fees.gwei(config.anchor().maxGasPriceGwei()));
    Optional<ProvenanceRegistryGateway> provenance = chain.map(c -> new ProvenanceRegistryGateway(c.web3j(),
        c.anchorer(), c.chainId(), c.deployment().provenanceRegistry(),
        new FeeOracle(c.web3j(), anchorCeiling, fees, metrics.registry())));
    Optional<ChainWorkers> workers = registry.map(r -> new ChainWorkers(
        new ConsentRelayer(vertx, pool, consents, terms, r, work.relayBatchSize(), clock),
        new ChainIndexer(vertx, pool, new CanonicalChain(chain.get().web3j()), List.of(new ConsentIndexer(consents, r),
            new AnchorFollower(provenance.get()),
            new MarketFollower(chain.get().web3j(), chain.get().deployment().marketplace())),
            chain.get().deployment().deployedAtBlock(), work.confirmations()),
        new Anchorer(vertx, pool, new AnchorQueries(pool), provenance.get(), config.anchor(), work.confirmations(),
            clock, metrics.registry()),
        new PurchaseIndexer(vertx, pool, new CanonicalChain(chain.get().web3j()), market.get(), datasets,
            chain.get().deployment().deployedAtBlock(),
            work.confirmations())));
    ContributionQueries contributions = new ContributionQueries(pool);
    ContributorScores scores = new ContributorScores(pool, config.quality().floorMinGold());
    QualityWorker quality = new QualityWorker(vertx, new QualityQueries(pool), config.quality(), clock);
    SignerRecovery recovery = SignerRecovery.forCores(vertx);
    BlobStore blobs = BlobStores.open(config.blobs(), config.dataPath());
    LOG.info("contributed files are kept as {}", blobs.describe());
    UploadQueries uploadQueries = new UploadQueries(pool);
    UploadService uploads = new UploadService(vertx, blobs, uploadQueries, campaignTypes,
        BlobStores.stagingDir(config.blobs(), config.dataPath()), clock, Duration.ofSeconds(work.leaseTtlSeconds()),
        new UploadService.Limits(config.blobs().uploadsPerHour(), config.blobs().uploadsInFlight(),
            Duration.ofSeconds(config.blobs().uploadIdleSeconds())));
    BlobSweeper sweeper = new BlobSweeper(vertx, uploadQueries, blobs, clock);
    ErasureSweeper erasures = new ErasureSweeper(vertx, new ErasureQueries(pool), blobs, clock);

    List<ApiModule> modules = new ArrayList<>();
    ActivityLog activity = new ActivityLog(pool, json);
    modules.add(activity);
    modules.add(new AuthRoutes(auth, json, config.auth().siweDomain(), config.chain().chainId()));
    modules.add(new TermsRoutes(terms, json, activity));
    modules.add(new CampaignRoutes(campaignService, campaigns, new ItemQueries(), pool,
        json, new CampaignRoutes.UploadLimits(limits.uploadBodyBytes(), limits.uploadBatchSize(),
            limits.uploadReportedRejections(), limits.jsonBodyBytes()), campaignTypes, activity));
    modules.add(new Eip712Routes(domains, json));
    modules.add(new ConsentRoutes(new ConsentService(registry, domains.map(SigningDomains::consent), consents, terms,
        clock, recovery), json));
    modules.add(new TaskRoutes(new TaskService(pool, new TaskQueries(pool), campaignService,
        domains.map(SigningDomains::provenance), clock, Duration.ofSeconds(work.leaseTtlSeconds()),
        () -> ThreadLocalRandom.current().nextDouble(), new QualityGate(scores), campaignTypes), json));
    modules.add(new ContributionRoutes(new ContributionService(vertx, recovery, domains.map(SigningDomains::provenance),
        contributions, campaignTypes, clock, work.submittedAtSkewSeconds(),
        Math.min(work.commitWriters(), config.database().poolSize()), uploads),
        contributions, scores, json));
    modules.add(new UploadRoutes(uploads, json));
    modules.add(new ValidationFileRoutes(vertx, pool, blobs, clock));
    modules.add(new QualityRoutes(pool, campaignService, scores, json));
    modules.add(new DatasetRoutes(
        new DatasetBuilder(pool, deployment.map(Deployment::paymentToken).orElse("0x" + "0".repeat(40)), quality,
            campaignTypes),
        datasets, new DatasetExporter(vertx, pool, config.datasets().exportParallelParquet(), blobs), campaignTypes,
        market.map(m -> new Earnings(pool, m, config.datasets().claimIntervalSeconds())), json, clock, activity));
    modules.add(new DatasetMoney(pool, datasets, market, json, activity));
    modules.add(new CampaignProgress(campaignService, pool, json));
    modules.add(new AuditRoutes(vertx, new AuditBundleQueries(pool), deployment));
    modules.add(new ProofRoutes(new ProofQueries(pool), json, chain.map(c -> c.deployment().provenanceRegistry()),
        config.chain().chainId()));

    Optional<String> publicRpcUrl = publicRpcUrl(config, chain);
    modules.add(new ChainInfoRoutes(chain.map(ChainRuntime::deployment), publicRpcUrl, json));

    List<HealthCheck> checks = new ArrayList<>(List.of(new DatabaseHealthCheck(pool)));
    chain.ifPresent(c -> checks.add(c.health()));
    // the chain is not needed to accept contributions: its outage degrades readiness, never fails it
    HealthRoutes health = new HealthRoutes(checks, chain.isPresent() ? List.of() : List.of("chain"), Set.of("chain"));

    TokenBuckets buckets = new TokenBuckets(limits.rateLimit().requestsPerSecond(), limits.rateLimit().burst(),
        System::nanoTime);
    FailureHandler failures = new FailureHandler(limits.jsonBodyBytes());

    Router router = Router.router(vertx);
    health.mount(router);
    metrics.mount(router);
    router.route("/api/*").handler(new Authenticator(auth, config.auth().operatorToken(),
        config.auth().operatorAddresses()));
    router.route("/api/*").handler(new RateLimitHandler(buckets, Authenticator::rateLimitKey));
    modules.forEach(module -> module.mount(router));
    new WebApp(publicRpcUrl.map(WebApp::origin), config.http().imageOriginList()).mount(router);
    router.route().failureHandler(failures);
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    router.errorHandler(413, failures);
    router.errorHandler(500, failures);
    return new Wired(router, auth, buckets, workers, quality, blobs, sweeper, erasures);
  }

  /**
   * The JSON-RPC URL browsers are given: the configured public one, else the local Ganache's when
   * the service started it (loopback, no credentials), else none: a configured {@code rpcUrl} may
   * carry a provider's API key and is never published.
   */
  private static Optional<String> publicRpcUrl(AppConfig config, Optional<ChainRuntime> chain) {
    String configured = config.chain().publicRpcUrl();
    if (configured != null && !configured.isBlank()) {
      return Optional.of(configured);
    }
    return config.chain().local() ? chain.map(ChainRuntime::rpcUrl) : Optional.empty();
  }

  /** Starts the housekeeping timers; returns their ids. */
  private static List<Long> startHousekeeping(Vertx vertx, Wired wired) {
    return List.of(
        vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> wired.auth().sweepExpired()
            .onSuccess(n -> LOG.debug("swept {} expired nonces and sessions", n))
            .onFailure(err -> LOG.warn("sweeping expired nonces and sessions failed: {}", err.toString()))),
        vertx.setPeriodic(BUCKET_EVICTION_MS, id -> wired.buckets().evictIdle()));
  }

  public int port() {
    return server.actualPort();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Pool pool() {
    return pool;
  }

  /** The relayer, indexer and anchorer (also run by their timers): tests and tools run a round on demand. */
  public Optional<ChainWorkers> chainWorkers() {
    return chainWorkers;
  }

  /** The sweeper of unsigned uploads (also run by its timer): tests and tools run a round on demand. */
  public BlobSweeper sweeper() {
    return sweeper;
  }

  /** The sweeper that erases withdrawn contributors' files (also run by its timer), for rounds on demand. */
  public ErasureSweeper erasures() {
    return erasures;
  }

  /** The blob store of contributed files. */
  public BlobStore blobs() {
    return blobs;
  }

  /** The aggregation worker (also run by its timer): tests and tools run a round on demand. */
  public QualityWorker quality() {
    return quality;
  }

  /**
   * Stops accepting requests, stops the timers and workers (waiting a little for a running round
   * to end, so it does not fail on a closed pool), then closes the pool, Vert.x, the chain runtime
   * and the embedded database. A round cut short here is one a crash could cut short too: every
   * worker resumes from what PostgreSQL says on the next start.
   */
  @Override
  public void close() {
    LOG.info("stopping");
    try {
      await(server.close());
      stopWorkers();
      await(pool.close());
    } catch (RuntimeException e) {
      LOG.warn("HTTP server or pool did not close cleanly: {}", e.toString());
    } finally {
      await(vertx.close().recover(err -> Future.succeededFuture()));
      chain.ifPresent(ChainRuntime::close);
      blobs.close();
      if (embedded != null) {
        embedded.close();
      }
    }
    LOG.info("stopped");
  }

  private void stopWorkers() {
    housekeeping.forEach(vertx::cancelTimer);
    Future<Void> chainStopped = chainWorkers.map(ChainWorkers::stop).orElse(Future.succeededFuture());
    try {
      Future.join(quality.stop(), chainStopped, sweeper.stop(), erasures.stop()).toCompletionStage().toCompletableFuture().get(WORKER_STOP_SECONDS, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("a worker round was still running {} s after the stop; closing the pool under it", WORKER_STOP_SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.warn("a worker did not stop cleanly: {}", e.getCause().toString()); // rounds never fail; defensive
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
    }
  }
}
