package io.labelledger.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labelledger.cli.AnswerFiles;
import io.labelledger.cli.CsvReader;
import io.labelledger.cli.LabelLedgerCli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * {@code scripts/bench aggregate}: label accuracy of majority vote and Dawid-Skene on the
 * d_sentiment crowd benchmark, run through the {@code labelledger aggregate} command exactly as a
 * user would; and time and heap of Dawid-Skene on a synthetic set of 1,000,000 answers. Prints a
 * table and writes {@code aggregate.json}. Reports targets as met or missed; exits non-zero only
 * when the benchmark itself fails.
 *
 * <p>Arguments: the d_sentiment directory (answers.csv, truth.csv; skipped when absent) and the
 * output directory. Run with {@code -Xmx2g}: the heap target is then also a hard limit.
 */
public final class AggregateBench {
  private static final long SEED = 20240601L;
  private static final int TASKS = 100_000;
  private static final int WORKERS = 2_000;
  private static final int LABELS = 4;
  private static final int ANSWERS_PER_TASK = 10;
  private static final double MIB = 1024 * 1024;

  private final List<Map<String, Object>> targets = new ArrayList<>();

  public static void main(String[] args) throws IOException {
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/crowd/d_sentiment");
    Path out = Path.of(args.length > 1 ? args[1] : "target/bench");
    Files.createDirectories(out);
    new AggregateBench().run(data, out);
  }

