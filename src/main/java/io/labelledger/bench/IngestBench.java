package io.labelledger.bench;

import static io.labelledger.ops.LocalFiles.deleteRecursively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.LocalGanache;
import io.labelledger.chain.Signatures;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.db.EmbeddedDatabase;
import io.labelledger.demo.StoryHttp;
import io.labelledger.contribution.ContributionMessage;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.NoOpProcessor;

/**
 * {@code scripts/bench ingest}: starts the service as its own process on embedded defaults (its
 * own Ganache and PostgreSQL in a fresh data directory), signs in {@code accounts} contributors who
 * consent through the real relay-and-index flow, leases {@code contributions} tasks through the API
 * and pre-signs them, then sends them from {@code concurrency} concurrent HTTP/1.1 keep-alive
 * connections over loopback and measures acceptance. Afterwards it checks that every acknowledged
 * contribution is in PostgreSQL with the digest it was acknowledged with, and measures the
 * baseline: the same kind of record sent as one on-chain transaction each, to the same Ganache.
 *
 * <p>The service runs in a separate JVM so that its CPU time can be read apart from the client's
 * ({@code /proc/PID/stat}); figures per accepted contribution are reported for the service, its
 * PostgreSQL and this client. The wall-clock figures depend on whatever else runs on the machine;
 * the CPU figures much less.
 *
 * <p>Everything is the default configuration except the ports, the data directory, the SIWE
 * domain (the service's address here), the operator token, the rate limits (every client here is
 * 127.0.0.1, and anonymous sign-in is limited per IP) and (for set-up only) the consent relay
 * interval and batch size, the index interval and the lease time (all tasks are leased before the
 * timed phase). Sizes and ports: {@code --contributions --accounts
 * --concurrency --baseline-tx --service-java-opts --service-env --hook}, and {@code LABELLEDGER_HTTP_PORT},
 * {@code LABELLEDGER_DB_EMBEDDED_PORT}, {@code LABELLEDGER_CHAIN_PORT} (free ports when unset),
 * {@code LABELLEDGER_DATA_DIR} (the bench uses its {@code bench-ingest} subdirectory, wiped first).
 */
