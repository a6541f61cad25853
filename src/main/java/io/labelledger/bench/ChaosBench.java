package io.labelledger.bench;

import static io.labelledger.ops.LocalFiles.deleteRecursively;
import static io.labelledger.ops.LocalFiles.freePort;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labelledger.chain.ContractDeployer;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.Hex;
import io.labelledger.chain.LocalGanache;
import io.labelledger.chain.ProvenanceRegistryGateway;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.db.EmbeddedDatabase;
import io.labelledger.provenance.StandardMerkleTree;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * {@code scripts/chaos}: five fault scenarios against the real service processes, a real
 * PostgreSQL and real Ganache nodes (all owned by this harness, so the service can be killed without
 * them), each under sustained signed-contribution load from {@link LoadClient}:
 *
 * <ol>
 *   <li>kill9: the service is killed with SIGKILL several times while it anchors, and restarted;
 *   <li>ganache_outage: Ganache is stopped for at least 30 s and restarted with its state; the
 *       service must keep acknowledging contributions and report the chain down meanwhile;
 *   <li>ganache_outage_two_endpoints: the same with the service given two JSON-RPC endpoints of
 *       which the first never answers (a port nothing listens on): it must fail over to the second
 *       and report the chain up before the outage, down during it;
 *   <li>two_instances: two service instances on one database and one chain share the load;
 *   <li>ganache_reorg_under_load: three times, a snapshot of the chain, a few seconds of anchoring and
 *       indexing, then the chain reverted to the snapshot and other blocks mined at those heights (a
 *       reorganisation as the service sees it): every anchor the replaced blocks held must be sent
 *       again, once.
 * </ol>
 *
 * After each, once anchoring has caught up, it checks from PostgreSQL and the chain alone that
 * every acknowledged contribution is present and in exactly one anchored batch (the batch's root,
 * recomputed from its contributions' digests, is the root the contract holds under the recorded
 * batch id, with the same leaf count) and that the on-chain batches are exactly the recorded ones.
 * Prints one line per scenario, writes {@code target/bench/chaos.json}, exits 1 when any figure is
 * wrong. {@code -Dchaos.scenarios=a,b} runs only those.
 *
 * <p>Scenarios run {@code -Dchaos.parallel} at a time (2 by default; 1 runs them one after the
 * other), in the order given, so the longest start first; with {@code -Dchaos.setUpAhead=true} the next
 * one sets up while they are under load. Each has its own Ganache process (port,
 * chain directory), its own database on the shared PostgreSQL, its own contract deployment, data
 * directories, logs and service processes on ports never handed out twice: its kill -9 hits its own
 * service process (by its {@link Process} handle), its outage stops its own Ganache and its
 * reorganisation reverts its own chain, so no scenario's fault reaches another's figures.
 */
public final class ChaosBench {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String OPERATOR_TOKEN = "chaos-operator-token-" + Long.toHexString(System.nanoTime());
  private static final String SIWE_DOMAIN = "chaos.labelledger.test";
  private static final long CHAIN_ID = LocalGanache.CHAIN_ID;

