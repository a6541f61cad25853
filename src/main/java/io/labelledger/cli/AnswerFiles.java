package io.labelledger.cli;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.quality.Aggregation;
import io.labelledger.quality.AnswerSet;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.function.IntToDoubleFunction;

/**
 * The CSV files of crowd aggregation, with Crowd-Kit's column names: answers
 * {@code task,worker,label}, gold {@code task,truth} (or {@code task,label}), aggregated labels
 * {@code task,label,confidence}, worker estimates {@code worker,accuracy,answers}. Columns are
 * found by name in any order; extra columns are ignored; every row needs every header column.
 */
public final class AnswerFiles {
  private AnswerFiles() {}

  /** Reads answers, and gold answers when {@code gold} is not null, into an {@link AnswerSet}. */
  public static AnswerSet read(Path answers, Path gold) {
    AnswerSet.Builder builder = AnswerSet.builder();
    try (CsvReader csv = CsvReader.open(answers)) {
      int task = csv.requireColumn("task");
      int worker = csv.requireColumn("worker");
      int label = csv.requireColumn("label");
      boolean any = false;
      for (String[] row = csv.next(); row != null; row = csv.next()) {
        builder.add(csv.nonEmpty(row, task), csv.nonEmpty(row, worker), csv.nonEmpty(row, label));
        any = true;
      }
      if (!any) {
        throw new InputException(answers + " has no answers after its header");
      }
    }
    if (gold != null) {
      readGold(gold, builder::gold);
    }
    return builder.build();
  }

  /**
   * Passes every (task, true label) row of a {@code task,truth} or {@code task,label} file to
   * {@code sink}; an IllegalArgumentException from the sink is reported with the row's line.
   */
  public static void readGold(Path gold, BiConsumer<String, String> sink) {
    readGold(gold, true, sink, "truth", "label");
  }

  /**
   * Passes every (task, truth) row of a gold file to {@code sink}, the truth from the first of
   * {@code truthColumns} the header has; an IllegalArgumentException from the sink is reported with
   * the row's line.
   *
   * @param nonEmpty whether an empty truth is an error (else it is passed on as it is)
   */
  static void readGold(Path gold, boolean nonEmpty, BiConsumer<String, String> sink, String... truthColumns) {
    try (CsvReader csv = CsvReader.open(gold)) {
      int task = csv.requireColumn("task");
      int truth = csv.requireColumn(truthColumns);
      for (String[] row = csv.next(); row != null; row = csv.next()) {
        try {
          sink.accept(csv.nonEmpty(row, task), nonEmpty ? csv.nonEmpty(row, truth) : row[truth]);
        } catch (IllegalArgumentException e) {
          throw csv.error(e.getMessage());
        }
      }
    }
  }

  /** Writes {@code task,label,confidence}, one row per task in task order. */
  public static void writeLabels(Path output, Aggregation result) {
    AnswerSet answers = result.answers();
    write(output, out -> {
      out.write("task,label,confidence\n");
      for (int t = 0; t < answers.taskCount(); t++) {
        out.write(field(answers.taskId(t)));
        out.write(',');
        out.write(field(result.label(t)));
        out.write(',');
        out.write(number(result.confidence(t)));
        out.write('\n');
      }
    });
  }

  /** Writes {@code worker,accuracy,answers}, one row per worker in worker order. */
  public static void writeWorkers(Path output, Aggregation result) {
    AnswerSet answers = result.answers();
    writeWorkers(output, answers::workerId, result::workerAccuracy, answers.answersPerWorker());
  }

  /**
   * Writes {@code worker,accuracy,answers} for a typed answer type, the accuracy being the model's
   * worker reliability, one row per worker in worker order.
   */
  static void writeWorkers(Path output, TypedAnswers<?, ?> answers, double[] reliability) {
    writeWorkers(output, answers::workerId, w -> reliability[w], answers.answersPerWorker());
  }

  private static void writeWorkers(Path output, IntFunction<String> id, IntToDoubleFunction accuracy,
      int[] counts) {
    write(output, out -> {
      out.write("worker,accuracy,answers\n");
      for (int w = 0; w < counts.length; w++) {
        out.write(field(id.apply(w)));
        out.write(',');
        out.write(number(accuracy.applyAsDouble(w)));
        out.write(',');
        out.write(Integer.toString(counts[w]));
        out.write('\n');
      }
    });
  }

  interface Body {
    void writeTo(Writer out) throws IOException;
  }

  static void write(Path output, Body body) {
    try (BufferedWriter out = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
      body.writeTo(out);
    } catch (IOException e) {
      throw InputException.cannot("write", output.toString(), e);
    }
  }

  /**
   * {@code value} with six decimals and a dot, as {@code %.6f} in the root locale would print it
   * (except that what rounds to zero prints without a sign); String.format alone took over a second
   * for 100,000 rows on a cold JVM.
   */
  static String number(double value) {
    long micros = Math.round(value * 1_000_000);
    String sign = micros < 0 ? "-" : "";
    micros = Math.abs(micros);
    String fraction = Long.toString(micros % 1_000_000);
    return sign + micros / 1_000_000 + "." + "000000".substring(fraction.length()) + fraction;
  }

  /** Quoted when it holds a comma, a quote or a line break, as {@link CsvReader} reads it. */
  static String field(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ',' || c == '"' || c == '\n' || c == '\r') {
        return '"' + value.replace("\"", "\"\"") + '"';
      }
    }
    return value;
  }
}