public final class IngestBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] LABELS = {"positive", "negative"};
  private static final String OPERATOR = "bench-operator-token-" + Long.toHexString(System.nanoTime());

  /** The bench's settings; each has a flag ({@code --contributions 50000}) and a default. */
  record Options(int contributions, int warmUp, int accounts, int concurrency, int baselineTx, Path out, Path nodeDir,
      List<String> serviceJavaOpts, String hook, Map<String, String> serviceEnv) {
    static Options parse(String[] args) {
      BenchFlags flags = new BenchFlags(args);
      Options o = new Options(
          flags.integer("contributions", Integer.getInteger("ingest.contributions", 50_000)),
          flags.integer("warm-up", Integer.getInteger("ingest.warmUp", 20_000)),
          flags.integer("accounts", Integer.getInteger("ingest.accounts", 1_000)),
          flags.integer("concurrency", Integer.getInteger("ingest.concurrency", 128)),
          flags.integer("baseline-tx", Integer.getInteger("ingest.baselineTx", 2_000)),
          flags.path(0, "target/bench"),
          flags.path(1, "node"),
          flags.serviceJavaOpts(),
          flags.text("hook"),
          flags.serviceEnv());
      flags.requireAllTaken("--contributions --warm-up --accounts --concurrency --baseline-tx --service-java-opts"
          + " --service-env --hook");
      require(o.contributions > 0 && o.warmUp >= 0 && o.accounts > 0 && o.concurrency > 0 && o.baselineTx >= 0,
          "sizes must be positive");
      return o;
    }
  }

  private final Options options;
  private final java.net.http.HttpClient setupHttp = java.net.http.HttpClient.newBuilder()
      .version(Version.HTTP_1_1).build();
  private String base;
  private StoryHttp api;

  private IngestBench(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    try {
      new IngestBench(options).run(BenchService.Where.fromEnvironment(options.out(), "bench-ingest"));
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0); // the Vert.x client's and web3j's non-daemon threads are done with
  }

  private void run(BenchService.Where where) throws Exception {
    Path data = where.data();
    int dbPort = where.dbPort();
    int chainPort = where.chainPort();
    deleteRecursively(data);
    Files.createDirectories(data);
    Map<String, String> env = where.environment(OPERATOR);
    env.putAll(options.serviceEnv());
    base = where.base();
    api = new StoryHttp(base);

    BenchService service = BenchService.start(env, data, options.nodeDir(), options.serviceJavaOpts());
    try {
      service.awaitReady(base);
      Deployment deployment = Deployment.read(data.resolve("deployment.json"));
      Map<String, Object> results = measure(service, deployment, env, dbPort, chainPort);
      BenchReport.printAndWrite(results, options.out(), "ingest");
    } finally {
      service.stop();
    }
  }

  private Map<String, Object> measure(BenchService service, Deployment deployment, Map<String, String> env, int dbPort,
      int chainPort) throws Exception {
    // the warm-up contributions are sent first, untimed, so that the measured ones find the
    // service's hot path compiled (a fresh JVM spends its first seconds in the JIT compiler); they
    // are acknowledged and checked for loss like the others
    int contributions = options.contributions() + options.warmUp();
    int accounts = options.accounts();
    long t0 = System.nanoTime();
    String terms = postJson("/api/terms", Map.of("text", "Bench terms: my labels may be sold for training."),
        OPERATOR).get("termsHash").asText();
    int perAccount = (contributions + accounts - 1) / accounts;
    long campaign = createCampaign(terms, perAccount * accounts);
    System.out.printf("set-up: campaign %d with %,d items%n", campaign, perAccount * accounts);

    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<BenchContributors.Contributor> crowd = new BenchContributors(api).enrol(pool, accounts, terms,
        env.get("LABELLEDGER_SIWE_DOMAIN"), deployment);
    List<Credentials> keys = crowd.stream().map(BenchContributors.Contributor::key).toList();
    List<String> tokens = crowd.stream().map(BenchContributors.Contributor::token).toList();
    System.out.printf("set-up: %,d contributors signed in and consented (%.1f s)%n", accounts, BenchReport.secondsSince(t0));

    long t1 = System.nanoTime();
    List<List<ObjectNode>> leased = BenchContributors.parallel(pool, keys.size(),
        i -> lease(campaign, tokens.get(i), perAccount));
    System.out.printf("set-up: %,d tasks leased (%.1f s)%n", leased.stream().mapToInt(List::size).sum(),
        BenchReport.secondsSince(t1));
    // signed after leasing, with one fresh submittedAt, so that the whole set is within the
    // server's submittedAt window however long leasing took
    long t2 = System.nanoTime();
    long submittedAt = Instant.now().getEpochSecond();
    var domain = ContributionMessage.domain(deployment.chainId(), deployment.provenanceRegistry());
    List<List<byte[]>> signed = BenchContributors.parallel(pool, keys.size(),
        i -> sign(leased.get(i), keys.get(i), submittedAt, domain));
    pool.shutdown();
    // accounts interleaved: the load of many contributors at once, each well within its rate limit
    List<byte[]> bodies = new ArrayList<>();
    List<String> bodyTokens = new ArrayList<>();
    for (int round = 0; round < perAccount && bodies.size() < contributions; round++) {
      for (int i = 0; i < keys.size() && bodies.size() < contributions; i++) {
        if (round < signed.get(i).size()) {
          bodies.add(signed.get(i).get(round));
          bodyTokens.add(tokens.get(i));
        }
      }
    }
    System.out.printf("set-up: %,d contributions pre-signed (%.1f s)%n", bodies.size(), BenchReport.secondsSince(t2));

    int warmUp = options.warmUp();
    Sent warm = send(bodies.subList(0, warmUp), bodyTokens.subList(0, warmUp));
    System.out.printf("warm-up: %,d contributions sent, %,d acknowledged (untimed)%n", warmUp, warm.receipts().size());
    bodies = bodies.subList(warmUp, bodies.size());
    hook("start", service);
    ProcessCpu before = ProcessCpu.read(service.pid(), service.postgresPid());
    Sent sent = send(bodies, bodyTokens.subList(warmUp, bodyTokens.size()));
    ProcessCpu after = ProcessCpu.read(service.pid(), service.postgresPid());
    hook("stop", service);
    List<Receipt> acknowledged = new ArrayList<>(warm.receipts());
    acknowledged.addAll(sent.receipts());
    DatabaseCoordinates db = EmbeddedDatabase.coordinatesOf(service.data().resolve("postgres"), dbPort);
    long found = countStored(db, acknowledged);
    double txPerS = baseline(deployment, chainPort);

    int accepted = sent.receipts().size();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("warm_up", warmUp);
    r.put("warm_up_acknowledged", warm.receipts().size());
    r.put("sent", bodies.size());
    r.put("accepted", accepted);
    r.put("refused", bodies.size() - accepted);
    r.put("accounts", accounts);
    r.put("concurrency", options.concurrency());
    r.put("seconds", Math.round(sent.seconds() * 100) / 100.0);
    r.put("accepted_per_s", Math.round(accepted / sent.seconds()));
    r.put("p50_ms", BenchReport.percentile(sent.latenciesMs(), 0.50));
    r.put("p99_ms", BenchReport.percentile(sent.latenciesMs(), 0.99));
    r.put("lost", acknowledged.size() - found); // of every acknowledged one, warm-up included
    r.put("baseline_tx_per_s", Math.round(txPerS * 10) / 10.0);
    r.put("service_cpu_us_per_accepted", perAccepted(after.service() - before.service(), accepted));
    // of the service's: its JIT compilers, still at work if the warm-up was too short to compile the hot path
    r.put("service_jit_cpu_us_per_accepted", perAccepted(after.jitSince(before), accepted));
    r.put("postgres_cpu_us_per_accepted", perAccepted(after.postgres() - before.postgres(), accepted));
    r.put("chain_cpu_us_per_accepted", perAccepted(after.chain() - before.chain(), accepted));
    r.put("client_cpu_us_per_accepted", perAccepted(after.client() - before.client(), accepted));
    r.put("cpus", Runtime.getRuntime().availableProcessors());
    r.put("load_average_before", before.loadAverage());
    r.put("native_secp256k1", Signatures.isNative());
    r.put("first_refusal", sent.firstRefusal());
    r.put("anchoring", AnchorFigures.after(db, 120)); // the anchorer ran throughout: what it paid
    return r;
  }

  /**
   * Runs {@code --hook CMD} as {@code CMD start|stop SERVICE_PID}, around the timed phase only:
   * e.g. a script that attaches a profiler to the service for exactly the measured requests.
   */
  private void hook(String phase, BenchService service) throws Exception {
    if (options.hook() == null) {
      return;
    }
    Process p = new ProcessBuilder(options.hook(), phase, Long.toString(service.pid())).inheritIO().start();
    require(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "--hook " + phase + " failed");
  }

  private static long perAccepted(long ticks, int accepted) {
    return ProcessCpu.microsPer(ticks, accepted);
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

  /** Leases {@code count} tasks for one contributor; returns their typed data, answer filled in. */
  private List<ObjectNode> lease(long campaign, String token, int count) throws Exception {
    List<ObjectNode> tasks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      JsonNode task = postJson("/api/campaigns/" + campaign + "/tasks/next", null, token);
      ObjectNode typed = (ObjectNode) task.get("typedData");
      ((ObjectNode) typed.get("message")).put("answer", LABELS[(int) (task.get("itemId").asLong() % LABELS.length)]);
      tasks.add(typed);
    }
    return tasks;
  }

  /** Signs each task's typed data as a wallet would, with {@code submittedAt}; returns the request bodies. */
  private static List<byte[]> sign(List<ObjectNode> tasks, Credentials key, long submittedAt, Eip712.Domain domain)
      throws Exception {
    List<byte[]> bodies = new ArrayList<>(tasks.size());
    for (ObjectNode typed : tasks) {
      bodies.add(BenchContributors.signedContribution(typed, key, submittedAt, domain));
    }
    return bodies;
  }

  // ------------------------------------------------------------------ the measured phase

  /** An acknowledged contribution: the id and digest the service replied with. */
  private record Receipt(long id, String digest) {}

  private record Sent(List<Receipt> receipts, double seconds, double[] latenciesMs, String firstRefusal) {}

  /**
   * Sends every body once, {@code concurrency} requests in flight on as many keep-alive
   * connections ({@link RawHttpLoad}: requests serialised beforehand, one client thread); the
   * replies are read after the clock stops.
   */
  private Sent send(List<byte[]> bodies, List<String> tokens) throws Exception {
    URI uri = URI.create(base);
    var address = new java.net.InetSocketAddress(uri.getHost(), uri.getPort());
    String host = uri.getHost() + ":" + uri.getPort();
    byte[][] requests = new byte[bodies.size()][];
    for (int i = 0; i < requests.length; i++) {
      requests[i] = RawHttpLoad.request("POST", host, "/api/contributions",
          new String[] {"Authorization: Bearer " + tokens.get(i), "Content-Type: application/json"}, bodies.get(i));
    }
    // connections opened and both sides' first-use paths run before the clock starts
    byte[][] warmUp = new byte[options.concurrency() * 4][];
    Arrays.fill(warmUp, RawHttpLoad.request("GET", host, "/health/live", new String[0], new byte[0]));
    RawHttpLoad.run(address, warmUp, options.concurrency());

    RawHttpLoad.Result r = RawHttpLoad.run(address, requests, options.concurrency());
    List<Receipt> receipts = new ArrayList<>();
    String refusal = null;
    for (int i = 0; i < requests.length; i++) {
      if (r.status()[i] == 201 || r.status()[i] == 200) {
        JsonNode reply = JSON.readTree(r.body()[i]);
        receipts.add(new Receipt(reply.get("id").asLong(), reply.get("digest").asText()));
      } else if (refusal == null) {
        refusal = r.error()[i] != null ? r.error()[i]
            : r.status()[i] + " " + new String(r.body()[i], StandardCharsets.UTF_8);
      }
    }
    return new Sent(receipts, r.seconds(), r.latencyMs(), refusal);
  }

  /** How many of the acknowledged contributions PostgreSQL holds, with the id and digest acknowledged. */
  private static long countStored(DatabaseCoordinates db, List<Receipt> receipts) throws Exception {
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password().reveal());
         PreparedStatement s = c.prepareStatement("select count(*) from contributions c "
             + "join unnest(?::bigint[], ?::text[]) as r(id, digest) on c.id = r.id "
             + "and c.digest = decode(substr(r.digest, 3), 'hex')")) {
      s.setArray(1, c.createArrayOf("bigint", receipts.stream().map(Receipt::id).toArray()));
      s.setArray(2, c.createArrayOf("text", receipts.stream().map(Receipt::digest).toArray()));
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  // ------------------------------------------------------------------ baseline: one record per transaction

  /**
   * Per-record attestation, as EAS-like designs do it: each contribution digest as its own
   * transaction (a one-leaf anchor) to the same Ganache, sent as fast as the node takes them.
   */
  private double baseline(Deployment deployment, int chainPort) throws Exception {
    if (options.baselineTx() == 0) {
      return 0;
    }
    Web3j web3j = Web3j.build(new HttpService("http://127.0.0.1:" + chainPort));
    try {
      return baseline(web3j, deployment);
    } finally {
      web3j.shutdown();
    }
  }

  /** As the service's operator (the local chain's development key), which holds the anchorer role. */
  private double baseline(Web3j web3j, Deployment deployment) throws Exception {
    var tx = new FastRawTransactionManager(web3j, Credentials.create(LocalGanache.DEV_OPERATOR_KEY),
        deployment.chainId(), new NoOpProcessor(web3j));
    var registry = ProvenanceRegistry.load(deployment.provenanceRegistry(), web3j, tx,
        new StaticGasProvider(BigInteger.valueOf(1_000_000_000L), BigInteger.valueOf(200_000)));
    var random = new java.util.Random(1);
    String lastHash = null;
    long start = System.nanoTime();
    for (int i = 0; i < options.baselineTx(); i++) {
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      var receipt = registry.anchor(digest, BigInteger.ONE).send(); // NoOpProcessor: returns at once
      lastHash = receipt.getTransactionHash();
    }
    while (web3j.ethGetTransactionReceipt(lastHash).send().getTransactionReceipt().isEmpty()) {
      Thread.sleep(10);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return options.baselineTx() / seconds;
  }

  // ------------------------------------------------------------------ plumbing

  private JsonNode postJson(String path, Object body, String token) {
    return api.post(path, body, token).success(path).json();
  }

  private JsonNode get(String path, String token) {
    return api.get(path, token).success(path).json();
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

}
