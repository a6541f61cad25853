package io.labelledger.bench;

import static io.labelledger.ops.LocalFiles.deleteRecursively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.blob.Blob;
import io.labelledger.blob.BlobHasher;
import io.labelledger.blob.BlobId;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.Eip712;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.db.EmbeddedDatabase;
import io.labelledger.demo.StoryHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * {@code scripts/bench upload}: contributed files uploaded and signed over loopback, the service in its
 * own process on embedded defaults with the filesystem blob store (its own PostgreSQL and Ganache in a
 * fresh data directory). {@code clients} contributors sign in with SIWE and consent through the real
 * relay-and-index flow, and lease their tasks (untimed set-up); then each client, one file at a time,
 * uploads a generated file ({@code POST /api/campaigns/{id}/uploads}), checks the hashes the service
 * returns against its own, signs the returned answer and submits it ({@code POST /api/contributions}).
 * A file counts as acknowledged when both are accepted.
 *
 * <p>Files are seeded: text/plain (printable ASCII) and audio/wav (16 kHz 16-bit mono noise) alternately.
 * Before each pass the client writes that pass's files to its own directory and hashes them (untimed,
 * reported apart): generating and hashing what is sent is the client's work, and on one machine it
 * would take CPU from the service while the service is measured. The passes:
 *
 * <ol>
 *   <li>warm-up, small: {@code --warm-up-files} files of {@code --warm-up-kb} (untimed): a request's
 *       code is compiled fully by the JIT only after thousands of calls, and a benchmark measures the
 *       steady state;
 *   <li>small: {@code --small-files} files of {@code --small-kb} each (timed);
 *   <li>warm-up, mixed: {@code --warm-up-mixed-files} files of the mixed sizes (untimed; after the small
 *       pass, so that no large file has been through the service before the small pass's memory peak);
 *   <li>mixed: {@code --files} files of log-uniform sizes from {@code --min-kb} to {@code --max-kb}
 *       (timed): the throughput figures;
 *   <li>crash: {@code --crash-files} more files of the mixed sizes; once half of them are acknowledged
 *       the service is killed with SIGKILL (with its embedded PostgreSQL: see {@link BenchService#crash})
 *       and restarted on the same data directory, the clients retrying what was not acknowledged.
 * </ol>
 *
 * Then every file acknowledged in any pass is checked: its blob is under its keccak256 in the store's
 * directory with bytes that hash to it, and PostgreSQL holds the accepted contribution with the
 * acknowledged answer; {@code lost} counts those that fail. The service's resident memory is sampled
 * from {@code /proc/PID/status} (VmRSS every 50 ms, and VmHWM) in each pass, so the small-file and the
 * mixed pass's peaks show whether memory grows with file size; CPU time from {@code /proc/PID/stat}.
 *
 * <p>Settings that differ from the defaults, besides those of {@link BenchService.Where#environment}:
 * {@code LABELLEDGER_BLOB_UPLOADS_PER_HOUR} (each client uploads far more than 120 files an hour) and
 * {@code LABELLEDGER_SUBMITTED_AT_SKEW_SECONDS} (an answer signed before the crash is re-sent unchanged
 * after the restart), both printed with the figures.
 */
public final class UploadBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OPERATOR = "bench-operator-token-" + Long.toHexString(System.nanoTime());
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private static final long RETRY_PAUSE_MS = 250;
  private static final long GIVE_UP_SECONDS = 600;
  private static final int WAV_HEADER = 44;
  private static final int WAV_BYTE_RATE = 32_000; // 16 kHz, 16-bit, mono
  /** The service settings the bench changes from the defaults (besides ports, data and set-up timers). */
  private static final Map<String, String> SETTINGS = Map.of(
      "LABELLEDGER_BLOB_UPLOADS_PER_HOUR", "1000000",
      "LABELLEDGER_SUBMITTED_AT_SKEW_SECONDS", "3600");

  /** The bench's settings; each has a flag ({@code --files 400}) and a default. */
  record Options(int files, int clients, int warmUpFiles, int warmUpKb, int warmUpMixedFiles, int smallFiles,
      int smallKb, int crashFiles, int minKb, int maxKb, long seed, Path out, Path nodeDir,
      List<String> serviceJavaOpts, Map<String, String> serviceEnv) {
    static Options parse(String[] args) {
      BenchFlags flags = new BenchFlags(args);
      Options o = new Options(flags.integer("files", 400), flags.integer("clients", 16),
          flags.integer("warm-up-files", 3000), flags.integer("warm-up-kb", 4),
          flags.integer("warm-up-mixed-files", 100), flags.integer("small-files", 200), flags.integer("small-kb", 100),
          flags.integer("crash-files", 100),
          flags.integer("min-kb", 100), flags.integer("max-kb", 5 * 1024), flags.integer("seed", 1),
          flags.path(0, "target/bench"), flags.path(1, "node"), flags.serviceJavaOpts(), flags.serviceEnv());
      flags.requireAllTaken("--files --clients --warm-up-files --warm-up-kb --warm-up-mixed-files --small-files"
          + " --small-kb --crash-files --min-kb --max-kb --seed --service-java-opts --service-env");
      BenchFlags.require(o.files > 0 && o.clients > 0 && o.smallFiles > 0 && o.crashFiles >= 0
          && o.warmUpFiles >= 0 && o.warmUpKb > 0 && o.warmUpMixedFiles >= 0,
          "sizes must be positive");
      BenchFlags.require(o.minKb > 0 && o.maxKb >= o.minKb && o.smallKb > 0, "need 0 < --min-kb <= --max-kb");
      return o;
    }

    int maxBytes() {
      return Math.max(maxKb, smallKb) * 1024;
    }
  }

  /** One file to send: its place in the run (the seed of its bytes), its length and kind. */
  record FileSpec(int index, long bytes, boolean wav) {
    String mediaType() {
      return wav ? "audio/wav" : "text/plain";
    }
  }

  /** A leased task and who holds it. */
  private record Lease(BenchContributors.Contributor contributor, ObjectNode typedData) {}

  /** An acknowledged file: its hash, length, and the contribution that names it. */
  record Acked(String file, long bytes, long contributionId, String answer) {}

  private final Options options;
  private final BenchService.Where where;
  private final Map<String, String> env;
  private final AtomicReference<BenchService> service = new AtomicReference<>();
  /** Requests that failed and were sent again (the service down, restarting or overloaded). */
  private final AtomicInteger retries = new AtomicInteger();
  private StoryHttp api;
  private Eip712.Domain domain;

  private UploadBench(Options options, BenchService.Where where) {
    this.options = options;
    this.where = where;
    this.env = where.environment(OPERATOR);
    env.putAll(SETTINGS);
    env.putAll(options.serviceEnv());
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    try {
      long lost = new UploadBench(options, BenchService.Where.fromEnvironment(options.out(), "bench-upload")).run();
      System.exit(lost == 0 ? 0 : 1); // a lost file fails the run, as scripts/chaos fails on a lost contribution
    } catch (Exception | Error e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** Runs the passes, prints and writes the figures; returns how many acknowledged files were lost. */
  private long run() throws Exception {
    deleteRecursively(where.data());
    Files.createDirectories(where.data());
    api = new StoryHttp(where.base());
    service.set(BenchService.start(env, where.data(), options.nodeDir(), options.serviceJavaOpts()));
    try {
      service.get().awaitReady(where.base());
      Map<String, Object> figures = measure();
      BenchReport.printAndWrite(figures, options.out(), "upload");
      return (Long) figures.get("lost");
    } finally {
      service.get().stop();
      deleteRecursively(clientFiles());
    }
  }

  private Map<String, Object> measure() throws Exception {
    long t0 = System.nanoTime();
    Deployment deployment = Deployment.read(where.data().resolve("deployment.json"));
    domain = ContributionMessage.domain(deployment.chainId(), deployment.provenanceRegistry());
    String terms = api.post("/api/terms", Map.of("text", "Bench terms: my files may be sold for training."), OPERATOR)
        .success("terms").json().get("termsHash").asText();

    // the passes in order; file i of the run is seeded by i, so the files do not depend on the other passes' sizes
    // (the warm-up draws its sizes from a stream of its own: the mixed and crash passes' sizes stay the same)
    int[] index = {0};
    SplittableRandom sizes = new SplittableRandom(options.seed());
    SplittableRandom warmUpSizes = new SplittableRandom(~options.seed());
    List<FileSpec> warmUpSmall = repeat(options.warmUpFiles(), () -> spec(index, options.warmUpKb() * 1024L));
    List<FileSpec> small = repeat(options.smallFiles(), () -> spec(index, options.smallKb() * 1024L));
    List<FileSpec> warmUpMixed = repeat(options.warmUpMixedFiles(), () -> spec(index, mixedSize(warmUpSizes)));
    List<FileSpec> mixed = repeat(options.files(), () -> spec(index, mixedSize(sizes)));
    List<FileSpec> crash = repeat(options.crashFiles(), () -> spec(index, mixedSize(sizes)));

    // files go round-robin to the clients pass by pass: a client leases at most this many
    int perClient = perClient(warmUpSmall.size()) + perClient(small.size()) + perClient(warmUpMixed.size())
        + perClient(mixed.size()) + perClient(crash.size());
    long campaign = campaign(terms, perClient * options.clients());
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, options.clients()));
    List<BenchContributors.Contributor> crowd;
    List<List<Lease>> leases;
    try {
      crowd = new BenchContributors(api).enrol(pool, options.clients(), terms, where.siweDomain(), deployment);
      leases = BenchContributors.parallel(pool, options.clients(), i -> lease(campaign, crowd.get(i), perClient));
    } finally {
      pool.shutdown();
    }
    System.out.printf("set-up: %d clients signed in, consented and leased %,d tasks (%.1f s)%n", options.clients(),
        perClient * options.clients(), BenchReport.secondsSince(t0));
    // each client takes its leases in order, pass after pass
    List<Iterator<Lease>> byClient = leases.stream().map(List::iterator).toList();

    Map<String, Object> r = new LinkedHashMap<>();
    r.put("clients", options.clients());
    r.put("store", "fs (data/blobs)");
    r.put("service_settings", SETTINGS);
    List<Acked> acked = new ArrayList<>();
    acked.addAll(warmUp("warm_up_small", warmUpSmall, byClient, r));
    Pass smallPass = timed("small", small, byClient, r);
    // after the small pass, so that no large file has touched memory before the small pass's peak is taken
    acked.addAll(warmUp("warm_up_mixed", warmUpMixed, byClient, r));
    Pass mixedPass = timed("mixed", mixed, byClient, r);
    double peakRatio = smallPass.peakRssKib() == 0 ? 0 : (double) mixedPass.peakRssKib() / smallPass.peakRssKib();
    r.put("rss_peak_mixed_over_small", Math.round(peakRatio * 100) / 100.0);

    acked.addAll(smallPass.acked());
    acked.addAll(mixedPass.acked());
    if (!crash.isEmpty()) {
      Pass crashPass = crashed(generate("crash", crash), byClient, r);
      acked.addAll(crashPass.acked());
    }
    r.put("acknowledged", acked.size());
    r.put("lost", (long) acked.size() - verify(acked));
    r.put("cpus", Runtime.getRuntime().availableProcessors());
    return r;
  }

  /** The next file of the run: WAV and text alternately; WAV lengths are whole 16-bit samples. */
  private static FileSpec spec(int[] index, long bytes) {
    int i = index[0]++;
    boolean wav = i % 2 == 0;
    return new FileSpec(i, wav ? bytes & ~1L : bytes, wav);
  }

  /** Log-uniform from {@code --min-kb} to {@code --max-kb}. */
  private long mixedSize(SplittableRandom random) {
    double logMin = Math.log(options.minKb() * 1024.0);
    double logMax = Math.log(options.maxKb() * 1024.0);
    return Math.round(Math.exp(logMin + random.nextDouble() * (logMax - logMin)));
  }

  private static List<FileSpec> repeat(int n, Supplier<FileSpec> next) {
    List<FileSpec> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(next.get());
    }
    return out;
  }

  /**
   * An untimed pass that brings the service's JIT to its steady state before a timed one (a request's code
   * is compiled fully only after thousands of calls); its files are checked for loss like every other.
   */
  private List<Acked> warmUp(String name, List<FileSpec> files, List<Iterator<Lease>> byClient,
      Map<String, Object> r) throws Exception {
    if (files.isEmpty()) {
      return List.of();
    }
    Pass warm = send(generate(name, files), byClient, () -> { });
    r.put(name + "_files", files.size());
    r.put(name + "_acknowledged", warm.acked().size());
    r.put(name + "_retried_requests", retries.getAndSet(0));
    System.out.printf("%s: %,d files, %,d acknowledged (untimed)%n", name, files.size(), warm.acked().size());
    return warm.acked();
  }

  private int perClient(int files) {
    return (files + options.clients() - 1) / options.clients();
  }

  // ------------------------------------------------------------------ passes

  private record Pass(List<Acked> acked, int refused, String firstRefusal, double seconds, double[] latencyMs,
      long peakRssKib) {}

  /** A timed pass: throughput, latency, CPU per GB and per file, resident memory. */
  private Pass timed(String name, List<FileSpec> specs, List<Iterator<Lease>> byClient,
      Map<String, Object> r) throws Exception {
    List<ClientFile> files = generate(name, specs);
    BenchService s = service.get();
    ProcessCpu before = ProcessCpu.read(s.pid(), s.postgresPid());
    Pass p;
    try (RssSampler rss = new RssSampler(service)) {
      p = send(files, byClient, () -> { });
      p = new Pass(p.acked(), p.refused(), p.firstRefusal(), p.seconds(), p.latencyMs(), rss.peakKib());
    }
    ProcessCpu after = ProcessCpu.read(s.pid(), s.postgresPid());
    long bytes = p.acked().stream().mapToLong(Acked::bytes).sum();
    int n = p.acked().size();
    String k = name + "_";
    r.put(k + "files", files.size());
    r.put(k + "acknowledged", n);
    r.put(k + "refused", p.refused());
    r.put(k + "retried_requests", retries.getAndSet(0));
    r.put(k + "first_refusal", p.firstRefusal());
    r.put(k + "mb", Math.round(bytes / 1e5) / 10.0);
    r.put(k + "seconds", Math.round(p.seconds() * 100) / 100.0);
    r.put(k + "mb_per_s", Math.round(bytes / 1e5 / p.seconds()) / 10.0);
    r.put(k + "files_per_s", Math.round(n * 10 / p.seconds()) / 10.0);
    r.put(k + "p50_ms", BenchReport.percentile(p.latencyMs(), 0.50));
    r.put(k + "p99_ms", BenchReport.percentile(p.latencyMs(), 0.99));
    long serviceTicks = after.service() - before.service();
    r.put(k + "service_cpu_s_per_gb", bytes == 0 ? 0
        : Math.round(serviceTicks * 1e9 / ProcessCpu.TICKS_PER_SECOND / bytes * 100) / 100.0);
    r.put(k + "service_cpu_ms_per_file", ProcessCpu.microsPer(serviceTicks, n) / 1000.0);
    r.put(k + "postgres_cpu_ms_per_file", ProcessCpu.microsPer(after.postgres() - before.postgres(), n) / 1000.0);
    r.put(k + "client_cpu_ms_per_file", ProcessCpu.microsPer(after.client() - before.client(), n) / 1000.0);
    r.put(k + "service_rss_peak_mib", Math.round(p.peakRssKib() / 102.4) / 10.0);
    r.put(k + "service_vm_hwm_mib", Math.round(ProcessCpu.statusKib(s.pid(), "VmHWM") / 102.4) / 10.0);
    r.put(k + "load_average_before", before.loadAverage());
    System.out.printf("%s: %,d files, %,d acknowledged, %.1f MB/s, %.1f files/s, p99 %.0f ms, "
        + "service RSS peak %.0f MiB%n", name, files.size(), n, r.get(k + "mb_per_s"), r.get(k + "files_per_s"),
        r.get(k + "p99_ms"),
        r.get(k + "service_rss_peak_mib"));
    return p;
  }

  /** The crash pass: once half the files are acknowledged, kill -9 and restart; the clients retry meanwhile. */
  private Pass crashed(List<ClientFile> files, List<Iterator<Lease>> byClient, Map<String, Object> r)
      throws Exception {
    AtomicLong downMs = new AtomicLong();
    AtomicBoolean killed = new AtomicBoolean();
    CompletableFuture<Void> restarted = new CompletableFuture<>();
    // called by a client after each acknowledgement from half of the files on: crashes once, off the client's thread
    Pass p = send(files, byClient, () -> {
      if (killed.compareAndSet(false, true)) {
        new Thread(() -> crashAndRestart(restarted, downMs), "bench-crash").start();
      }
    }, files.size() / 2);
    if (!killed.get()) {
      throw new IllegalStateException("the crash pass never reached half of its files acknowledged: "
          + p.firstRefusal());
    }
    restarted.get(10, TimeUnit.MINUTES); // the check reads the restarted service's database
    r.put("crash_files", files.size());
    r.put("crash_acknowledged", p.acked().size());
    r.put("crash_refused", p.refused());
    r.put("crash_killed_once_acknowledged", files.size() / 2);
    r.put("crash_retried_requests", retries.getAndSet(0));
    r.put("crash_first_refusal", p.firstRefusal());
    r.put("crash_restart_seconds", downMs.get() / 1000.0);
    r.put("crash_seconds", Math.round(p.seconds() * 100) / 100.0);
    System.out.printf("crash: %,d files, %,d acknowledged across a kill -9 and restart (down %.1f s)%n", files.size(),
        p.acked().size(), downMs.get() / 1000.0);
    return p;
  }

  /** kill -9 of the service (see {@link BenchService#crash}), then a restart on the same data directory. */
  private void crashAndRestart(CompletableFuture<Void> restarted, AtomicLong downMs) {
    try {
      long t = System.nanoTime();
      service.get().crash();
      System.out.printf("crash: service killed with SIGKILL (and its PostgreSQL); restarting%n");
      BenchService next = BenchService.start(env, where.data(), options.nodeDir(), options.serviceJavaOpts());
      service.set(next);
      next.awaitReady(where.base());
      downMs.set((System.nanoTime() - t) / 1_000_000);
      restarted.complete(null);
    } catch (Exception e) {
      restarted.completeExceptionally(e);
    }
  }

  private Pass send(List<ClientFile> files, List<Iterator<Lease>> byClient, Runnable afterEach)
      throws Exception {
    return send(files, byClient, afterEach, 0);
  }

  /**
   * Sends the files from one thread per client (file i by client i mod clients, on that client's next
   * lease), each retried until acknowledged or refused; {@code afterEach} runs once {@code trigger}
   * files are acknowledged, and after every one from then on.
   */
  private Pass send(List<ClientFile> files, List<Iterator<Lease>> byClient, Runnable afterEach, int trigger)
      throws Exception {
    int clients = options.clients();
    List<List<Lease>> assigned = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      assigned.add(new ArrayList<>());
    }
    for (int i = 0; i < files.size(); i++) {
      assigned.get(i % clients).add(byClient.get(i % clients).next());
    }
    ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
    double[] latency = new double[files.size()];
    AtomicInteger refused = new AtomicInteger();
    AtomicReference<String> firstRefusal = new AtomicReference<>();
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      running.add(threads.submit(() -> {
        for (int k = 0; k * clients + client < files.size(); k++) {
          int i = k * clients + client;
          long t = System.nanoTime();
          try {
            acked.add(deliver(files.get(i), assigned.get(client).get(k)));
            latency[i] = (System.nanoTime() - t) / 1e6;
            if (acked.size() >= trigger) {
              afterEach.run();
            }
          } catch (Refused e) {
            refused.incrementAndGet();
            firstRefusal.compareAndSet(null, e.getMessage());
            latency[i] = Double.NaN;
          }
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    double seconds = BenchReport.secondsSince(start);
    threads.shutdown();
    double[] measured = Arrays.stream(latency).filter(x -> !Double.isNaN(x)).toArray();
    return new Pass(new ArrayList<>(acked), refused.get(), firstRefusal.get(), seconds, measured, 0);
  }

  /** A refusal that retrying does not change (4xx other than 429, a hash mismatch, or no answer in 10 min). */
  private static final class Refused extends Exception {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Upload, check the returned hashes, sign the returned answer, submit: each step retried on a
   * connection failure, a 5xx or a 429 (the service down or restarting); the signed body is built
   * once and re-sent as it is, so a contribution accepted just before a crash is answered as a repeat.
   */
  private Acked deliver(ClientFile file, Lease lease) throws Exception {
    FileSpec spec = file.spec();
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS);
    String token = lease.contributor().token();
    long itemId = lease.typedData().get("message").get("itemId").asLong();
    long campaignId = lease.typedData().get("message").get("campaignId").asLong();
    JsonNode uploaded = null;
    while (uploaded == null) {
      HttpRequest request = HttpRequest.newBuilder(URI.create(where.base() + "/api/campaigns/" + campaignId
              + "/uploads?itemId=" + itemId))
          .timeout(Duration.ofSeconds(120)).header("Authorization", "Bearer " + token)
          .header("Content-Type", spec.mediaType())
          .POST(HttpRequest.BodyPublishers.ofFile(file.path()))
          .build();
      uploaded = attempt(request, giveUp, "upload");
      if (uploaded != null) {
        Blob sent = file.hashes();
        if (!uploaded.path("file").asText().equals(sent.id().hex())
            || !uploaded.path("sha256").asText().equals(sent.sha256())
            || uploaded.path("bytes").asLong() != spec.bytes()) {
          throw new Refused("file " + spec.index() + ": the service answered " + uploaded + " for bytes hashing to "
              + sent.id() + " / " + sent.sha256());
        }
      }
    }
    String answer = uploaded.get("answer").asText();
    ObjectNode typed = lease.typedData().deepCopy();
    ((ObjectNode) typed.get("message")).put("answer", answer);
    byte[] signed = BenchContributors.signedContribution(typed, lease.contributor().key(),
        Instant.now().getEpochSecond(), domain);
    JsonNode accepted = null;
    while (accepted == null) {
      accepted = attempt(HttpRequest.newBuilder(URI.create(where.base() + "/api/contributions"))
          .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(signed)).build(),
          giveUp, "contribution");
    }
    return new Acked(uploaded.get("file").asText(), spec.bytes(), accepted.get("id").asLong(), answer);
  }

  /** The reply's JSON on 2xx; null when it should be retried (after a pause); {@link Refused} otherwise. */
  private JsonNode attempt(HttpRequest request, long giveUp, String step) throws Exception {
    try {
      HttpResponse<String> reply = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      int status = reply.statusCode();
      if (status / 100 == 2) {
        return JSON.readTree(reply.body());
      }
      if (status < 500 && status != 429) {
        throw new Refused(step + ": " + status + " " + reply.body());
      }
    } catch (IOException retried) {
      // the service is down or was killed mid-request
    }
    if (System.nanoTime() > giveUp) {
      throw new Refused(step + ": not acknowledged within " + GIVE_UP_SECONDS + " s");
    }
    retries.incrementAndGet();
    Thread.sleep(RETRY_PAUSE_MS);
    return null;
  }

  /** A generated file on the client's disk, with the hashes of its bytes. */
  private record ClientFile(FileSpec spec, Path path, Blob hashes) {}

  /**
   * Writes a pass's files to the client's directory (emptied first) before the pass starts, hashing them
   * as they are written: generating and hashing what is sent is the client's work, not the service's,
   * and on one machine it would otherwise take CPU from the service while it is measured.
   */
  private List<ClientFile> generate(String pass, List<FileSpec> specs) throws IOException {
    Path dir = clientFiles();
    deleteRecursively(dir);
    Files.createDirectories(dir);
    long t = System.nanoTime();
    List<ClientFile> files = new ArrayList<>(specs.size());
    long bytes = 0;
    for (FileSpec spec : specs) {
      Path path = dir.resolve(pass + "-" + spec.index() + (spec.wav() ? ".wav" : ".txt"));
      try (GeneratedFile in = new GeneratedFile(spec, options.seed())) {
        Files.copy(in, path);
        files.add(new ClientFile(spec, path, in.hashes()));
      }
      bytes += spec.bytes();
    }
    System.out.printf("%s: %,d files (%.1f MB) generated and hashed by the client (%.1f s, untimed)%n", pass,
        specs.size(), bytes / 1e6, BenchReport.secondsSince(t));
    return files;
  }

  /** Where the client keeps the files it sends: beside the service's data directory, never inside it. */
  private Path clientFiles() {
    return where.data().resolveSibling(where.data().getFileName() + "-client-files");
  }

  // ------------------------------------------------------------------ set-up

  private long campaign(String terms, int items) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "Upload benchmark");
    body.put("instructions", "Record the sentence, or write a paragraph about it.");
    body.put("taskType", "upload");
    // durations wide enough for every generated WAV (5 MiB at 32,000 bytes/s is under 3 minutes)
    body.put("settings", Map.of("mediaTypes", List.of("audio/wav", "text/plain"), "maxBytes", options.maxBytes(),
        "minSeconds", 0, "maxSeconds", 86_400));
    body.put("overlap", 1);
    body.put("goldRate", 0.0);
    body.put("termsHash", terms);
    long id = api.post("/api/campaigns", body, OPERATOR).success("campaign").json().get("id").asLong();
    StringBuilder jsonl = new StringBuilder(items * 64);
    for (int i = 0; i < items; i++) {
      jsonl.append("{\"id\":\"u").append(i).append("\",\"data\":{\"text\":\"Sentence number ").append(i)
          .append(".\"}}\n");
    }
    api.send("POST", "/api/campaigns/" + id + "/items", OPERATOR, "application/x-ndjson",
        jsonl.toString().getBytes(StandardCharsets.UTF_8)).success("items");
    return id;
  }

  private List<Lease> lease(long campaign, BenchContributors.Contributor c, int count) {
    List<Lease> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      JsonNode task = api.post("/api/campaigns/" + campaign + "/tasks/next", null, c.token()).success("lease").json();
      out.add(new Lease(c, (ObjectNode) task.get("typedData")));
    }
    return out;
  }

  // ------------------------------------------------------------------ the check

  /**
   * How many acknowledged files are intact: the blob under its name in the store's directory hashes to
   * it with the acknowledged length, and the contribution is in PostgreSQL with the acknowledged answer.
   */
  private long verify(List<Acked> acked) throws Exception {
    Path blobs = where.data().resolve("blobs");
    Map<Long, String> stored = new HashMap<>();
    DatabaseCoordinates db = EmbeddedDatabase.coordinatesOf(where.data().resolve("postgres"), where.dbPort());
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password().reveal());
         PreparedStatement s = c.prepareStatement("select id, answer from contributions where id = any(?)")) {
      s.setArray(1, c.createArrayOf("bigint", acked.stream().map(Acked::contributionId).toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          stored.put(rs.getLong(1), rs.getString(2));
        }
      }
    }
    long intact = 0;
    for (Acked a : acked) {
      String digits = new BlobId(a.file()).digits();
      Path file = blobs.resolve(digits.substring(0, 2)).resolve(digits);
      boolean blobOk = Files.isRegularFile(file) && BlobHasher.of(file).id().hex().equals(a.file())
          && Files.size(file) == a.bytes();
      String answer = stored.get(a.contributionId());
      if (blobOk && a.answer().equals(answer)) {
        intact++;
      } else {
        System.out.printf("LOST: file %s (contribution %d): blob %s, contribution %s%n", a.file(), a.contributionId(),
            blobOk ? "intact" : "missing or wrong", answer == null ? "missing" : a.answer().equals(answer) ? "intact"
                : "with another answer");
      }
    }
    return intact;
  }

  // ------------------------------------------------------------------ generated files and memory

  /**
   * A file's bytes, generated as they are read (64 KiB at a time, seeded by the run's seed and the file's
   * index) and hashed on the way: a WAV header then 16-bit noise, or printable ASCII text in lines.
   */
  static final class GeneratedFile extends InputStream {
    private final FileSpec spec;
    private final SplittableRandom random;
    private final BlobHasher hasher = new BlobHasher();
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private long produced;

    GeneratedFile(FileSpec spec, long seed) {
      this.spec = spec;
      this.random = new SplittableRandom(seed * 1_000_003L + spec.index());
    }

    /** The hashes of the bytes read so far (all of them once the stream is exhausted). */
    Blob hashes() {
      return hasher.finish(true);
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position == limit && !fill()) {
        return -1;
      }
      int n = Math.min(len, limit - position);
      System.arraycopy(buffer, position, b, off, n);
      position += n;
      return n;
    }

    private boolean fill() {
      long left = spec.bytes() - produced;
      if (left <= 0) {
        return false;
      }
      int n = (int) Math.min(buffer.length, left);
      int from = 0;
      if (produced == 0 && spec.wav()) {
        ByteBuffer h = ByteBuffer.wrap(buffer, 0, WAV_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        long data = spec.bytes() - WAV_HEADER;
        h.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (data + 36))
            .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put("fmt ".getBytes(StandardCharsets.US_ASCII))
            .putInt(16).putShort((short) 1).putShort((short) 1).putInt(WAV_BYTE_RATE / 2).putInt(WAV_BYTE_RATE)
            .putShort((short) 2).putShort((short) 16)
            .put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) data);
        from = WAV_HEADER;
      }
      for (int i = from; i < n; i += 8) {
        long r = random.nextLong();
        for (int j = 0; j < 8 && i + j < n; j++) {
          byte v = (byte) (r >>> (8 * j));
          // text: letters and spaces, a newline every 64 bytes (valid UTF-8, no NUL)
          buffer[i + j] = spec.wav() ? v
              : (produced + i + j) % 64 == 63 ? (byte) '\n' : TEXT[(v & 0xff) % TEXT.length];
        }
      }
      hasher.update(buffer, 0, n);
      produced += n;
      position = 0;
      limit = n;
      return true;
    }

    private static final byte[] TEXT = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ .,".getBytes(
        StandardCharsets.US_ASCII);
  }

  /** The service's peak resident set, sampled every 50 ms from {@code /proc/PID/status} (VmRSS) while open. */
  private static final class RssSampler implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    RssSampler(AtomicReference<BenchService> service) {
      timer.scheduleAtFixedRate(
          () -> peak.accumulateAndGet(ProcessCpu.statusKib(service.get().pid(), "VmRSS"), Math::max),
          0, 50, TimeUnit.MILLISECONDS);
    }

    long peakKib() {
      return peak.get();
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }
}
