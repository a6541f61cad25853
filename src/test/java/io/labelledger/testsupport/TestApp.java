package io.labelledger.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.App;
import io.labelledger.chain.ContractDeployer;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.NodeChainRuntime;
import io.labelledger.config.AppConfig;
import io.labelledger.config.ConfigLoader;
import io.labelledger.db.DatabaseCoordinates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.web3j.crypto.Credentials;

/**
 * The real App wiring on a random port, against a fresh database of {@link TestDatabase}, with a
 * clock the test can move; plus a small HTTP client speaking to it.
 */
public final class TestApp implements AutoCloseable {
  public static final String OPERATOR_TOKEN = "test-operator-token-0123456789";
  public static final String SIWE_DOMAIN = "labelledger.test";
  public static final long CHAIN_ID = 1337;

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final App app;
  private final Optional<NodeChainRuntime> chain;
  private final MutableClock clock;
  private final AppConfig config;
  private final DatabaseCoordinates database;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  private TestApp(App app, Optional<NodeChainRuntime> chain, MutableClock clock, AppConfig config,
      DatabaseCoordinates database) {
    this.app = app;
    this.chain = chain;
    this.clock = clock;
    this.config = config;
    this.database = database;
    this.baseUrl = "http://127.0.0.1:" + app.port();
  }

  /** Starts with generous rate limits; {@code overrides} are extra LABELLEDGER_* variables. */
  public static TestApp start(String databaseHint, Map<String, String> overrides) {
    return start(databaseHint, overrides, Optional.empty());
  }

  /**
   * Starts on the test chain: a fresh funded operator key deploys this app's own contracts (so
   * every test class has its own, reverted with the class's snapshot) and relays for it. The
   * relayer and indexer timers are slow unless {@code overrides} say otherwise: tests run rounds
   * with {@link #relay()} and {@link #index()} when they want them.
   */
  public static TestApp start(String databaseHint, Map<String, String> overrides, TestChain testChain) {
    return start(databaseHint, overrides, testChain, List.of(testChain.rpcUrl()));
  }

  /**
   * As {@link #start(String, Map, TestChain)}, the service reaching the chain through
   * {@code rpcUrls} (endpoints in front of the test chain, e.g. {@link RpcRelay}s), failing over.
   */
  public static TestApp start(String databaseHint, Map<String, String> overrides, TestChain testChain,
      List<String> rpcUrls) {
    Credentials operator = testChain.newAccount(1000);
    Credentials anchorer = testChain.newAccount(1000);
    try {
      Deployment deployment = new ContractDeployer(testChain.web3j(), testChain.txManager(operator), testChain.gas())
          .deployAll(operator, anchorer.getAddress(), testChain.chainId(), 500);
      Map<String, String> env = new HashMap<>();
      env.put("LABELLEDGER_CHAIN_ID", Long.toString(testChain.chainId()));
      env.put("LABELLEDGER_RELAY_INTERVAL_MS", "3600000");
      env.put("LABELLEDGER_INDEX_INTERVAL_MS", "3600000");
      env.put("LABELLEDGER_ANCHOR_INTERVAL_MS", "3600000");
      env.putAll(overrides);
      return start(databaseHint, env, Optional.of(NodeChainRuntime.attach(rpcUrls, operator, anchorer,
          deployment)));
    } catch (Exception e) {
      throw new IllegalStateException("cannot deploy the contracts for " + databaseHint, e);
    }
  }

  /**
   * Another instance of the service on the same database, chain and contracts as {@code first}
   * (same operator and anchorer keys): a restart after a crash, or a second instance behind a load
   * balancer. {@code overrides} as for {@link #start(String, Map, TestChain)}.
   */
  public static TestApp sibling(TestApp first, Map<String, String> overrides) {
    NodeChainRuntime runtime = first.chain.orElseThrow();
    Map<String, String> env = new HashMap<>();
    env.put("LABELLEDGER_CHAIN_ID", Long.toString(runtime.chainId()));
    env.put("LABELLEDGER_RELAY_INTERVAL_MS", "3600000");
    env.put("LABELLEDGER_INDEX_INTERVAL_MS", "3600000");
    env.put("LABELLEDGER_ANCHOR_INTERVAL_MS", "3600000");
    env.putAll(overrides);
    return start(first.database, env, Optional.of(NodeChainRuntime.attach(runtime.rpcUrl(), runtime.operator(),
        runtime.anchorer(), runtime.deployment())));
  }

  private static TestApp start(String databaseHint, Map<String, String> overrides,
      Optional<NodeChainRuntime> runtime) {
    return start(TestDatabase.freshDatabase(databaseHint), overrides, runtime);
  }

