package io.labelledger.quality;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import io.labelledger.answer.boxes.Box;
import io.labelledger.answer.boxes.BoxModel;
import io.labelledger.answer.boxes.ScoredBox;
import io.labelledger.answer.boxes.SyntheticBoxes;
import io.labelledger.answer.spans.ScoredSpan;
import io.labelledger.answer.spans.Span;
import io.labelledger.answer.spans.SpanModel;
import io.labelledger.answer.spans.SyntheticSpans;
import io.labelledger.answer.spans.TokenMajority;
import io.labelledger.cli.LabelLedgerCli;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The spans and boxes part of {@code scripts/bench aggregate}: on seeded synthetic crowds
 * ({@link SyntheticSpans}, {@link SyntheticBoxes}: missed, spurious, mislabelled and misplaced
 * annotations, 25 % careless workers), the model's F1 against the truth beside a single random
 * annotator's (one answer per task drawn at random) and plain majority's (per-token BIO majority and
 * per-span majority for spans, per-box majority for boxes); then about 1,000,000 annotations of each
 * type aggregated twice, by the model in this JVM and by {@code labelledger aggregate} on a JSONL file
 * of them, with wall time, CPU time and heap.
 */
final class AnnotationBench {
  private static final long[] SEEDS = {1, 2, 3, 4};
  private static final int TASKS = 2000;
  private static final int WORKERS = 50;
  private static final int LABELS = 4;
  /** Texts and images that make about a million annotations at 5 answers each (measured: 15-16 per task). */
  private static final int SPAN_TASKS_1M = 67_000;
  private static final int BOX_TASKS_1M = 74_000;
  private static final int WORKERS_1M = 2000;
  private static final double MIB = 1024 * 1024;

  private final AggregateBench.Targets targets;
  private final AggregateBench.HeapPeak peak = new AggregateBench.HeapPeak();

  AnnotationBench(AggregateBench.Targets targets) {
    this.targets = targets;
  }

