package io.labelledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.App;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.chain.NodeChainRuntime;
import io.labelledger.chain.Signatures;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.config.AppConfig;
import io.labelledger.config.ConfigLoader;
import io.labelledger.consent.ConsentMessages;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.signing.SignedTypes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.NoOpProcessor;
import org.web3j.utils.Numeric;

/**
 * {@code scripts/bench ingest}: starts the service on embedded defaults (its own Ganache and
 * PostgreSQL in a fresh data directory), signs in {@code accounts} contributors who consent
 * through the real relay-and-index flow, leases and pre-signs {@code n} contributions, then sends
 * them from concurrent HTTP clients over loopback and measures acceptance. Afterwards it checks
 * that every acknowledged contribution is in PostgreSQL, and measures the baseline: the same kind
 * of record sent as one on-chain transaction each.
 *
 * <p>Rate limits are raised for the run (they are per account and would otherwise cap the
 * figure); everything else is the default configuration.
 */
public final class IngestBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] LABELS = {"positive", "negative"};
  private static final String OPERATOR = "bench-operator-token-" + Long.toHexString(System.nanoTime());

  private final int contributions;
  private final int accounts;
  private final int concurrency;
  private final int baselineTx;
  private final java.net.http.HttpClient setupHttp = java.net.http.HttpClient.newBuilder()
      .version(Version.HTTP_1_1).build();
  private String base;

  private IngestBench(int contributions, int accounts, int concurrency, int baselineTx) {
    this.contributions = contributions;
    this.accounts = accounts;
    this.concurrency = concurrency;
    this.baselineTx = baselineTx;
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Path nodeDir = Path.of(args.length > 1 ? args[1] : "node");
    int n = Integer.getInteger("ingest.contributions", 50_000);
    int accounts = Integer.getInteger("ingest.accounts", 1_000);
    int concurrency = Integer.getInteger("ingest.concurrency", 64);
    int baseline = Integer.getInteger("ingest.baselineTx", 2_000);
    new IngestBench(n, accounts, concurrency, baseline).run(out, nodeDir);
    System.exit(0); // non-daemon threads of the embedded database and Vert.x are closed already
  }

  private void run(Path out, Path nodeDir) throws Exception {
    Path data = out.resolve("ingest-data");
    deleteRecursively(data);
    Map<String, String> env = new HashMap<>();
    env.put("LABELLEDGER_DATA_DIR", data.toString());
    env.put("LABELLEDGER_HTTP_HOST", "127.0.0.1");
    env.put("LABELLEDGER_HTTP_PORT", Integer.toString(freePort()));
    env.put("LABELLEDGER_DB_EMBEDDED_PORT", Integer.toString(freePort()));
    env.put("LABELLEDGER_CHAIN_PORT", Integer.toString(freePort()));
    env.put("LABELLEDGER_OPERATOR_TOKEN", OPERATOR);
    env.put("LABELLEDGER_RATE_LIMIT_PER_SECOND", "1000000");
    env.put("LABELLEDGER_RATE_LIMIT_BURST", "1000000");
    env.put("LABELLEDGER_RELAY_INTERVAL_MS", "200");
    env.put("LABELLEDGER_INDEX_INTERVAL_MS", "200");
    env.put("LABELLEDGER_DB_POOL_SIZE", "16");
    AppConfig config = new ConfigLoader(env, Path.of("").toAbsolutePath()).load();
    base = "http://127.0.0.1:" + config.http().port();

    NodeChainRuntime chain = NodeChainRuntime.start(config.chain(), config.dataPath(), nodeDir);
    App app = App.start(config, Clock.systemUTC(), Optional.of(chain));
    try {
      Map<String, Object> results = measure(app, chain, config);
      print(results);
      Files.createDirectories(out);
      JSON.enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("ingest.json").toFile(), results);
      System.out.println("wrote " + out.resolve("ingest.json"));
    } finally {
      app.close();
    }
  }

  private Map<String, Object> measure(App app, NodeChainRuntime chain, AppConfig config) throws Exception {
    long t0 = System.nanoTime();
    String terms = postJson("/api/terms", Map.of("text", "Bench terms: my labels may be sold for training."),
        OPERATOR).get("termsHash").asText();
    int perAccount = (contributions + accounts - 1) / accounts;
    long campaign = createCampaign(terms, perAccount * accounts);
    System.out.printf("set-up: campaign %d with %,d items%n", campaign, perAccount * accounts);

    List<Credentials> keys = new ArrayList<>();
    for (int i = 0; i < accounts; i++) {
      keys.add(Credentials.create(Keys.createEcKeyPair()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<String> tokens = parallel(pool, keys, key -> signIn(key, config.auth().siweDomain(), chain.chainId()));
    parallel(pool, keys.size(), i -> consent(keys.get(i), tokens.get(i), terms, chain));
    waitForConsents(tokens);
    System.out.printf("set-up: %,d contributors signed in and consented (%.1f s)%n", accounts, secondsSince(t0));

    long t1 = System.nanoTime();
    var domain = ContributionMessage.domain(chain.chainId(), chain.deployment().provenanceRegistry());
    List<List<byte[]>> perToken = parallel(pool, keys.size(), i -> leaseAndSign(campaign, keys.get(i),
        tokens.get(i), perAccount, domain));
    List<byte[]> bodies = new ArrayList<>();
    List<String> bodyTokens = new ArrayList<>();
    for (int i = 0; i < perToken.size() && bodies.size() < contributions; i++) {
      for (byte[] body : perToken.get(i)) {
        if (bodies.size() < contributions) {
          bodies.add(body);
          bodyTokens.add(tokens.get(i));
        }
      }
    }
    pool.shutdown();
    System.out.printf("set-up: %,d contributions leased and pre-signed (%.1f s)%n", bodies.size(), secondsSince(t1));

    Sent sent = send(bodies, bodyTokens);
    long found = countStored(app, sent.ids());
    double txPerS = baseline(chain);

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("sent", bodies.size());
    r.put("accepted", sent.accepted());
    r.put("refused", bodies.size() - sent.accepted());
    r.put("accounts", accounts);
    r.put("concurrency", concurrency);
    r.put("accepted_per_s", Math.round(sent.accepted() / sent.seconds()));
    r.put("p50_ms", percentile(sent.latenciesMs(), 0.50));
    r.put("p99_ms", percentile(sent.latenciesMs(), 0.99));
    r.put("lost", sent.accepted() - found);
    r.put("baseline_tx_per_s", Math.round(txPerS * 10) / 10.0);
    r.put("native_secp256k1", Signatures.isNative());
    r.put("first_refusal", sent.firstRefusal());
    r.put("anchoring", AnchorFigures.after(app.pool(), 120)); // the anchorer ran throughout: what it paid
    return r;
  }

  // ------------------------------------------------------------------ set-up through the public API

  private long createCampaign(String terms, int items) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "Ingest benchmark");
    body.put("instructions", "Is the sentence positive or negative?");
    body.put("taskType", "single_choice");
    body.put("labels", List.of(LABELS));
    body.put("overlap", 1);
    body.put("goldRate", 0.0);
    body.put("termsHash", terms);
    long id = postJson("/api/campaigns", body, OPERATOR).get("id").asLong();
    StringBuilder jsonl = new StringBuilder(items * 48);
    for (int i = 0; i < items; i++) {
      jsonl.append("{\"id\":\"s").append(i).append("\",\"data\":{\"text\":\"sentence ").append(i).append("\"}}\n");
    }
    HttpResponse<String> reply = setupHttp.send(HttpRequest.newBuilder(URI.create(base + "/api/campaigns/" + id + "/items"))
        .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(jsonl.toString())).build(), HttpResponse.BodyHandlers.ofString());
    require(reply.statusCode() == 200, "item upload: " + reply.body());
    return id;
  }

  private String signIn(Credentials key, String domain, long chainId) throws Exception {
    String nonce = get("/api/auth/nonce", null).get("nonce").asText();
    String text = domain + " wants you to sign in with your Ethereum account:\n"
        + Keys.toChecksumAddress(key.getAddress()) + "\n\nSign in to LabelLedger.\n\n"
        + "URI: https://" + domain + "/\nVersion: 1\nChain ID: " + chainId + "\nNonce: " + nonce
        + "\nIssued At: " + Instant.now().minusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    Sign.SignatureData sig = Sign.signPrefixedMessage(text.getBytes(StandardCharsets.UTF_8), key.getEcKeyPair());
    String signature = Numeric.toHexString(
        io.labelledger.chain.Abi.concat(sig.getR(), sig.getS(), sig.getV()));
    return postJson("/api/auth/siwe", Map.of("message", text, "signature", signature), null).get("token").asText();
  }

  private Void consent(Credentials key, String token, String terms, NodeChainRuntime chain) throws Exception {
    long now = Instant.now().getEpochSecond();
    var message = new ConsentMessages.Consent(key.getAddress(), terms, now + 30 * 86_400L, BigInteger.ZERO, now + 3600);
    byte[] sig = Signatures.sign(message.digest(ConsentMessages.domain(chain.chainId(),
        chain.deployment().consentRegistry())), key);
    ObjectNode typed = JSON.createObjectNode();
    typed.set("types", JSON.valueToTree(SignedTypes.typesOf(SignedTypes.CONSENT)));
    typed.put("primaryType", SignedTypes.CONSENT);
    ObjectNode domain = typed.putObject("domain");
    domain.put("name", ConsentMessages.DOMAIN_NAME).put("version", ConsentMessages.DOMAIN_VERSION)
        .put("chainId", chain.chainId()).put("verifyingContract", chain.deployment().consentRegistry());
    typed.putObject("message").put("contributor", key.getAddress()).put("termsHash", terms)
        .put("expiresAt", message.expiresAt()).put("nonce", 0).put("deadline", message.deadline());
    postJson("/api/consents", Map.of("typedData", typed, "signature", Hex.encode(sig)), token);
    return null;
  }

  /** Consent is relayed in batches and then indexed from chain events; wait until the last one counts. */
  private void waitForConsents(List<String> tokens) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    for (String token : List.of(tokens.get(0), tokens.get(tokens.size() - 1))) {
      while (true) {
        JsonNode me = get("/api/consents/me", token);
        if (me.path("consents").size() > 0 && me.path("consents").get(0).path("valid").asBoolean()) {
          break;
        }
        require(System.nanoTime() < deadline, "consents not confirmed within 3 minutes: " + me);
        Thread.sleep(250);
      }
    }
  }

  private List<byte[]> leaseAndSign(long campaign, Credentials key, String token, int count, Eip712.Domain domain)
      throws Exception {
    List<byte[]> bodies = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      JsonNode task = postJson("/api/campaigns/" + campaign + "/tasks/next", null, token);
      ObjectNode typed = (ObjectNode) task.get("typedData");
      ObjectNode message = (ObjectNode) typed.get("message");
      String answer = LABELS[(int) (task.get("itemId").asLong() % LABELS.length)];
      message.put("answer", answer);
      var signed = new ContributionMessage(message.get("contributor").asText(),
          new BigInteger(message.get("campaignId").asText()), new BigInteger(message.get("itemId").asText()),
          answer, message.get("termsHash").asText(), Long.parseLong(message.get("submittedAt").asText()));
      byte[] sig = Signatures.sign(signed.digest(domain), key);
      bodies.add(JSON.writeValueAsBytes(Map.of("typedData", typed, "signature", Hex.encode(sig))));
    }
    return bodies;
  }

  // ------------------------------------------------------------------ the measured phase

  private record Sent(int accepted, double seconds, double[] latenciesMs, List<Long> ids, String firstRefusal) {}

  private Sent send(List<byte[]> bodies, List<String> tokens) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      URI uri = URI.create(base);
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(uri.getHost())
          .setDefaultPort(uri.getPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(concurrency));
      double[] latencies = new double[bodies.size()];
      ConcurrentLinkedQueue<Long> ids = new ConcurrentLinkedQueue<>();
      AtomicInteger next = new AtomicInteger();
      AtomicInteger accepted = new AtomicInteger();
      AtomicLong done = new AtomicLong();
      java.util.concurrent.atomic.AtomicReference<String> refusal = new java.util.concurrent.atomic.AtomicReference<>();
      CompletableFuture<Void> finished = new CompletableFuture<>();
      long start = System.nanoTime();
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        int i = next.getAndIncrement();
        if (i >= bodies.size()) {
          return;
        }
        long t = System.nanoTime();
        client.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/api/contributions")
                .putHeader("Authorization", "Bearer " + tokens.get(i))
                .putHeader("Content-Type", "application/json"))
            .compose(req -> req.send(Buffer.buffer(bodies.get(i))))
            .compose(resp -> resp.body().map(body -> Map.entry(resp.statusCode(), body)))
            .onComplete(ar -> {
              latencies[i] = (System.nanoTime() - t) / 1e6;
              if (ar.succeeded() && (ar.result().getKey() == 201 || ar.result().getKey() == 200)) {
                accepted.incrementAndGet();
                ids.add(idOf(ar.result().getValue()));
              } else {
                refusal.compareAndSet(null, ar.succeeded()
                    ? ar.result().getKey() + " " + ar.result().getValue() : ar.cause().toString());
              }
              if (done.incrementAndGet() == bodies.size()) {
                finished.complete(null);
              } else {
                pump[0].run();
              }
            });
      };
      vertx.runOnContext(v -> {
        for (int c = 0; c < concurrency; c++) {
          pump[0].run();
        }
      });
      finished.get(10, TimeUnit.MINUTES);
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Sent(accepted.get(), seconds, latencies, new ArrayList<>(ids), refusal.get());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static long idOf(Buffer body) {
    try {
      return JSON.readTree(body.getBytes()).get("id").asLong();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How many of the acknowledged ids PostgreSQL holds. */
  private static long countStored(App app, List<Long> ids) throws Exception {
    Future<Long> count = app.pool().preparedQuery("select count(*) from contributions where id = any($1)")
        .execute(Tuple.of(ids.toArray(new Long[0]))).map(rows -> rows.iterator().next().getLong(0));
    return count.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  // ------------------------------------------------------------------ baseline: one record per transaction

  /**
   * Per-record attestation, as EAS-like designs do it: each contribution digest as its own
   * transaction (a one-leaf anchor) to the same Ganache, sent as fast as the node takes them.
   */
  private double baseline(NodeChainRuntime chain) throws Exception {
    var tx = new FastRawTransactionManager(chain.web3j(), chain.operator(), chain.chainId(), new NoOpProcessor(chain.web3j()));
    var registry = ProvenanceRegistry.load(chain.deployment().provenanceRegistry(), chain.web3j(), tx,
        new StaticGasProvider(BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(200_000)));
    var random = new java.util.Random(1);
    String lastHash = null;
    long start = System.nanoTime();
    for (int i = 0; i < baselineTx; i++) {
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      var receipt = registry.anchor(digest, BigInteger.ONE).send(); // NoOpProcessor: returns at once
      lastHash = receipt.getTransactionHash();
    }
    while (chain.web3j().ethGetTransactionReceipt(lastHash).send().getTransactionReceipt().isEmpty()) {
      Thread.sleep(10);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return baselineTx / seconds;
  }

  // ------------------------------------------------------------------ plumbing

  private JsonNode postJson(String path, Object body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .POST(body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
    return call(b, token, path);
  }

  private JsonNode get(String path, String token) throws Exception {
    return call(HttpRequest.newBuilder(URI.create(base + path)).GET(), token, path);
  }

  private JsonNode call(HttpRequest.Builder b, String token, String path) throws Exception {
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> reply = setupHttp.send(b.build(), HttpResponse.BodyHandlers.ofString());
    require(reply.statusCode() / 100 == 2, path + " answered " + reply.statusCode() + ": " + reply.body());
    return JSON.readTree(reply.body());
  }

  private interface Task<T> {
    T run(int i) throws Exception;
  }

  private interface KeyTask<T> {
    T run(Credentials key) throws Exception;
  }

  private static <T> List<T> parallel(ExecutorService pool, List<Credentials> keys, KeyTask<T> task) throws Exception {
    return parallel(pool, keys.size(), i -> task.run(keys.get(i)));
  }

  private static <T> List<T> parallel(ExecutorService pool, int n, Task<T> task) throws Exception {
    List<java.util.concurrent.Future<T>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      futures.add(pool.submit(() -> task.run(index)));
    }
    List<T> out = new ArrayList<>(n);
    for (var f : futures) {
      out.add(f.get(10, TimeUnit.MINUTES));
    }
    return out;
  }

  private static double percentile(double[] values, double p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return Math.round(sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] * 10) / 10.0;
  }

  private static void print(Map<String, Object> r) {
    System.out.println();
    r.forEach((k, v) -> System.out.printf("%-20s %s%n", k, v));
  }

  private static double secondsSince(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