  /**
   * The service as {@code App.main} starts it, on the node at {@code LABELLEDGER_RPC_URL} in
   * {@code overrides} (which must also give the relayer and anchorer keys), with {@code dataDir}
   * holding its {@code deployment.json}: {@link NodeChainRuntime#start} finds (or deploys) the
   * contracts, and starts even when the node does not answer.
   */
  public static TestApp startOnNode(DatabaseCoordinates db, Map<String, String> overrides, Path dataDir) {
    Map<String, String> env = baseEnv(db);
    env.putAll(overrides);
    env.put("LABELLEDGER_DATA_DIR", dataDir.toString());
    AppConfig config = new ConfigLoader(env, dataDir).load();
    NodeChainRuntime runtime = NodeChainRuntime.start(config.chain(), config.anchor().key(), config.dataPath(),
        ChainExtension.ProjectPaths.root().resolve("node"));
    try {
      return start(db, env, Optional.of(runtime));
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  private static TestApp start(DatabaseCoordinates db, Map<String, String> overrides,
      Optional<NodeChainRuntime> runtime) {
    Map<String, String> env = baseEnv(db);
    env.putAll(overrides);
    try {
      Path workDir = Files.createTempDirectory("labelledger-test-app");
      env.putIfAbsent("LABELLEDGER_DATA_DIR", workDir.resolve("data").toString());
      AppConfig config = new ConfigLoader(env, workDir).load();
      MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
      return new TestApp(App.start(config, clock, runtime.map(r -> r)), runtime, clock, config, db);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> baseEnv(DatabaseCoordinates db) {
    Map<String, String> env = new HashMap<>();
    env.put("LABELLEDGER_HTTP_HOST", "127.0.0.1");
    env.put("LABELLEDGER_HTTP_PORT", "0");
    env.put("LABELLEDGER_DB_URL", db.jdbcUrl());
    env.put("LABELLEDGER_DB_USER", db.user());
    if (db.password() != null) {
      env.put("LABELLEDGER_DB_PASSWORD", db.password().reveal());
    }
    env.put("LABELLEDGER_DB_POOL_SIZE", "4");
    env.put("LABELLEDGER_OPERATOR_TOKEN", OPERATOR_TOKEN);
    env.put("LABELLEDGER_SIWE_DOMAIN", SIWE_DOMAIN);
    env.put("LABELLEDGER_CHAIN_ID", Long.toString(CHAIN_ID));
    env.put("LABELLEDGER_RATE_LIMIT_PER_SECOND", "100000");
    env.put("LABELLEDGER_RATE_LIMIT_BURST", "100000");
    env.put("LABELLEDGER_QUALITY_INTERVAL_MS", "3600000");
    return env;
  }

  /** The deployment of this app's contracts (only when started on a chain). */
  public Deployment deployment() {
    return chain.orElseThrow().deployment();
  }

  /** One round of the consent relayer (terms registration, relaying, settling), awaited. */
  public void relay() {
    await(app.chainWorkers().orElseThrow().relayer().round());
  }

  /** One round of the consent indexer (reads the ConsentRegistry's logs up to the head), awaited. */
  public void index() {
    await(app.chainWorkers().orElseThrow().indexer().round());
  }

  /** One round of the purchase indexer (DatasetPurchased logs up to the head), awaited. */
  public void purchases() {
    await(app.chainWorkers().orElseThrow().purchases().round());
  }

  /** A relaying round then an indexing round: what a signed consent needs to become consent state. */
  public void relayAndIndex() {
    relay();
    index();
  }

  /** One round of the anchorer (closes due batches, sends, records receipts), awaited. */
  public void anchor() {
    awaitWorkerHorizon();
    await(anchorer().round());
  }

  /**
   * Waits (up to 10 s, then goes on) until every contribution stored so far is older than every
   * transaction running on the server: the anchorer, like the aggregation worker, reads only behind
   * that horizon, and a transaction of another worker or test still running would otherwise make a
   * round miss work the test has just stored.
   */
  private void awaitWorkerHorizon() {
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline) && !await(pool().query("select coalesce((select max(txid) from "
        + "contributions), '0') < pg_snapshot_xmin(pg_current_snapshot()) as behind").execute())
        .iterator().next().getBoolean("behind")) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /** This instance's anchorer, e.g. to give it test faults. */
  public io.labelledger.provenance.Anchorer anchorer() {
    return app.chainWorkers().orElseThrow().anchorer();
  }

  /** The anchorer's key (ANCHORER_ROLE). */
  public Credentials anchorerKey() {
    return chain.orElseThrow().anchorer();
  }

  /** The key that deployed this app's contracts: their admin, curator and treasury, and the relayer. */
  public Credentials operator() {
    return chain.orElseThrow().operator();
  }

  /**
   * A round of the aggregation worker (every queued answer taken in, then a due re-estimate),
   * awaited. The worker takes in only answers older than every transaction running on the server
   * (cluster-wide: other test classes' databases count too), so while an answer stays behind its
   * cursor, another round is run after a short wait, for up to 30 s.
   */
  public void aggregate() {
    Instant deadline = Instant.now().plusSeconds(30);
    await(app.quality().round());
    while (notTakenIn() > 0) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(notTakenIn() + " answer(s) still not taken in by the aggregation worker after 30 s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      await(app.quality().round());
    }
  }

  /** Contributions stored after the aggregation worker's cursor. */
  private long notTakenIn() {
    return await(pool().query("select count(*) from contributions c, quality_cursor q where q.name = 'aggregation' "
        + "and (c.txid, c.id) > (q.txid, q.last_id)").execute()).iterator().next().getLong(0);
  }

  /** Takes every queued answer in, then re-estimates the campaign with Dawid-Skene now, awaited. */
  public void reestimate(long campaignId) {
    await(app.quality().reestimate(campaignId));
  }

  /** The blob store of contributed files. */
  public io.labelledger.blob.BlobStore blobs() {
    return app.blobs();
  }

  /** Where uploads are staged while they arrive and are checked. */
  public Path blobStaging() {
    return io.labelledger.blob.BlobStores.stagingDir(config.blobs(), config.dataPath());
  }

  /** One round of the sweeper of unsigned uploads, awaited. */
  public io.labelledger.upload.BlobSweeper.Sweep sweepUploads() {
    return await(app.sweeper().round());
  }

  /** One round of the sweeper that erases withdrawn contributors' files, awaited. */
  public io.labelledger.upload.ErasureSweeper.Round eraseWithdrawn() {
    return await(app.erasures().round());
  }

  public io.vertx.sqlclient.Pool pool() {
    return app.pool();
  }

  public io.vertx.core.Vertx vertx() {
    return app.vertx();
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public MutableClock clock() {
    return clock;
  }

  public AppConfig config() {
    return config;
  }

  public DatabaseCoordinates database() {
    return database;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** A reply as the tests look at it. */
  public record Reply(int status, HttpResponse<String> raw) {
    public JsonNode json() {
      try {
        return MAPPER.readTree(raw.body());
      } catch (IOException e) {
        throw new AssertionError("reply is not JSON: " + raw.body(), e);
      }
    }

    /** {@code error.code} of an error reply. */
    public String errorCode() {
      return json().path("error").path("code").asText(null);
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public String body() {
      return raw.body();
    }
  }

  public Reply get(String path) {
    return send("GET", path, null, null, null);
  }

  public Reply get(String path, String bearer) {
    return send("GET", path, bearer, null, null);
  }

  public Reply postJson(String path, String json, String bearer) {
    return send("POST", path, bearer, "application/json", BodyPublishers.ofString(json));
  }

  public Reply postJson(String path, Object body, String bearer) {
    try {
      return postJson(path, MAPPER.writeValueAsString(body), bearer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Reply send(String method, String path, String bearer, String contentType, BodyPublisher body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(120))
        .method(method, body == null ? BodyPublishers.noBody() : body);
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
      return new Reply(response.statusCode(), response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Signs in with SIWE as {@code account}; returns the session token. */
  public String signIn(Credentials account) {
    Reply nonce = get("/api/auth/nonce");
    Siwe.Message message = Siwe.Message.of(SIWE_DOMAIN, account, config.chain().chainId(), nonce.json().get("nonce").asText(),
        clock.instant());
    Reply session = postJson("/api/auth/siwe",
        Map.of("message", message.text(), "signature", Siwe.personalSign(message.text(), account)), null);
    if (session.status() != 200) {
      throw new AssertionError("sign-in failed: " + session.body());
    }
    return session.json().get("token").asText();
  }

  /** Publishes terms as the operator; returns their hash. */
  public String publishTerms(String text) {
    Reply reply = postJson("/api/terms", Map.of("text", text), OPERATOR_TOKEN);
    if (reply.status() != 201 && reply.status() != 200) {
      throw new AssertionError("publishing terms failed: " + reply.body());
    }
    return reply.json().get("termsHash").asText();
  }

  @Override
  public void close() {
    app.close();
  }
}