  Map<String, Object> spans(Path out) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("crowd", "SyntheticSpans default mix (55 % good, 20 % sloppy, 15 % random, 10 % lazy), "
        + TASKS + " texts, " + WORKERS + " workers, " + LABELS + " labels");
    List<Map<String, Object>> seeds = new ArrayList<>();
    System.out.println("spans: exact span F1 against the truth (overlap F1 at IoU 0.5 in brackets)");
    for (int answers : new int[] {5, 3}) {
      for (long seed : SEEDS) {
        SyntheticSpans.Crowd crowd = SyntheticSpans.generate(seed, TASKS, LABELS, WORKERS, answers);
        SpanModel model = new SpanModel(crowd.labels());
        List<List<Span>> fit = SyntheticSpans.spans(model.fit(crowd.answers()).aggregates());
        List<List<Span>> tokens =
            SyntheticSpans.spans(TokenMajority.aggregate(crowd.answers(), crowd.texts()));
        List<List<Span>> spanMajority = SyntheticSpans.spans(model.majority(crowd.answers()).aggregates());
        List<List<Span>> one = randomAnswer(crowd.answers(), seed);
        Map<String, Object> row = fields("answers_per_task", answers, "seed", seed,
            "model", crowd.f1(fit, 1), "random_annotator", crowd.f1(one, 1),
            "token_majority", crowd.f1(tokens, 1),
            "span_majority", crowd.f1(spanMajority, 1), "model_overlap", crowd.f1(fit, 0.5),
            "random_annotator_overlap", crowd.f1(one, 0.5), "token_majority_overlap", crowd.f1(tokens, 0.5));
        seeds.add(row);
        System.out.printf(Locale.ROOT, "  %d answers/text seed %d: model %.4f (%.4f)"
                + "  random annotator %.4f (%.4f)  token majority %.4f (%.4f)  span majority %.4f%n",
            answers, seed, row.get("model"), row.get("model_overlap"), row.get("random_annotator"), row.get("random_annotator_overlap"),
            row.get("token_majority"), row.get("token_majority_overlap"), row.get("span_majority"));
        boolean beats = (double) row.get("model") > (double) row.get("token_majority")
            && (double) row.get("model") > (double) row.get("random_annotator")
            && (double) row.get("model") > (double) row.get("span_majority");
        targets.add("spans F1, " + answers + " answers/text, seed " + seed, (double) row.get("model"),
            fixed((double) row.get("model"), 3), "> baselines", beats);
      }
    }
    result.put("quality", seeds);
    result.put("million", million("spans", out, () -> {
      SyntheticSpans.Crowd big = SyntheticSpans.generate(7, SPAN_TASKS_1M, 8, WORKERS_1M, 5);
      return new Million<>(big.answers(), new SpanModel(big.labels()),
          fit -> big.f1(SyntheticSpans.spans(fit.aggregates()), 1), (value, json) -> {
            for (Span s : value) {
              json.writeStartObject();
              json.writeNumberField("start", s.start());
              json.writeNumberField("end", s.end());
              json.writeStringField("label", s.label());
              json.writeEndObject();
            }
          });
    }));
    return result;
  }

  Map<String, Object> boxes(Path out) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("crowd", "SyntheticBoxes default mix (55 % good, 20 % sloppy, 15 % random, 10 % lazy), "
        + TASKS + " images, " + WORKERS + " workers, " + LABELS + " labels");
    List<Map<String, Object>> seeds = new ArrayList<>();
    System.out.println("boxes: F1 at IoU 0.5 against the truth (at IoU 0.75 in brackets)");
    for (int answers : new int[] {5, 3}) {
      for (long seed : SEEDS) {
        SyntheticBoxes.Crowd crowd = SyntheticBoxes.generate(seed, TASKS, LABELS, WORKERS, answers);
        BoxModel model = new BoxModel(crowd.labels());
        List<List<Box>> fit = SyntheticBoxes.boxes(model.fit(crowd.answers()).aggregates());
        List<List<Box>> majority = SyntheticBoxes.boxes(model.majority(crowd.answers()).aggregates());
        List<List<Box>> one = randomAnswer(crowd.answers(), seed);
        Map<String, Object> row = fields("answers_per_task", answers, "seed", seed,
            "model", crowd.f1(fit, 0.5), "random_annotator", crowd.f1(one, 0.5), "box_majority",
            crowd.f1(majority, 0.5), "model_iou75", crowd.f1(fit, 0.75), "random_annotator_iou75",
            crowd.f1(one, 0.75), "box_majority_iou75", crowd.f1(majority, 0.75));
        seeds.add(row);
        System.out.printf(Locale.ROOT, "  %d answers/image seed %d: model %.4f (%.4f)"
                + "  random annotator %.4f (%.4f)"
                + "  box majority %.4f (%.4f)%n", answers, seed, row.get("model"), row.get("model_iou75"),
            row.get("random_annotator"), row.get("random_annotator_iou75"), row.get("box_majority"),
            row.get("box_majority_iou75"));
        boolean beats = (double) row.get("model") > (double) row.get("box_majority")
            && (double) row.get("model") > (double) row.get("random_annotator");
        targets.add("boxes F1, " + answers + " answers/image, seed " + seed, (double) row.get("model"),
            fixed((double) row.get("model"), 3), "> baselines", beats);
      }
    }
    result.put("quality", seeds);
    result.put("million", million("boxes", out, () -> {
      SyntheticBoxes.Crowd big = SyntheticBoxes.generate(7, BOX_TASKS_1M, 8, WORKERS_1M, 5);
      return new Million<>(big.answers(), new BoxModel(big.labels()),
          fit -> big.f1(SyntheticBoxes.boxes(fit.aggregates()), 0.5), (value, json) -> {
            for (Box b : value) {
              json.writeStartObject();
              json.writeNumberField("x", b.x());
              json.writeNumberField("y", b.y());
              json.writeNumberField("w", b.w());
              json.writeNumberField("h", b.h());
              json.writeStringField("label", b.label());
              json.writeEndObject();
            }
          });
    }));
    return result;
  }

  private interface ElementWriter<V> {
    void write(V value, JsonGenerator json) throws IOException;
  }

  /** A crowd of about a million annotations, its model, how its F1 is scored, how it is written as JSONL. */
  private record Million<V, A>(TypedAnswers<List<V>, A> answers, TypedModel<List<V>, A> model,
      java.util.function.ToDoubleFunction<TypedModel.Fit<A>> f1, ElementWriter<List<V>> elements) {}

  /**
   * Fits the crowd's model in this JVM, then runs {@code labelledger aggregate --type} on the crowd
   * written as JSONL, each with wall and CPU time and heap. The crowd is made and dropped inside
   * {@link #fitInProcess}, so it is not on the heap while the command runs.
   */
  private Map<String, Object> million(String type, Path out, Supplier<Million<?, ?>> crowd) {
    Path jsonl = out.resolve("aggregate-" + type + "-1m.jsonl");
    Map<String, Object> result = fitInProcess(type, crowd.get(), jsonl);
    Path aggregates = out.resolve("aggregate-" + type + "-1m-out.jsonl");
    StringWriter summary = new StringWriter();
    Measured<Integer> cli = measure(() -> LabelLedgerCli.commandLine().setOut(new PrintWriter(summary, true))
        .execute("aggregate", "--type", type, "--input", jsonl.toString(), "--output",
            aggregates.toString()));
    if (cli.value != 0) {
      throw new IllegalStateException("labelledger aggregate --type " + type + " exited with " + cli.value);
    }
    result.put("cli", cli.fields());
    result.put("cli_summary", summary.toString().strip());
    System.out.printf(Locale.ROOT, "%s, labelledger aggregate on the JSONL file (read, fit, write):"
            + " %.2f s wall, %.2f s CPU (process), heap peak <= %.0f MiB; %s%n", type, cli.wallSeconds,
        cli.processCpuSeconds, cli.peakBytes / MIB, summary.toString().strip());
    try {
      Files.deleteIfExists(jsonl);
      Files.deleteIfExists(aggregates);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String name = type + " ~1M annotations";
    targets.add(name + ": CLI time (wall)", cli.wallSeconds, fixed(cli.wallSeconds, 2) + " s", "< 30 s",
        cli.wallSeconds < 30);
    targets.add(name + ": CLI heap peak", cli.peakBytes, fixed(cli.peakBytes / MIB, 0) + " MiB", "< 2048 MiB",
        cli.peakBytes < 2048 * MIB);
    return result;
  }

  private <V, A> Map<String, Object> fitInProcess(String type, Million<V, A> crowd, Path jsonl) {
    TypedAnswers<List<V>, A> answers = crowd.answers();
    long annotations = 0;
    for (int i = 0; i < answers.answerCount(); i++) {
      annotations += answers.value(i).size();
    }
    Measured<TypedModel.Fit<A>> fit = measure(() -> crowd.model().fit(answers));
    double quality = crowd.f1().applyAsDouble(fit.value);
    Map<String, Object> result = fields("annotations", annotations, "answers", answers.answerCount(),
        "tasks", answers.taskCount(), "workers", answers.workerCount(), "fit", fit.fields(),
        "fit_iterations", fit.value.iterations(), "fit_converged", fit.value.converged(), "f1", quality);
    System.out.printf(Locale.ROOT, "%s, %,d annotations (%,d answers, %,d tasks, %,d workers): fit"
            + " %.2f s wall, %.2f s CPU (thread), %.2f s CPU (process, GC included), heap peak <= %.0f MiB"
            + " (the crowd included), %d iterations, F1 %.4f%n", type, annotations, answers.answerCount(),
        answers.taskCount(), answers.workerCount(), fit.wallSeconds, fit.threadCpuSeconds,
        fit.processCpuSeconds, fit.peakBytes / MIB, fit.value.iterations(), quality);
    String name = type + " ~1M annotations";
    targets.add(name + ": fit time (wall)", fit.wallSeconds, fixed(fit.wallSeconds, 2) + " s", "< 30 s",
        fit.wallSeconds < 30);
    targets.add(name + ": fit CPU (process)", fit.processCpuSeconds, fixed(fit.processCpuSeconds, 2) + " s",
        "(info)", true);
    targets.add(name + ": fit heap peak", fit.peakBytes, fixed(fit.peakBytes / MIB, 0) + " MiB", "< 2048 MiB",
        fit.peakBytes < 2048 * MIB);
    writeJsonl(jsonl, type, answers, crowd.elements());
    return result;
  }

  private static <V> void writeJsonl(Path file, String type, TypedAnswers<List<V>, ?> answers,
      ElementWriter<List<V>> elements) {
    ObjectMapper mapper = new ObjectMapper();
    try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
         JsonGenerator json = mapper.getFactory().createGenerator(writer)) {
      json.setRootValueSeparator(null);
      for (int t = 0; t < answers.taskCount(); t++) {
        for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
          json.writeStartObject();
          json.writeStringField("task", answers.taskId(t));
          json.writeStringField("worker", answers.workerId(answers.workerOf(i)));
          json.writeArrayFieldStart(type);
          elements.write(answers.value(i), json);
          json.writeEndArray();
          json.writeEndObject();
          json.flush();
          writer.write('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One answer per task drawn at random: what buying a single annotation per task gives. */
  private static <V> List<V> randomAnswer(TypedAnswers<V, ?> answers, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<V> out = new ArrayList<>(answers.taskCount());
    for (int t = 0; t < answers.taskCount(); t++) {
      int given = answers.answerEnd(t) - answers.answerStart(t);
      out.add(answers.value(answers.answerStart(t) + random.nextInt(given)));
    }
    return out;
  }

  private record Measured<T>(T value, double wallSeconds, double threadCpuSeconds, double processCpuSeconds,
      long peakBytes) {
    Map<String, Object> fields() {
      return AnnotationBench.fields("wall_seconds", wallSeconds, "thread_cpu_seconds", threadCpuSeconds,
          "process_cpu_seconds", processCpuSeconds, "peak_heap_bytes", peakBytes);
    }
  }

  private <T> Measured<T> measure(Supplier<T> work) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    peak.reset();
    long thread = threads.getCurrentThreadCpuTime();
    long process = os.getProcessCpuTime();
    long wall = System.nanoTime();
    T value = work.get();
    double wallSeconds = (System.nanoTime() - wall) / 1e9;
    double threadSeconds = (threads.getCurrentThreadCpuTime() - thread) / 1e9;
    double processSeconds = (os.getProcessCpuTime() - process) / 1e9;
    long peakBytes = peak.bytesSinceReset();
    Reference.reachabilityFence(value);
    return new Measured<>(value, wallSeconds, threadSeconds, processSeconds, peakBytes);
  }

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
}
