package io.labelledger.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import io.labelledger.answer.freetext.SyntheticTexts;
import io.labelledger.answer.freetext.TextBaselines;
import io.labelledger.answer.freetext.TextModel;
import io.labelledger.answer.freetext.TextNormalizer;
import io.labelledger.answer.freetext.Wer;
import io.labelledger.answer.multichoice.MultiLabelModel;
import io.labelledger.answer.multichoice.PerLabelMajority;
import io.labelledger.answer.multichoice.SyntheticTags;
import io.labelledger.answer.pairwise.KendallTau;
import io.labelledger.answer.pairwise.PairwiseModel;
import io.labelledger.answer.pairwise.SyntheticComparisons;
import io.labelledger.answer.pairwise.WinRate;
import io.labelledger.answer.rating.RatingMedian;
import io.labelledger.answer.rating.RatingModel;
import io.labelledger.answer.rating.SyntheticRatings;
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
import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * {@code scripts/bench aggregate}: label accuracy of majority vote and Dawid-Skene on the
 * d_sentiment crowd benchmark, run through the {@code labelledger aggregate} command exactly as a
 * user would; time and heap of Dawid-Skene on a synthetic set of 1,000,000 answers; and for every
 * other answer type, its model beside its naive baselines on seeded synthetic crowds with known
 * truth, and the time (wall and CPU) and heap of one fit of 1,000,000 synthetic answers. Prints
 * tables and writes {@code aggregate.json}. Reports targets as met or missed; exits non-zero only
 * when the benchmark itself fails.
 *
 * <p>The synthetic crowds (each generator's class comment has the details):
 *
 * <ul>
 *   <li><b>single_choice</b> ({@link SyntheticCrowd}): uniform true labels out of 4; workers answer
 *       right with an accuracy drawn from [0.35, 0.95], else a uniformly wrong label.
 *   <li><b>multi_choice</b> ({@link SyntheticTags}): 8 labels, each with a prevalence from
 *       [0.05, 0.45]; workers 40 % good, 20 % sloppy (miss tags, blind to one), 15 % over-taggers
 *       (spurious tags, one favourite), 15 % random, 10 % adversarial. Macro-F1 (higher is better)
 *       of the model against per-label majority vote.
 *   <li><b>rating</b> ({@link SyntheticRatings}): true values uniform on a 1-5 scale; raters 30 %
 *       fair, 12 % harsh, 12 % lenient, 11 % keeping to the middle, 10 % going to the ends, 25 %
 *       rating at random, all with noise and rounding. Mean absolute error (lower is better) of the
 *       model against the per-task median, and the per-task mean for reference.
 *   <li><b>free_text</b> ({@link SyntheticTexts}): sentences of 6-14 words; careful and noisy
 *       typists, and a quarter of careless workers typing random words or another task's text. Word
 *       error rate (lower is better, texts normalised for case, punctuation and white space) of the
 *       model against a random answer and the most frequent exact string.
 *   <li><b>pairwise</b> ({@link SyntheticComparisons}): candidates with standard normal true
 *       scores, five judges per pair, a quarter of pairs close calls; workers reliable, noisy,
 *       random and 15 % adversarial. Kendall tau-b (higher is better) of the model's scores against
 *       the truth, beside the raw win rate's.
 * </ul>
 *
 * <p>Quality is measured on {@value #QUALITY_SEEDS} seeds per type; cost on one crowd of 1,000,000
 * answers per type (200,000 tasks of 5 answers by 2,000 workers; for pairwise 1,000,000
 * comparisons of 10,000 candidates by 2,000 workers). CPU time is the whole process's (the fit's
 * thread, the collector's and the compiler's), so on 2 cores it can exceed the wall time.
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
  private static final int QUALITY_SEEDS = 3;
  private static final int MILLION_TASKS = 200_000;
  private static final int MILLION_WORKERS = 2_000;
  private static final TextNormalizer COMPARABLE = new TextNormalizer(true, true, true);

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
    Map<String, Object> synthetic = synthetic();
    report.put("synthetic", synthetic);
    report.put("answer_types", answerTypes(synthetic));
    AnnotationBench annotations = new AnnotationBench(this::target);
    report.put("spans", annotations.spans(out));
    report.put("boxes", annotations.boxes(out));
    report.put("targets", targets);
    report.put("jvm", fields("version", Runtime.version().toString(),
        "processors", Runtime.getRuntime().availableProcessors(),
        "max_heap_bytes", Runtime.getRuntime().maxMemory()));
    Path json = out.resolve("aggregate.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);

    System.out.printf("%n%-52s %12s  %-16s %s%n", "measure", "value", "target", "");
    for (Map<String, Object> t : targets) {
      System.out.printf(Locale.ROOT, "%-52s %12s  %-16s %s%n", t.get("name"), t.get("shown"),
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
    long cpu = processCpuNanos();
    start = System.nanoTime();
    Aggregation ds = new DawidSkene().aggregate(crowd.answers());
    double dsSeconds = (System.nanoTime() - start) / 1e9;
    double dsCpuSeconds = (processCpuNanos() - cpu) / 1e9;
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
    result.put("ds_process_cpu_seconds", dsCpuSeconds);
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

  /**
   * One answer type's part of the bench: its quality measure, by method on the crowd of a seed (the
   * model first, then its baselines), and a job that generates 1,000,000 answers and returns the
   * fit to time.
   */
  private record TypeBench(String type, String metric, boolean higherIsBetter,
      LongFunction<Map<String, Double>> quality, Supplier<MillionAnswers> million) {}

  /** A generated crowd of about 1,000,000 answers and the fit of the type's model to it. */
  private record MillionAnswers(int answers, int tasks, int workers, Supplier<TypedModel.Fit<?>> fit) {}

  /** One entry per answer type beyond single_choice; see the class comment. */
  private static List<TypeBench> typeBenches() {
    return List.of(
        new TypeBench("multi_choice", "macro-F1", true, seed -> {
          SyntheticTags.Crowd crowd = SyntheticTags.generate(seed, 5_000, 8, 100, 5);
          List<Long> model = new MultiLabelModel(8).fit(crowd.answers()).aggregates();
          List<Long> majority = new PerLabelMajority(8).fit(crowd.answers()).aggregates();
          return methods("model", crowd.macroF1(model), "per-label majority", crowd.macroF1(majority));
        }, () -> {
          SyntheticTags.Crowd crowd = SyntheticTags.generate(SEED, MILLION_TASKS, 8, MILLION_WORKERS, 5);
          return million(crowd.answers(), () -> new MultiLabelModel(8).fit(crowd.answers()));
        }),
        new TypeBench("rating", "MAE", false, seed -> {
          SyntheticRatings.Crowd crowd = SyntheticRatings.generate(seed, 5_000, 100, 5, 1, 5);
          List<Double> model = new RatingModel(1, 5).fit(crowd.answers()).aggregates();
          List<Double> median = new RatingMedian().fit(crowd.answers()).aggregates();
          return methods("model", crowd.meanAbsoluteError(model), "median", crowd.meanAbsoluteError(median),
              "mean", crowd.meanAbsoluteError(taskMeans(crowd.answers())));
        }, () -> {
          SyntheticRatings.Crowd crowd =
              SyntheticRatings.generate(SEED, MILLION_TASKS, MILLION_WORKERS, 5, 1, 5);
          return million(crowd.answers(), () -> new RatingModel(1, 5).fit(crowd.answers()));
        }),
        new TypeBench("free_text", "WER", false, seed -> {
          SyntheticTexts.Crowd crowd = SyntheticTexts.generate(seed, 1_000, 40, 5);
          List<String> model = new TextModel(COMPARABLE).fit(crowd.answers()).aggregates();
          return methods("model", meanWer(model, crowd.truth()),
              "random answer", meanWer(TextBaselines.randomAnswer(crowd.answers(), seed), crowd.truth()),
              "most frequent", meanWer(TextBaselines.mostFrequent(crowd.answers()), crowd.truth()));
        }, () -> {
          SyntheticTexts.Crowd crowd = SyntheticTexts.generate(SEED, MILLION_TASKS, MILLION_WORKERS, 5);
          return million(crowd.answers(), () -> new TextModel(COMPARABLE).fit(crowd.answers()));
        }),
        new TypeBench("pairwise", "Kendall tau", true, seed -> {
          SyntheticComparisons.Crowd crowd = SyntheticComparisons.generate(seed, 1_000, 20_000, 60);
          Map<String, Double> model = new PairwiseModel().rank(crowd.answers()).scores();
          return methods("model", KendallTau.tau(crowd.truthScores(), model),
              "win rate", KendallTau.tau(crowd.truthScores(), WinRate.scores(crowd.answers())));
        }, () -> {
          SyntheticComparisons.Crowd crowd =
              SyntheticComparisons.generate(SEED, 10_000, 1_000_000, MILLION_WORKERS);
          return million(crowd.answers(), () -> new PairwiseModel().fit(crowd.answers()));
        }));
  }

  /**
   * Every type's quality and cost, as JSON and as a table whose first row is single_choice's, from
   * the {@link #synthetic} section's figures.
   */
  private List<Map<String, Object>> answerTypes(Map<String, Object> singleChoice) {
    List<Map<String, Object>> results = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    long singlePeak = Math.max((long) singleChoice.get("peak_heap_bytes_generate_and_build"),
        (long) singleChoice.get("peak_heap_bytes_ds"));
    rows.add(row("single_choice", "accuracy (up)", String.format(Locale.ROOT, "%.3f | majority %.3f",
        (double) singleChoice.get("ds_accuracy"), (double) singleChoice.get("mv_accuracy")),
        (double) singleChoice.get("ds_seconds"), (double) singleChoice.get("ds_process_cpu_seconds"),
        singlePeak));
    for (TypeBench bench : typeBenches()) {
      Map<String, Object> quality = quality(bench);
      Map<String, Object> cost = cost(bench);
      results.add(fields("type", bench.type(), "metric", bench.metric(),
          "higher_is_better", bench.higherIsBetter(), "quality", quality, "million_answers", cost));
      rows.add(row(bench.type(), bench.metric() + (bench.higherIsBetter() ? " (up)" : " (down)"),
          methodsShown(quality), (double) cost.get("fit_seconds"),
          (double) cost.get("fit_process_cpu_seconds"),
          Math.max((long) cost.get("peak_heap_bytes_generate"), (long) cost.get("peak_heap_bytes_fit"))));
    }
    System.out.printf(Locale.ROOT, "%n%-13s %-16s %-52s %7s %6s %8s%n", "answer type", "metric",
        "model | baselines (synthetic, mean of " + QUALITY_SEEDS + " seeds)", "1M: s", "CPU s", "heap MiB");
    rows.forEach(System.out::println);
    return results;
  }

  private static String row(String type, String metric, String methods, double seconds, double cpuSeconds,
      long peakBytes) {
    return String.format(Locale.ROOT, "%-13s %-16s %-52s %7.2f %6.2f %8.0f", type, metric, methods, seconds,
        cpuSeconds, peakBytes / MIB);
  }

  /** "0.938 | per-label majority 0.794": the model's mean, then each baseline's. */
  @SuppressWarnings("unchecked")
  private static String methodsShown(Map<String, Object> quality) {
    StringBuilder shown = new StringBuilder();
    quality.forEach((method, value) -> {
      if (value instanceof Map<?, ?> figures) {
        double mean = (double) ((Map<String, Object>) figures).get("mean");
        shown.append(shown.length() == 0 ? fixed(mean, 3) : (shown.indexOf("|") < 0 ? " | " : ", ")
            + method + " " + fixed(mean, 3));
      }
    });
    return shown.toString();
  }

  /**
   * Each method's metric per seed and their mean, and as a target whether the model beats every
   * baseline on every seed.
   */
  private Map<String, Object> quality(TypeBench bench) {
    Map<String, List<Double>> perSeed = new LinkedHashMap<>();
    for (long seed = SEED; seed < SEED + QUALITY_SEEDS; seed++) {
      bench.quality().apply(seed).forEach((method, value) ->
          perSeed.computeIfAbsent(method, m -> new ArrayList<>()).add(value));
    }
    Map<String, Object> quality = new LinkedHashMap<>();
    String model = perSeed.keySet().iterator().next();
    boolean beats = true;
    for (Map.Entry<String, List<Double>> method : perSeed.entrySet()) {
      List<Double> values = method.getValue();
      quality.put(method.getKey(), fields("mean", mean(values), "per_seed", values));
      for (int k = 0; k < values.size() && !method.getKey().equals(model); k++) {
        double ours = perSeed.get(model).get(k);
        beats &= bench.higherIsBetter() ? ours > values.get(k) : ours < values.get(k);
      }
    }
    quality.put("seeds", List.of(SEED, SEED + QUALITY_SEEDS - 1));
    target(bench.type() + ": model beats every baseline on every seed", beats ? 1 : 0, beats ? "yes" : "no",
        "yes", beats);
    return quality;
  }

  /** Generates the type's million answers and times one fit: wall, process CPU and peak heap. */
  private Map<String, Object> cost(TypeBench bench) {
    HeapPeak peak = new HeapPeak();
    long start = System.nanoTime();
    MillionAnswers crowd = bench.million().get();
    double generateSeconds = (System.nanoTime() - start) / 1e9;
    long generatePeak = peak.bytesSinceReset();

    peak.reset();
    long cpu = processCpuNanos();
    start = System.nanoTime();
    TypedModel.Fit<?> fit = crowd.fit().get();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
    long fitPeak = peak.bytesSinceReset();
    Reference.reachabilityFence(fit);

    String what = bench.type() + " 1M answers: ";
    target(what + "fit time", seconds, fixed(seconds, 2) + " s", "< 10 s", seconds < 10);
    long peakBytes = Math.max(generatePeak, fitPeak);
    target(what + "peak heap (generate + fit)", peakBytes, fixed(peakBytes / MIB, 0) + " MiB", "< 2048 MiB",
        peakBytes < 2048 * MIB);
    return fields("seed", SEED, "answers", crowd.answers(), "tasks", crowd.tasks(),
        "workers", crowd.workers(),
        "generate_seconds", generateSeconds, "fit_seconds", seconds, "fit_process_cpu_seconds", cpuSeconds,
        "peak_heap_bytes_generate", generatePeak, "peak_heap_bytes_fit", fitPeak,
        "iterations", fit.iterations(), "converged", fit.converged());
  }

  private static MillionAnswers million(TypedAnswers<?, ?> answers, Supplier<TypedModel.Fit<?>> fit) {
    return new MillionAnswers(answers.answerCount(), answers.taskCount(), answers.workerCount(), fit);
  }

  private static Map<String, Double> methods(Object... namesAndValues) {
    Map<String, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], (Double) namesAndValues[i + 1]);
    }
    return map;
  }

  private static List<Double> taskMeans(TypedAnswers<Integer, Double> answers) {
    List<Double> means = new ArrayList<>(answers.taskCount());
    for (int t = 0; t < answers.taskCount(); t++) {
      double sum = 0;
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        sum += answers.value(i);
      }
      means.add(sum / (answers.answerEnd(t) - answers.answerStart(t)));
    }
    return means;
  }

  private static double meanWer(List<String> aggregates, List<String> truth) {
    double sum = 0;
    for (int t = 0; t < truth.size(); t++) {
      sum += Wer.wordErrorRate(aggregates.get(t), truth.get(t), COMPARABLE);
    }
    return sum / truth.size();
  }

  private static double mean(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** CPU time of the whole process (every thread, the collector's and compiler's too), or -1. */
  private static long processCpuNanos() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() : -1;
  }

  /** Where a measure is reported, with its target and whether it met it. */
  interface Targets {
    void add(String name, double value, String shown, String target, boolean met);
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
  static final class HeapPeak {
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
