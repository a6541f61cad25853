package io.labelledger.bench;

import static io.labelledger.ops.LocalFiles.deleteRecursively;
import static io.labelledger.ops.LocalFiles.freePort;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.App;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.LocalGanache;
import io.labelledger.chain.Signatures;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.consent.ConsentMessages;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.db.EmbeddedDatabase;
import io.labelledger.demo.StoryHttp;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.signing.SignedTypes;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.NoOpProcessor;
import org.web3j.utils.Numeric;

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
  private static final long TICKS_PER_SECOND = 100; // USER_HZ of /proc/PID/stat on Linux

  /** The bench's settings; each has a flag ({@code --contributions 50000}) and a default. */
  record Options(int contributions, int warmUp, int accounts, int concurrency, int baselineTx, Path out, Path nodeDir,
      List<String> serviceJavaOpts, String hook, Map<String, String> serviceEnv) {
    static Options parse(String[] args) {
      Map<String, String> flags = new HashMap<>();
      List<String> positional = new ArrayList<>();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.startsWith("--")) {
          int eq = a.indexOf('=');
          if (eq > 0) {
            flags.put(a.substring(2, eq), a.substring(eq + 1));
          } else {
            require(i + 1 < args.length, a + " needs a value");
            flags.put(a.substring(2), args[++i]);
          }
        } else {
          positional.add(a);
        }
      }
      Options o = new Options(
          intFlag(flags, "contributions", Integer.getInteger("ingest.contributions", 50_000)),
          intFlag(flags, "warm-up", Integer.getInteger("ingest.warmUp", 20_000)),
          intFlag(flags, "accounts", Integer.getInteger("ingest.accounts", 1_000)),
          intFlag(flags, "concurrency", Integer.getInteger("ingest.concurrency", 128)),
          intFlag(flags, "baseline-tx", Integer.getInteger("ingest.baselineTx", 2_000)),
          Path.of(positional.size() > 0 ? positional.get(0) : "target/bench"),
          Path.of(positional.size() > 1 ? positional.get(1) : "node"),
          List.of(Optional.ofNullable(flags.remove("service-java-opts")).orElse("").trim().split("\\s+")).stream()
              .filter(x -> !x.isEmpty()).toList(),
          flags.remove("hook"),
          serviceEnv(Optional.ofNullable(flags.remove("service-env")).orElse("")));
      require(flags.isEmpty(), "unknown flags: " + flags.keySet()
          + " (known: --contributions --warm-up --accounts --concurrency --baseline-tx --service-java-opts --service-env"
          + " --hook)");
      require(o.contributions > 0 && o.warmUp >= 0 && o.accounts > 0 && o.concurrency > 0 && o.baselineTx >= 0,
          "sizes must be positive");
      return o;
    }

    /** {@code --service-env K=V,K=V}: LABELLEDGER_* settings for the service, over the bench's own. */
    private static Map<String, String> serviceEnv(String spec) {
      Map<String, String> env = new LinkedHashMap<>();
      for (String pair : spec.split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int eq = pair.indexOf('=');
        require(eq > 0 && pair.trim().startsWith("LABELLEDGER_"), "--service-env takes LABELLEDGER_K=V,...: " + pair);
        env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
      return env;
    }

    private static int intFlag(Map<String, String> flags, String name, int fallback) {
      String v = flags.remove(name);
      return v == null ? fallback : Integer.parseInt(v.replace("_", "").replace(",", ""));
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
    Map<String, String> env = System.getenv();
    int httpPort = port(env, "LABELLEDGER_HTTP_PORT");
    int dbPort = port(env, "LABELLEDGER_DB_EMBEDDED_PORT");
    int chainPort = port(env, "LABELLEDGER_CHAIN_PORT");
    Path data = (env.containsKey("LABELLEDGER_DATA_DIR") ? Path.of(env.get("LABELLEDGER_DATA_DIR"))
        : options.out()).resolve("bench-ingest").toAbsolutePath();
    try {
      new IngestBench(options).run(data, httpPort, dbPort, chainPort);
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0); // the Vert.x client's and web3j's non-daemon threads are done with
  }

  private static int port(Map<String, String> env, String name) throws java.io.IOException {
    String v = env.get(name);
    return v == null || v.isBlank() ? freePort() : Integer.parseInt(v.trim());
  }

  private void run(Path data, int httpPort, int dbPort, int chainPort) throws Exception {
    deleteRecursively(data);
    Files.createDirectories(data);
    Map<String, String> env = new HashMap<>();
    env.put("LABELLEDGER_DATA_DIR", data.toString());
    env.put("LABELLEDGER_HTTP_HOST", "127.0.0.1");
    env.put("LABELLEDGER_HTTP_PORT", Integer.toString(httpPort));
    env.put("LABELLEDGER_DB_EMBEDDED_PORT", Integer.toString(dbPort));
    env.put("LABELLEDGER_CHAIN_PORT", Integer.toString(chainPort));
    env.put("LABELLEDGER_SIWE_DOMAIN", "127.0.0.1:" + httpPort);
    env.put("LABELLEDGER_OPERATOR_TOKEN", OPERATOR);
    // every client of the bench is 127.0.0.1: the per-IP limit of anonymous sign-in would cap set-up
    env.put("LABELLEDGER_RATE_LIMIT_PER_SECOND", "1000000");
    env.put("LABELLEDGER_RATE_LIMIT_BURST", "1000000");
    // Ganache estimates the gas of a relayed batch by running it repeatedly (100 ecrecovers each
    // time); on a busy machine that outlasts the RPC client's timeout, so set-up relays smaller ones
    env.put("LABELLEDGER_RELAY_BATCH_SIZE", "20");
    env.put("LABELLEDGER_RELAY_INTERVAL_MS", "250");
    // every task is leased before the timed phase starts; on a busy machine leasing 50,000 can take
    // longer than the default lease (10 min), and a lease expiring before its answer is sent would
    // be refused (LEASE_EXPIRED): the bench measures ingestion, not the lease time
    env.put("LABELLEDGER_LEASE_TTL_SECONDS", "7200");
    env.put("LABELLEDGER_INDEX_INTERVAL_MS", "250");
    env.putAll(options.serviceEnv());
    base = "http://127.0.0.1:" + httpPort;
    api = new StoryHttp(base);

    Service service = Service.start(env, data, options.nodeDir(), options.serviceJavaOpts());
    try {
      waitUntilReady(service);
      Deployment deployment = Deployment.read(data.resolve("deployment.json"));
      Map<String, Object> results = measure(service, deployment, env, dbPort, chainPort);
      print(results);
      Files.createDirectories(options.out());
      JSON.enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.out().resolve("ingest.json").toFile(), results);
      System.out.println("wrote " + options.out().resolve("ingest.json"));
    } finally {
      service.stop();
    }
  }

  private Map<String, Object> measure(Service service, Deployment deployment, Map<String, String> env, int dbPort,
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

    List<Credentials> keys = new ArrayList<>();
    for (int i = 0; i < accounts; i++) {
      keys.add(Credentials.create(Keys.createEcKeyPair()));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<String> tokens = parallel(pool, keys, key -> signIn(key, env.get("LABELLEDGER_SIWE_DOMAIN"),
        deployment.chainId()));
    parallel(pool, keys.size(), i -> consent(keys.get(i), tokens.get(i), terms, deployment));
    waitForConsents(tokens);
    System.out.printf("set-up: %,d contributors signed in and consented (%.1f s)%n", accounts, secondsSince(t0));

    long t1 = System.nanoTime();
    List<List<ObjectNode>> leased = parallel(pool, keys.size(), i -> lease(campaign, tokens.get(i), perAccount));
    System.out.printf("set-up: %,d tasks leased (%.1f s)%n", leased.stream().mapToInt(List::size).sum(),
        secondsSince(t1));
    // signed after leasing, with one fresh submittedAt, so that the whole set is within the
    // server's submittedAt window however long leasing took
    long t2 = System.nanoTime();
    long submittedAt = Instant.now().getEpochSecond();
    var domain = ContributionMessage.domain(deployment.chainId(), deployment.provenanceRegistry());
    List<List<byte[]>> signed = parallel(pool, keys.size(), i -> sign(leased.get(i), keys.get(i), submittedAt, domain));
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
    System.out.printf("set-up: %,d contributions pre-signed (%.1f s)%n", bodies.size(), secondsSince(t2));

    int warmUp = options.warmUp();
    Sent warm = send(bodies.subList(0, warmUp), bodyTokens.subList(0, warmUp));
    System.out.printf("warm-up: %,d contributions sent, %,d acknowledged (untimed)%n", warmUp, warm.receipts().size());
    bodies = bodies.subList(warmUp, bodies.size());
    hook("start", service);
    Cpu before = Cpu.read(service.pid(), service.postgresPid());
    Sent sent = send(bodies, bodyTokens.subList(warmUp, bodyTokens.size()));
    Cpu after = Cpu.read(service.pid(), service.postgresPid());
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
    r.put("p50_ms", percentile(sent.latenciesMs(), 0.50));
    r.put("p99_ms", percentile(sent.latenciesMs(), 0.99));
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
  private void hook(String phase, Service service) throws Exception {
    if (options.hook() == null) {
      return;
    }
    Process p = new ProcessBuilder(options.hook(), phase, Long.toString(service.pid())).inheritIO().start();
    require(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "--hook " + phase + " failed");
  }

  private static long perAccepted(long ticks, int accepted) {
    return accepted == 0 ? 0 : Math.round(ticks * 1e6 / TICKS_PER_SECOND / accepted);
  }

  /** The service as a child process, with its log in the data directory. */
  private record Service(Process process, Path data) {
    static Service start(Map<String, String> env, Path data, Path nodeDir, List<String> javaOpts) throws Exception {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(javaOpts);
      command.add("-Dlabelledger.nodeDir=" + nodeDir.toAbsolutePath());
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(App.class.getName());
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(data.resolve("service.log").toFile());
      // embedded defaults: nothing of the caller's LABELLEDGER_* configuration leaks in
      pb.environment().keySet().removeIf(k -> k.startsWith("LABELLEDGER_"));
      pb.environment().putAll(env);
      Process process = pb.start();
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "bench-stop-service"));
      System.out.printf("service: pid %d, log in %s%n", process.pid(), data.resolve("service.log"));
      return new Service(process, data);
    }

    long pid() {
      return process.pid();
    }

    /** The embedded PostgreSQL's postmaster, from its pid file. */
    long postgresPid() throws java.io.IOException {
      return Long.parseLong(Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
    }

    void stop() throws InterruptedException {
      process.destroy(); // SIGTERM: the service's shutdown hook stops its PostgreSQL and Ganache
      if (!process.waitFor(90, TimeUnit.SECONDS)) {
        System.err.println("service did not stop within 90 s; killing it");
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * CPU time in clock ticks of the service JVM, its PostgreSQL (postmaster and backends), its local
   * chain (every other process the service started: Ganache) and this client.
   */
  private record Cpu(long service, Map<String, Long> jitThreads, long postgres, long chain, long client,
      double loadAverage) {
    static Cpu read(long servicePid, long postmasterPid) throws java.io.IOException {
      // the backends are the postmaster's children; everything else the service started is its chain
      List<Long> backends = ProcessHandle.of(postmasterPid).stream().flatMap(ProcessHandle::children)
          .map(ProcessHandle::pid).toList();
      long pg = ticks(postmasterPid, true) + backends.stream().mapToLong(Cpu::ticksIfAlive).sum();
      long chain = ProcessHandle.of(servicePid).stream().flatMap(ProcessHandle::descendants).map(ProcessHandle::pid)
          .filter(pid -> pid != postmasterPid && !backends.contains(pid)).mapToLong(Cpu::ticksIfAlive).sum();
      double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      return new Cpu(ticks(servicePid, false), jitThreads(servicePid), pg, chain,
          ticks(ProcessHandle.current().pid(), false), load);
    }

    /**
     * utime + stime of each of the service's JIT compiler threads, by thread id (HotSpot names them
     * "C1 CompilerThread…" and "C2 CompilerThread…", cut to 15 characters). HotSpot may start and stop
     * some as its compile queue grows and shrinks: one that exits within the timed phase is missed,
     * so {@link #jitSince} is a lower bound.
     */
    private static Map<String, Long> jitThreads(long pid) {
      Map<String, Long> out = new HashMap<>();
      try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
        tasks.forEach(task -> {
          String[] f = stat(task.resolve("stat"));
          if (f != null && (f[1].startsWith("C1 CompilerThre") || f[1].startsWith("C2 CompilerThre"))) {
            out.put(f[0], Long.parseLong(f[13]) + Long.parseLong(f[14]));
          }
        });
      } catch (java.io.IOException gone) {
        // the service exited
      }
      return out;
    }

    /** Compiler-thread ticks between {@code before} and this reading. */
    long jitSince(Cpu before) {
      return jitThreads.entrySet().stream()
          .mapToLong(e -> e.getValue() - before.jitThreads().getOrDefault(e.getKey(), 0L)).sum();
    }

    /** utime + stime of a process that may have exited since it was listed (then 0). */
    private static long ticksIfAlive(long pid) {
      String[] f = stat(pid);
      return f == null ? 0 : Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }

    /** utime + stime (+ the reaped children's when asked). */
    private static long ticks(long pid, boolean withChildren) {
      String[] f = stat(pid);
      require(f != null, "no /proc/" + pid + "/stat");
      long t = Long.parseLong(f[13]) + Long.parseLong(f[14]);
      return withChildren ? t + Long.parseLong(f[15]) + Long.parseLong(f[16]) : t;
    }

    /** Fields of /proc/PID/stat, numbered from 0 as in proc(5) minus one; null when the process is gone. */
    private static String[] stat(long pid) {
      return stat(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /**
     * Fields of a process's or a thread's stat file ({@code /proc/PID/stat}, {@code /proc/PID/task/TID/stat}):
     * [0] the id, [1] the name without its parentheses (it may hold spaces), then the rest; null when it is gone.
     */
    private static String[] stat(Path file) {
      try {
        String s = Files.readString(file);
        String[] rest = s.substring(s.lastIndexOf(')') + 2).split(" ");
        String[] f = new String[rest.length + 2];
        f[0] = s.substring(0, s.indexOf(' '));
        f[1] = s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
        System.arraycopy(rest, 0, f, 2, rest.length);
        return f;
      } catch (java.io.IOException | RuntimeException gone) {
        return null;
      }
    }
  }

  private void waitUntilReady(Service service) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      require(service.process().isAlive(), "the service exited; see " + service.data().resolve("service.log"));
      try {
        HttpResponse<String> r = setupHttp.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).GET()
            .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // not listening yet
      }
      require(System.nanoTime() < deadline, "the service was not ready within 5 minutes");
      Thread.sleep(250);
    }
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

  private Void consent(Credentials key, String token, String terms, Deployment chain) throws Exception {
    long now = Instant.now().getEpochSecond();
    var message = new ConsentMessages.Consent(key.getAddress(), terms, now + 30 * 86_400L, BigInteger.ZERO, now + 3600);
    byte[] sig = Signatures.sign(message.digest(ConsentMessages.domain(chain.chainId(),
        chain.consentRegistry())), key);
    ObjectNode typed = JSON.createObjectNode();
    typed.set("types", JSON.valueToTree(SignedTypes.typesOf(SignedTypes.CONSENT)));
    typed.put("primaryType", SignedTypes.CONSENT);
    ObjectNode domain = typed.putObject("domain");
    domain.put("name", ConsentMessages.DOMAIN_NAME).put("version", ConsentMessages.DOMAIN_VERSION)
        .put("chainId", chain.chainId()).put("verifyingContract", chain.consentRegistry());
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
      ObjectNode message = (ObjectNode) typed.get("message");
      message.put("submittedAt", submittedAt);
      var signed = new ContributionMessage(message.get("contributor").asText(),
          new BigInteger(message.get("campaignId").asText()), new BigInteger(message.get("itemId").asText()),
          message.get("answer").asText(), message.get("termsHash").asText(), submittedAt);
      byte[] sig = Signatures.sign(signed.digest(domain), key);
      bodies.add(JSON.writeValueAsBytes(Map.of("typedData", typed, "signature", Hex.encode(sig))));
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

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalStateException(message);
    }
  }

}