  private void run(Path data, Path out) throws IOException {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("d_sentiment", dSentiment(data, out));
    report.put("synthetic", synthetic());
    report.put("targets", targets);
    report.put("jvm", fields("version", Runtime.version().toString(),
        "processors", Runtime.getRuntime().availableProcessors(),
        "max_heap_bytes", Runtime.getRuntime().maxMemory()));
    Path json = out.resolve("aggregate.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);

    System.out.printf("%n%-44s %12s  %-16s %s%n", "measure", "value", "target", "");
    for (Map<String, Object> t : targets) {
      System.out.printf(Locale.ROOT, "%-44s %12s  %-16s %s%n", t.get("name"), t.get("shown"),
          t.get("target"), (boolean) t.get("met") ? "ok" : "MISSED");
    }
    System.out.println("\nwritten: " + json);
  }

  private Map<String, Object> dSentiment(Path data, Path out) {
    Path answers = data.resolve("answers.csv");
    Path truthFile = data.resolve("truth.csv");
    Map<String, Object> result = new LinkedHashMap<>();
    if (!Files.isRegularFile(answers) || !Files.isRegularFile(truthFile)) {
      System.out.println("d_sentiment: skipped, no answers.csv and truth.csv in " + data);
      result.put("skipped", "no answers.csv and truth.csv in " + data);
      return result;
    }
    Map<String, String> truth = new HashMap<>();
    AnswerFiles.readGold(truthFile, truth::put);
    result.put("published_accuracy", fields("mv", 0.932, "ds", 0.960));
    Map<String, Double> accuracyOf = new HashMap<>();
    for (String method : List.of("mv", "ds")) {
      Path labels = out.resolve("d_sentiment-" + method + ".csv");
      StringWriter summary = new StringWriter();
      long start = System.nanoTime();
      int exit = LabelLedgerCli.commandLine().setOut(new PrintWriter(summary, true))
          .execute("aggregate", "--method", method, "--input", answers.toString(),
              "--output", labels.toString());
      double seconds = (System.nanoTime() - start) / 1e9;
      if (exit != 0) {
        throw new IllegalStateException("labelledger aggregate exited with " + exit);
      }
      double accuracy = accuracy(labels, truth);
      accuracyOf.put(method, accuracy);
      System.out.printf(Locale.ROOT, "d_sentiment %s: accuracy %.4f in %.2f s; %s", method,
          accuracy, seconds, summary);
      result.put(method, fields("accuracy", accuracy, "seconds", seconds,
          "cli_summary", summary.toString().strip()));
    }
    double mv = accuracyOf.get("mv");
    double ds = accuracyOf.get("ds");
    target("d_sentiment MV accuracy (CLI)", mv, fixed(mv, 3), "0.932 ± 0.002",
        Math.abs(mv - 0.932) <= 0.002 + 1e-9);
    target("d_sentiment DS accuracy (CLI)", ds, fixed(ds, 3), ">= 0.958", ds >= 0.958 - 1e-9);
    return result;
  }

  /** Fraction of the tasks in {@code truth} whose row in {@code labels} has the true label. */
  private static double accuracy(Path labels, Map<String, String> truth) {
    int correct = 0;
    int compared = 0;
    try (CsvReader csv = CsvReader.open(labels)) {
      int task = csv.column("task");
      int label = csv.column("label");
      for (String[] row = csv.next(); row != null; row = csv.next()) {
        String expected = truth.get(row[task]);
        if (expected != null) {
          compared++;
          correct += expected.equals(row[label]) ? 1 : 0;
        }
      }
    }
    if (compared != truth.size()) {
      throw new IllegalStateException(
          "output has labels for " + compared + " of " + truth.size() + " tasks with truth");
    }
    return (double) correct / compared;
  }

  private Map<String, Object> synthetic() {
    SplittableRandom random = new SplittableRandom(SEED);
    double[] accuracy = new double[WORKERS];
    for (int w = 0; w < WORKERS; w++) {
      accuracy[w] = 0.35 + 0.6 * random.nextDouble();
    }

    HeapPeak peak = new HeapPeak();
    long start = System.nanoTime();
    SyntheticCrowd.Crowd crowd =
        SyntheticCrowd.generate(TASKS, LABELS, ANSWERS_PER_TASK, accuracy, SEED);
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    long buildPeak = peak.bytesSinceReset();

    peak.reset();
    start = System.nanoTime();
    Aggregation ds = new DawidSkene().aggregate(crowd.answers());
    double dsSeconds = (System.nanoTime() - start) / 1e9;
    long dsPeak = peak.bytesSinceReset();
    long live = peak.liveBytes();
    Reference.reachabilityFence(ds);

    Aggregation mv = new MajorityVote().aggregate(crowd.answers());
    double errorSum = 0;
    for (int w = 0; w < crowd.answers().workerCount(); w++) {
      errorSum += Math.abs(ds.workerAccuracy(w) - crowd.accuracy()[w]);
    }

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("seed", SEED);
    result.put("answers", crowd.answers().answerCount());
    result.put("tasks", TASKS);
    result.put("workers", WORKERS);
    result.put("labels", LABELS);
    result.put("worker_accuracy_range", List.of(0.35, 0.95));
    result.put("generate_and_build_seconds", buildSeconds);
    result.put("ds_seconds", dsSeconds);
    result.put("ds_iterations", ds.iterations());
    result.put("ds_converged", ds.converged());
    result.put("peak_heap_bytes_generate_and_build", buildPeak);
    result.put("peak_heap_bytes_ds", dsPeak);
    result.put("live_heap_bytes_after_ds", live);
    result.put("ds_accuracy", crowd.accuracyOf(ds));
    result.put("mv_accuracy", crowd.accuracyOf(mv));
    result.put("ds_worker_accuracy_mean_abs_error", errorSum / crowd.answers().workerCount());
    System.out.printf(Locale.ROOT, "synthetic: %d answers built in %.2f s; DS %d iterations in"
            + " %.2f s; accuracy DS %.4f, MV %.4f; worker accuracy error %.4f (mean abs)%n",
        crowd.answers().answerCount(), buildSeconds, ds.iterations(), dsSeconds,
        crowd.accuracyOf(ds), crowd.accuracyOf(mv), errorSum / crowd.answers().workerCount());

    target("synthetic 1M answers: DS time", dsSeconds, fixed(dsSeconds, 2) + " s", "< 10 s",
        dsSeconds < 10);
    long peakBytes = Math.max(buildPeak, dsPeak);
    target("synthetic 1M answers: peak heap (build + DS)", peakBytes,
        fixed(peakBytes / MIB, 0) + " MiB", "< 2048 MiB", peakBytes < 2048 * MIB);
    target("synthetic 1M answers: live heap after DS", live, fixed(live / MIB, 0) + " MiB",
        "(info)", true);
    return result;
  }

  private void target(String name, double value, String shown, String target, boolean met) {
    targets.add(fields("name", name, "value", value, "shown", shown, "target", target, "met", met));
  }

  /** A JSON object whose keys keep the given order, so reports diff cleanly. */
  private static Map<String, Object> fields(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static String fixed(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /**
   * Peak heap use since the last reset: the sum of every heap pool's peak, an upper bound of the
   * true peak (pools peak at different moments, and the collector sizes the young generation
   * as it likes).
   */
  private static final class HeapPeak {
    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();

    HeapPeak() {
      reset();
    }

    void reset() {
      System.gc();
      pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    long bytesSinceReset() {
      return pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** Heap in use after a full collection (what is still reachable), from the same pools. */
    long liveBytes() {
      System.gc();
      return pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    }
  }
}