  private final Path root;
  private final Path nodeDir;
  private final int contributions;
  private final int accounts;
  private final PortRange ports;
  private final int parallel;
  private EmbeddedDatabase postgres;
  /** Every scenario's chain, so that {@link #stopAll} stops them all. */
  private final List<ScenarioChain> chains = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ChaosBench(Path root, Path nodeDir, int contributions, int accounts, PortRange ports, int parallel) {
    this.root = root;
    this.nodeDir = nodeDir;
    this.contributions = contributions;
    this.accounts = accounts;
    this.ports = ports;
    this.parallel = parallel;
    this.loadSlots = new Semaphore(parallel);
    this.setUpAhead = parallel > 1 && Boolean.parseBoolean(System.getProperty("chaos.setUpAhead", "false"));
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Path nodeDir = Path.of(args.length > 1 ? args[1] : "node");
    int n = Integer.getInteger("chaos.contributions", 5_050);
    int accounts = Integer.getInteger("chaos.accounts", 40);
    ChaosBench bench = new ChaosBench(out.resolveSibling("chaos"), nodeDir, n, accounts,
        new PortRange(Integer.getInteger("chaos.portBase", 0)), Math.max(1, Integer.getInteger("chaos.parallel", 2)));
    // stops the service processes, Ganache and PostgreSQL also when the harness itself is stopped
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll, "chaos-stop"));
    boolean ok;
    try {
      ok = bench.run(out);
    } finally {
      bench.stopAll();
    }
    System.exit(ok ? 0 : 1);
  }

  private boolean run(Path out) throws Exception {
    long t0 = System.nanoTime();
    deleteRecursively(root);
    Files.createDirectories(root.resolve("logs"));
    postgres = EmbeddedDatabase.start(root.resolve("postgres"), ports.next());

    List<String> names = List.of(System.getProperty("chaos.scenarios",
        "kill9,ganache_outage,ganache_outage_two_endpoints,two_instances,ganache_reorg_under_load").split(","));
    // Scenarios run `parallel` at a time, longest first (the order above): each has its own Ganache,
    // ports, data directories, database and service processes, so one scenario's faults (kill -9 of
    // its services, its Ganache stopped or reverted) cannot reach another's. Much of a scenario is
    // waiting (Ganache down 30+ s, a paced load), which is why two share two cores well. They start in
    // the listed order: each once the set-up before it is done (see setUpGate).
    ExecutorService pool = Executors.newCachedThreadPool();
    Map<String, Future<Map<String, Object>>> running = new LinkedHashMap<>();
    try {
      for (String name : names) {
        setUpGate.acquire(); // released by the scenario before this one when its set-up is done
        running.put(name, pool.submit(() -> {
          Map<String, Object> r;
          try {
            r = scenario(name);
          } catch (Exception e) {
            e.printStackTrace();
            r = new LinkedHashMap<>();
            r.put("passed", false);
            r.put("problems", List.of("the scenario did not finish: " + e));
          }
          System.out.printf("chaos %-15s acknowledged %,d  anchored_once %,d  lost %d  duplicated %d  orphan_batches %d"
                  + "  (%d batches, %s, %.0f s) %s%n", name, r.get("acknowledged"), r.get("anchored_once"),
              r.get("lost"), r.get("duplicated"), r.get("orphan_batches"), r.get("batches"), r.get("fault"),
              r.get("seconds"), Boolean.TRUE.equals(r.get("passed")) ? "OK" : "FAILED: " + r.get("problems"));
          return r;
        }));
      }
    } finally {
      pool.shutdown();
    }
    Map<String, Object> scenarios = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, Future<Map<String, Object>>> e : running.entrySet()) {
      Map<String, Object> r = e.getValue().get();
      scenarios.put(e.getKey(), r);
      ok &= Boolean.TRUE.equals(r.get("passed"));
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("parallel", Math.min(parallel, names.size()));
    report.put("set_up_ahead", setUpAhead);
    report.put("scenarios", scenarios);
    report.put("seconds", Math.round((System.nanoTime() - t0) / 1e9));
    report.put("passed", ok);
    Files.createDirectories(out);
    JSON.writeValue(out.resolve("chaos.json").toFile(), report);
    System.out.printf("chaos: %s in %d s; wrote %s%n", ok ? "all scenarios passed" : "FAILED",
        report.get("seconds"), out.resolve("chaos.json"));
    return ok;
  }

  // ------------------------------------------------------------------ scenarios

  /**
   * One scenario's set-up at a time: starting Ganache, the service JVMs and signing 5,050
   * contributions are what keep both cores busy, while the load and fault phases mostly wait. So a
   * scenario sets up while those beside it are under load, and no service start-up has to share the
   * machine with another scenario's set-up (a start-up slower than 90 s fails its scenario). Held
   * from the scenario's start (taken for it by {@link #run}) until it is under load.
   */
  private final Semaphore setUpGate = new Semaphore(1);

  /**
   * {@code parallel} scenarios under load and faults at a time. The next scenario's set-up does not
   * wait for one of these to end with {@code -Dchaos.setUpAhead=true} (off by default, and always with
   * {@code parallel} 1: on two cores the set-ups beside two loads took so much longer that the run did too):
   * it runs while they are under load and then waits, set up, for a slot, so the set-ups (most of
   * the run's critical path) follow one another without gaps. Without it, a scenario takes its slot
   * before it sets up, as {@code parallel=1} (one after the other) needs.
   */
  private final Semaphore loadSlots;
  private final boolean setUpAhead;

  /** Called once a scenario is set up: it waits for its load slot (if it has none yet), then lets the next set up. */
  private interface SetUpDone {
    void run() throws InterruptedException;
  }

  private Map<String, Object> scenario(String name) throws Exception {
    AtomicBoolean gateHeld = new AtomicBoolean(true);
    AtomicBoolean slotHeld = new AtomicBoolean(false);
    SetUpDone setUpDone = () -> {
      if (gateHeld.get()) {
        if (!slotHeld.get()) {
          loadSlots.acquire();
          slotHeld.set(true);
        }
        gateHeld.set(false);
        setUpGate.release();
      }
    };
    long t0 = System.nanoTime();
    ScenarioChain chain = null;
    try {
      if (!setUpAhead) {
        loadSlots.acquire();
        slotHeld.set(true);
      }
      DatabaseCoordinates db = database("chaos_" + name);
      chain = new ScenarioChain(name);
      return scenario(name, t0, db, chain, setUpDone);
    } finally {
      if (gateHeld.getAndSet(false)) {
        setUpGate.release();
      }
      if (slotHeld.getAndSet(false)) {
        loadSlots.release();
      }
      List<Service> own; // also when the scenario failed half-way: its services, then its chain
      synchronized (started) {
        own = started.stream().filter(s -> s.name().equals(name)).toList();
      }
      own.stream().filter(s -> s.process().isAlive()).forEach(Service::stop);
      if (chain != null) {
        chain.stop();
      }
    }
  }

  /**
   * Runs a fault or load task on a thread of its own, whatever the size of the common fork-join
   * pool: these tasks sleep and block for minutes, and with scenarios side by side one scenario's
   * task must never queue behind another's.
   */
  private static final Executor OWN_THREAD = task -> {
    Thread t = new Thread(task, "chaos-task");
    t.setDaemon(true);
    t.start();
  };

  private Map<String, Object> scenario(String name, long t0, DatabaseCoordinates db, ScenarioChain chain,
      SetUpDone setUpDone) throws Exception {
    Deployment deployment = deploy(chain);
    List<Service> services = new java.util.concurrent.CopyOnWriteArrayList<>();
    services.add(startService(name, 1, db, chain, deployment));
    if (name.equals("two_instances")) {
      services.add(startService(name, 2, db, chain, deployment));
    }
    LoadClient load = new LoadClient(OPERATOR_TOKEN, SIWE_DOMAIN);
    List<LoadClient.Signed> bodies = load.prepare(services.get(0).base(), deployment, contributions, accounts);
    double setUpSeconds = (System.nanoTime() - t0) / 1e9;
    setUpDone.run();
    System.out.printf("chaos %s: %,d contributions signed by %d contributors (set-up %.1f s, under load after %.1f s)%n",
        name, bodies.size(), accounts, setUpSeconds, (System.nanoTime() - t0) / 1e9);

    Map<String, Object> r = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    LoadClient.Outcome outcome;
    switch (name) {
      case "kill9" -> {
        AtomicInteger kills = new AtomicInteger();
        CompletableFuture<Void> faults = CompletableFuture.runAsync(() -> {
          for (int k = 0; k < 3; k++) {
            sleep(5_000);
            services.get(0).kill();
            kills.incrementAndGet();
            services.set(0, restart(services.get(0), db, chain, deployment));
          }
        }, OWN_THREAD);
        outcome = load.send(bodies, i -> services.get(0).base(), 250, 16, 180);
        faults.get(5, TimeUnit.MINUTES);
        r.put("fault", kills.get() + " x kill -9");
      }
      case "ganache_outage", "ganache_outage_two_endpoints" -> {
        AtomicBoolean chainDownReported = new AtomicBoolean();
        AtomicInteger acknowledgedDuring = new AtomicInteger();
        long[] outageMs = new long[1];
        CompletableFuture<LoadClient.Outcome> sending = CompletableFuture.supplyAsync(() -> {
          try {
            return load.send(bodies, i -> services.get(0).base(), 110, 16, 180);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, OWN_THREAD);
        sleep(5_000);
        if (name.endsWith("two_endpoints")) {
          String before = get(services.get(0).base() + "/health/ready");
          r.put("health_before_outage", before);
          if (!before.contains("\"chain\":\"up\"") || !before.contains("\"state\":\"down\"")) {
            problems.add("health did not show the chain up through the second endpoint with the first down: " + before);
          }
        }
        long downAt = System.nanoTime();
        int beforeCount = countContributions(db);
        chain.down();
        sleep(5_000);
        String health = get(services.get(0).base() + "/health/ready");
        chainDownReported.set(health.contains("\"chain\":\"down\""));
        sleep(27_000);
        acknowledgedDuring.set(countContributions(db) - beforeCount);
        chain.up();
        outageMs[0] = (System.nanoTime() - downAt) / 1_000_000;
        outcome = sending.get(5, TimeUnit.MINUTES);
        r.put("fault", String.format("Ganache down %.1f s", outageMs[0] / 1000.0));
        r.put("outage_s", Math.round(outageMs[0] / 100.0) / 10.0);
        r.put("stored_during_outage", acknowledgedDuring.get());
        r.put("health_during_outage", health);
        if (!chainDownReported.get()) {
          problems.add("health did not report the chain down during the outage: " + health);
        }
        if (acknowledgedDuring.get() <= 0) {
          problems.add("no contribution was stored while the chain was down");
        }
        if (outageMs[0] < 30_000) {
          problems.add("the outage lasted only " + outageMs[0] + " ms");
        }
      }
      case "ganache_reorg_under_load" -> {
        AtomicInteger reorgs = new AtomicInteger();
        AtomicInteger replaced = new AtomicInteger();
        CompletableFuture<Void> faults = CompletableFuture.runAsync(() -> {
          for (int k = 0; k < 3; k++) {
            sleep(3_000);
            String snapshot = rpc(chain, "evm_snapshot", "[]");
            long forkHead = blockNumber(chain);
            sleep(4_000); // anchors sent, mined, recorded and indexed on a branch about to vanish
            long oldHead = blockNumber(chain);
            rpc(chain, "evm_revert", "[" + snapshot + "]");
            while (blockNumber(chain) <= oldHead) {
              rpc(chain, "evm_mine", "[]"); // other blocks at the same heights, and one more
            }
            replaced.addAndGet((int) (oldHead - forkHead));
            reorgs.incrementAndGet();
          }
        }, OWN_THREAD);
        outcome = load.send(bodies, i -> services.get(0).base(), 250, 16, 180);
        faults.get(5, TimeUnit.MINUTES);
        sleep(10_000); // the indexer's rounds find the last replaced blocks before anchoring is awaited
        r.put("fault", reorgs.get() + " x reorganisation");
        r.put("blocks_replaced", replaced.get());
        if (replaced.get() == 0) {
          problems.add("no block was replaced");
        }
      }
      default -> {
        outcome = load.send(bodies, i -> services.get(i % services.size()).base(), 250, 16, 180);
        r.put("fault", "2 instances");
      }
    }
    awaitAnchored(db, 120);
    Figures f = check(db, chain, deployment, outcome.acknowledged());
    services.forEach(Service::stop);

    r.put("acknowledged", outcome.acknowledged().size());
    r.put("anchored_once", f.anchoredOnce());
    r.put("lost", f.lost());
    r.put("duplicated", f.duplicated());
    r.put("orphan_batches", f.orphanBatches());
    r.put("batches", f.batches());
    r.put("stored_not_acknowledged", f.stored() - outcome.acknowledged().size());
    r.put("gas_per_contribution", f.gasPerContribution());
    r.put("refused", outcome.refused());
    if (outcome.firstRefusal() != null) {
      r.put("first_refusal", outcome.firstRefusal());
    }
    r.put("load_seconds", Math.round(outcome.seconds() * 10) / 10.0);
    r.put("seconds", (double) Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
    if (outcome.acknowledged().size() < 5_000) {
      problems.add("only " + outcome.acknowledged().size() + " acknowledged (want 5,000 or more)");
    }
    if (f.lost() != 0 || f.duplicated() != 0 || f.orphanBatches() != 0 || f.anchoredOnce() != outcome.acknowledged().size()) {
      problems.add("lost, duplicated or orphan batches");
    }
    if (f.unanchoredStored() != 0) {
      problems.add(f.unanchoredStored() + " stored contributions are not in an anchored batch");
    }
    r.put("passed", problems.isEmpty());
    if (!problems.isEmpty()) {
      r.put("problems", problems);
    }
    return r;
  }

  // ------------------------------------------------------------------ the check

  private record Figures(long anchoredOnce, long lost, long duplicated, long orphanBatches, long batches, long stored,
      long unanchoredStored, double gasPerContribution) {}

  /**
   * From PostgreSQL and the chain alone: a recorded batch counts when the contract holds its root
   * under its chain batch id with its leaf count and the root recomputed from its members' digests
   * is that root. An acknowledged contribution is anchored once when its batch counts; duplicated
   * counts leaves the chain holds more than once; orphans are on-chain batches no recorded batch
   * explains, plus recorded anchored batches the chain does not confirm.
   */
  private Figures check(DatabaseCoordinates db, ScenarioChain chain, Deployment d, Set<Long> acknowledged)
      throws Exception {
    Web3j web3j = Web3j.build(new HttpService(chain.rpcUrl()));
    try (Connection c = connect(db)) {
      var registry = new ProvenanceRegistryGateway(web3j, Credentials.create(LocalGanache.DEV_ANCHORER_KEY), CHAIN_ID,
          d.provenanceRegistry());
      long onChain = await(registry.batchCount());
      Map<Long, byte[]> recordedRoots = new HashMap<>();
      Map<Long, Long> recordedChainIds = new HashMap<>();
      Map<Long, Integer> recordedCounts = new HashMap<>();
      long gas = 0;
      long leaves = 0;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "select id, root, leaf_count, chain_batch_id, gas_used from anchor_batches where state = 'anchored'")) {
        while (rs.next()) {
          recordedRoots.put(rs.getLong(1), rs.getBytes(2));
          recordedCounts.put(rs.getLong(1), rs.getInt(3));
          recordedChainIds.put(rs.getLong(1), rs.getLong(4));
          gas += rs.getLong(5);
          leaves += rs.getInt(3);
        }
      }
      Map<Long, List<byte[]>> members = new HashMap<>();
      Map<Long, Long> batchOf = new HashMap<>();
      long stored = 0;
      long unanchored = 0;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "select id, digest, batch_id from contributions")) {
        while (rs.next()) {
          stored++;
          long batch = rs.getLong(3);
          if (rs.wasNull() || !recordedRoots.containsKey(batch)) {
            unanchored++;
            continue;
          }
          members.computeIfAbsent(batch, k -> new ArrayList<>()).add(StandardMerkleTree.leafHash(rs.getBytes(2)));
          batchOf.put(rs.getLong(1), batch);
        }
      }
      Set<Long> good = new java.util.HashSet<>();
      long duplicated = 0;
      Map<String, Long> chainRoots = new HashMap<>();
      for (long id = 1; id <= onChain; id++) {
        var batch = await(registry.batch(id));
        String key = Hex.encode(batch.root());
        if (chainRoots.put(key, id) != null) {
          duplicated += batch.leafCount();
        }
      }
      long orphans = 0;
      for (Map.Entry<Long, byte[]> e : recordedRoots.entrySet()) {
        long batch = e.getKey();
        Long chainId = chainRoots.get(Hex.encode(e.getValue()));
        List<byte[]> leafs = members.getOrDefault(batch, List.of());
        boolean matches = chainId != null && chainId.equals(recordedChainIds.get(batch))
            && await(registry.batch(chainId)).leafCount() == recordedCounts.get(batch)
            && leafs.size() == recordedCounts.get(batch)
            && Arrays.equals(StandardMerkleTree.of(leafs).root(), e.getValue());
        if (matches) {
          good.add(batch);
        } else {
          orphans++;
        }
      }
      Set<String> recordedHex = new java.util.HashSet<>();
      recordedRoots.values().forEach(rt -> recordedHex.add(Hex.encode(rt)));
      for (String chainRoot : chainRoots.keySet()) {
        if (!recordedHex.contains(chainRoot)) {
          orphans++;
        }
      }
      // leaves the chain holds in more than one batch: digests shared between good batches
      Set<String> seenLeaves = new java.util.HashSet<>();
      for (Long batch : good) {
        for (byte[] leaf : members.get(batch)) {
          if (!seenLeaves.add(Hex.encode(leaf))) {
            duplicated++;
          }
        }
      }
      long anchoredOnce = acknowledged.stream().filter(id -> batchOf.containsKey(id) && good.contains(batchOf.get(id)))
          .count();
      return new Figures(anchoredOnce, acknowledged.size() - anchoredOnce, duplicated, orphans, onChain, stored,
          unanchored, leaves == 0 ? 0 : Math.round(10.0 * gas / leaves) / 10.0);
    } finally {
      web3j.shutdown();
    }
  }

  private void awaitAnchored(DatabaseCoordinates db, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String sql = "select count(*) from contributions c left join anchor_batches b on b.id = c.batch_id "
        + "where b.state is distinct from 'anchored'";
    while (System.nanoTime() < deadline) {
      try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        if (rs.getLong(1) == 0) {
          return;
        }
      }
      sleep(500);
    }
  }

  /** A raw JSON-RPC call to the scenario's Ganache; the {@code result} as JSON text. */
  private String rpc(ScenarioChain chain, String method, String params) {
    String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}";
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(chain.rpcUrl()))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      var reply = JSON.readTree(response.body());
      if (reply.has("error")) {
        throw new IllegalStateException(method + " failed: " + reply.get("error"));
      }
      return reply.get("result").toString();
    } catch (IOException e) {
      throw new IllegalStateException(method + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private long blockNumber(ScenarioChain chain) {
    return Long.decode(rpc(chain, "eth_blockNumber", "[]").replace("\"", ""));
  }

  private int countContributions(DatabaseCoordinates db) {
    try (Connection c = connect(db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select count(*) from contributions")) {
      rs.next();
      return rs.getInt(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ processes

  /** A service process: {@code io.labelledger.App} on the harness's PostgreSQL and Ganache. */
  private record Service(String name, int instance, int generation, int port, Process process) {
    String base() {
      return "http://127.0.0.1:" + port;
    }

    void kill() {
      process.destroyForcibly(); // SIGKILL: no shutdown hook runs
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void stop() {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          kill();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final List<Service> started = new ArrayList<>();

  private Service startService(String name, int instance, DatabaseCoordinates db, ScenarioChain chain, Deployment d)
      throws Exception {
    return launch(name, instance, 1, ports.next(), db, chain, d);
  }

  private Service restart(Service old, DatabaseCoordinates db, ScenarioChain chain, Deployment d) {
    try {
      return launch(old.name(), old.instance(), old.generation() + 1, old.port(), db, chain, d);
    } catch (Exception e) {
      throw new IllegalStateException("cannot restart " + old.name(), e);
    }
  }

  private Service launch(String name, int instance, int generation, int port, DatabaseCoordinates db,
      ScenarioChain chain, Deployment d) throws Exception {
    Path data = root.resolve(name + "-" + instance);
    Files.createDirectories(data);
    d.write(data.resolve("deployment.json"));
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "io.labelledger.App");
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("LABELLEDGER_"));
    env.putAll(BenchService.onLoopback(data, port, SIWE_DOMAIN, OPERATOR_TOKEN));
    env.put("LABELLEDGER_DB_URL", db.jdbcUrl());
    env.put("LABELLEDGER_DB_USER", db.user());
    env.put("LABELLEDGER_DB_PASSWORD_FILE", postgres.passwordFile().toString());
    env.put("LABELLEDGER_DB_POOL_SIZE", "8");
    env.put("LABELLEDGER_RPC_URL", (name.endsWith("two_endpoints") ? "http://127.0.0.1:" + chain.deadPort() + "," : "")
        + chain.rpcUrl());
    env.put("LABELLEDGER_CHAIN_ID", Long.toString(CHAIN_ID));
    env.put("LABELLEDGER_RELAYER_KEY", LocalGanache.DEV_OPERATOR_KEY);
    env.put("LABELLEDGER_ANCHORER_KEY", LocalGanache.DEV_ANCHORER_KEY);
    env.put("LABELLEDGER_RELAY_INTERVAL_MS", "200");
    env.put("LABELLEDGER_INDEX_INTERVAL_MS", "500");
    env.put("LABELLEDGER_ANCHOR_INTERVAL_MS", "200");
    env.put("LABELLEDGER_ANCHOR_MAX_BATCH_SIZE", "256");
    env.put("LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "1000");
    env.put("LABELLEDGER_ANCHOR_REPLACE_AFTER_MS", "5000");
    File log = root.resolve("logs").resolve(name + "-" + instance + "-" + generation + ".log").toFile();
    Process p = pb.redirectErrorStream(true).redirectOutput(log).start();
    Service s = new Service(name, instance, generation, port, p);
    synchronized (started) {
      started.add(s);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException(name + " instance " + instance + " exited at start; see " + log);
      }
      try {
        HttpResponse<String> live = http.send(HttpRequest.newBuilder(URI.create(s.base() + "/health/live"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (live.statusCode() == 200) {
          return s;
        }
      } catch (IOException notYet) {
        // still starting
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " instance " + instance + " did not start in 90 s; see " + log);
      }
      sleep(200);
    }
  }

  private Deployment deploy(ScenarioChain chain) throws Exception {
    Web3j web3j = Web3j.build(new HttpService(chain.rpcUrl()));
    try {
      Credentials operator = Credentials.create(LocalGanache.DEV_OPERATOR_KEY);
      var tx = new FastRawTransactionManager(web3j, operator, CHAIN_ID, new PollingTransactionReceiptProcessor(web3j,
          100, 600));
      return new ContractDeployer(web3j, tx, new StaticGasProvider(java.math.BigInteger.valueOf(1_000_000_000L),
          java.math.BigInteger.valueOf(8_000_000))).deployAll(operator,
          Credentials.create(LocalGanache.DEV_ANCHORER_KEY).getAddress(), CHAIN_ID, 500);
    } finally {
      web3j.shutdown();
    }
  }

  private DatabaseCoordinates database(String name) throws Exception {
    DatabaseCoordinates admin = postgres.coordinates();
    try (Connection c = connect(admin); Statement s = c.createStatement()) {
      s.execute("create database " + name);
    }
    return admin.withDatabase(name);
  }

  private static Connection connect(DatabaseCoordinates db) throws Exception {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password() == null ? null : db.password().reveal());
  }

  private String get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (Exception e) {
      return "unreachable: " + e;
    }
  }

  private synchronized void stopAll() {
    synchronized (started) {
      started.forEach(s -> {
        if (s.process().isAlive()) {
          s.stop();
        }
      });
    }
    chains.forEach(ScenarioChain::stop);
    if (postgres != null) {
      postgres.close();
      postgres = null;
    }
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * A scenario's own chain: a Ganache process on a port of its own with its state in a directory of
   * its own, so that stopping it (the outages) or reverting it (the reorganisation) reaches that
   * scenario's services only. The dead port (the first, never-answering endpoint of the two-endpoint
   * scenario) is held by a socket that is bound but never listens, so connections to it are refused
   * and no other process can take that port while the scenario runs.
   */
  private final class ScenarioChain {
    private final int port;
    private final Path dir;
    private final Socket dead = new Socket();
    private volatile LocalGanache node;

    ScenarioChain(String name) throws IOException {
      chains.add(this);
      this.port = ports.next();
      this.dir = root.resolve("chain-" + name);
      dead.bind(new InetSocketAddress("127.0.0.1", ports.next()));
      up();
    }

    String rpcUrl() {
      return "http://127.0.0.1:" + port;
    }

    int deadPort() {
      return dead.getLocalPort();
    }

    /** Starts this scenario's Ganache on its port and directory (again after {@link #down}, with its state). */
    void up() throws IOException {
      node = LocalGanache.start(nodeDir, port, dir);
    }

    /** Stops this scenario's Ganache process, and only it. */
    synchronized void down() {
      LocalGanache running = node;
      node = null;
      if (running != null) {
        running.close();
      }
    }

    void stop() {
      down();
      try {
        dead.close();
      } catch (IOException ignored) {
        // nothing to release
      }
    }
  }

  /**
   * Ports: consecutive from a base (a fixed range for shared machines), or free ones when the base
   * is 0. Never the same port twice in one run, so a scenario's port (its Ganache's while that is
   * stopped, a killed service's before its restart) cannot be handed to a concurrent scenario.
   */
  private static final class PortRange {
    private int next;
    private final Set<Integer> given = new java.util.HashSet<>();

    PortRange(int base) {
      this.next = base;
    }

    synchronized int next() throws IOException {
      if (next == 0) {
        int port = freePort();
        while (!given.add(port)) {
          port = freePort();
        }
        return port;
      }
      return next++;
    }
  }
}
