package io.labelledger.bench;

import static io.labelledger.ops.LocalFiles.freePort;

import io.labelledger.App;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The service under benchmark as a child process ({@code io.labelledger.App} on embedded defaults:
 * its own PostgreSQL and Ganache in the data directory), with its log in {@code service.log} there.
 * Shared by the benches that measure the service over loopback from a separate JVM, so that its CPU
 * time and memory can be read apart from the client's ({@code /proc/PID/...}).
 */
record BenchService(Process process, Path data) {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Where the service listens and keeps its data: {@code LABELLEDGER_*} ports (free ones when unset). */
  record Where(Path data, int httpPort, int dbPort, int chainPort) {
    /** Ports from the environment (free ones when unset); data in {@code sub} of LABELLEDGER_DATA_DIR or {@code out}. */
    static Where fromEnvironment(Path out, String sub) throws IOException {
      Map<String, String> env = System.getenv();
      Path data = (env.containsKey("LABELLEDGER_DATA_DIR") ? Path.of(env.get("LABELLEDGER_DATA_DIR")) : out)
          .resolve(sub).toAbsolutePath();
      return new Where(data, port(env, "LABELLEDGER_HTTP_PORT"), port(env, "LABELLEDGER_DB_EMBEDDED_PORT"),
          port(env, "LABELLEDGER_CHAIN_PORT"));
    }

    private static int port(Map<String, String> env, String name) throws IOException {
      String v = env.get(name);
      return v == null || v.isBlank() ? freePort() : Integer.parseInt(v.trim());
    }

    String base() {
      return "http://127.0.0.1:" + httpPort;
    }

    String siweDomain() {
      return "127.0.0.1:" + httpPort;
    }

    /**
     * The service's environment: embedded defaults except the ports, the data directory, the SIWE
     * domain (the service's address here), the operator token, the per-IP rate limits (every
     * client of a bench is 127.0.0.1, and anonymous sign-in is limited per IP) and, for set-up only,
     * the consent relay interval and batch size, the index interval and the lease time.
     */
    Map<String, String> environment(String operatorToken) {
      Map<String, String> env = new HashMap<>(onLoopback(data, httpPort, siweDomain(), operatorToken));
      env.put("LABELLEDGER_DB_EMBEDDED_PORT", Integer.toString(dbPort));
      env.put("LABELLEDGER_CHAIN_PORT", Integer.toString(chainPort));
      // Ganache estimates the gas of a relayed batch by running it repeatedly (100 ecrecovers each
      // time); on a busy machine that outlasts the RPC client's timeout, so set-up relays smaller ones
      env.put("LABELLEDGER_RELAY_BATCH_SIZE", "20");
      env.put("LABELLEDGER_RELAY_INTERVAL_MS", "250");
      env.put("LABELLEDGER_INDEX_INTERVAL_MS", "250");
      // every task is leased before the timed phase starts; on a busy machine leasing them all can
      // take longer than the default lease (10 min), and a lease expiring before its answer is sent
      // would be refused (LEASE_EXPIRED): the benches measure ingestion, not the lease time
      env.put("LABELLEDGER_LEASE_TTL_SECONDS", "7200");
      return env;
    }
  }

  /**
   * What every bench tells the service it starts about where it runs: its data directory, its HTTP
   * address on loopback, its SIWE domain and operator token, and the per-IP rate limits lifted (every
   * client of a bench is 127.0.0.1, and anonymous sign-in is limited per IP). The rest (database,
   * chain, worker intervals) is each bench's own.
   */
  static Map<String, String> onLoopback(Path data, int httpPort, String siweDomain, String operatorToken) {
    return Map.of(
        "LABELLEDGER_DATA_DIR", data.toString(),
        "LABELLEDGER_HTTP_HOST", "127.0.0.1",
        "LABELLEDGER_HTTP_PORT", Integer.toString(httpPort),
        "LABELLEDGER_SIWE_DOMAIN", siweDomain,
        "LABELLEDGER_OPERATOR_TOKEN", operatorToken,
        "LABELLEDGER_RATE_LIMIT_PER_SECOND", "1000000",
        "LABELLEDGER_RATE_LIMIT_BURST", "1000000");
  }

  static BenchService start(Map<String, String> env, Path data, Path nodeDir, List<String> javaOpts)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOpts);
    command.add("-Dlabelledger.nodeDir=" + nodeDir.toAbsolutePath());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(App.class.getName());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(data.resolve("service.log").toFile()));
    // embedded defaults: nothing of the caller's LABELLEDGER_* configuration leaks in
    pb.environment().keySet().removeIf(k -> k.startsWith("LABELLEDGER_"));
    pb.environment().putAll(env);
    Process process = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "bench-stop-service"));
    System.out.printf("service: pid %d, log in %s%n", process.pid(), data.resolve("service.log"));
    return new BenchService(process, data);
  }

  long pid() {
    return process.pid();
  }

  /** The embedded PostgreSQL's postmaster, from its pid file. */
  long postgresPid() throws IOException {
    return Long.parseLong(Files.readAllLines(data.resolve("postgres").resolve("postmaster.pid")).get(0).trim());
  }

  /** Waits until {@code /health/ready} answers 200 (at most 5 minutes), failing if the process exits. */
  void awaitReady(String base) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (true) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the service exited; see " + data.resolve("service.log"));
      }
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the service was not ready within 5 minutes");
      }
      Thread.sleep(250);
    }
  }

  /**
   * A crash: SIGKILL of the service JVM (no shutdown hook runs) and of its embedded PostgreSQL's
   * postmaster, which outlives the JVM that started it and would keep the data directory locked
   * against the restart (its backends exit when they see it gone; with fsync on, what was committed
   * survives). Ganache, the JVM's child, exits by itself when its stdin closes. Returns once all of
   * them are gone (each waited for at most 60 s, then killed).
   */
  void crash() throws IOException {
    long postmaster = postgresPid();
    List<ProcessHandle> others = new ArrayList<>(process.descendants().toList());
    ProcessHandle.of(postmaster).ifPresent(pg -> {
      others.addAll(pg.children().toList());
      others.add(pg);
    });
    process.destroyForcibly();
    ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
    awaitExit(process.toHandle());
    others.forEach(BenchService::awaitExit);
  }

  private static void awaitExit(ProcessHandle p) {
    try {
      p.onExit().get(60, TimeUnit.SECONDS);
    } catch (Exception stillThere) {
      p.destroyForcibly();
    }
  }

  void stop() throws InterruptedException {
    process.destroy(); // SIGTERM: the service's shutdown hook stops its PostgreSQL and Ganache
    if (!process.waitFor(90, TimeUnit.SECONDS)) {
      System.err.println("service did not stop within 90 s; killing it");
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
