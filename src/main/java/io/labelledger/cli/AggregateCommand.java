package io.labelledger.cli;

import io.labelledger.quality.Aggregation;
import io.labelledger.quality.Aggregator;
import io.labelledger.quality.AnswerSet;
import io.labelledger.quality.DawidSkene;
import io.labelledger.quality.MajorityVote;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code labelledger aggregate}: one label per task from a CSV of crowd answers. */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
    description = {
        "Aggregates crowd answers into one label per task, with a confidence.",
        "Ties go to the label that sorts lowest as text. Gold tasks keep their gold label."})
final class AggregateCommand implements Callable<Integer> {
  enum Method { MV, DS }

  @Spec
  private CommandSpec spec;

  @Option(names = "--method", required = true, paramLabel = "mv|ds",
      description = "mv: majority vote; ds: Dawid-Skene (EM over per-worker confusion matrices).")
  private Method method;

  @Option(names = "--input", required = true, paramLabel = "answers.csv",
      description = "CSV with header task,worker,label; any non-empty strings as ids and labels.")
  private Path input;

  @Option(names = "--output", required = true, paramLabel = "labels.csv",
      description = "Written as task,label,confidence, tasks in the order they first appear.")
  private Path output;

  @Option(names = "--gold", paramLabel = "gold.csv",
      description = "Known labels, header task,truth (or task,label); held fixed.")
  private Path gold;

  @Option(names = "--workers", paramLabel = "workers.csv",
      description = "Also write worker,accuracy,answers.")
  private Path workers;

  @Option(names = "--max-iterations", paramLabel = "N",
      defaultValue = "" + DawidSkene.Config.DEFAULT_MAX_ITERATIONS,
      description = "ds: EM iterations at most (default: ${DEFAULT-VALUE}).")
  private int maxIterations;

  @Option(names = "--tolerance", paramLabel = "T",
      defaultValue = "" + DawidSkene.Config.DEFAULT_TOLERANCE,
      description = "ds: stop when no posterior moves more than this (default: ${DEFAULT-VALUE}).")
  private double tolerance;

  @Option(names = "--smoothing", paramLabel = "ALPHA",
      defaultValue = "" + DawidSkene.Config.DEFAULT_SMOOTHING,
      description = "ds: pseudo-count per confusion-matrix cell (default: ${DEFAULT-VALUE}).")
  private double smoothing;

  @Option(names = "--diagonal-prior", paramLabel = "BETA",
      defaultValue = "" + DawidSkene.Config.DEFAULT_DIAGONAL_PRIOR,
      description = "ds: extra pseudo-count per diagonal cell, the prior that workers beat"
          + " chance (default: ${DEFAULT-VALUE}).")
  private double diagonalPrior;

  @Override
  public Integer call() {
    Aggregator aggregator = aggregator();
    AnswerSet answers = AnswerFiles.read(input, gold);
    Aggregation result = aggregator.aggregate(answers);
    AnswerFiles.writeLabels(output, result);
    if (workers != null) {
      AnswerFiles.writeWorkers(workers, result);
    }
    spec.commandLine().getOut().printf("%s: %d tasks, %d workers, %d labels, %d answers, %d gold;"
            + " %d iterations%s%n", method.name().toLowerCase(Locale.ROOT),
        answers.taskCount(), answers.workerCount(), answers.labelCount(), answers.answerCount(),
        answers.goldCount(), result.iterations(), result.converged() ? "" : " (not converged)");
    return 0;
  }

  private Aggregator aggregator() {
    if (method == Method.MV) {
      return new MajorityVote();
    }
    try {
      return new DawidSkene(
          new DawidSkene.Config(maxIterations, tolerance, smoothing, diagonalPrior));
    } catch (IllegalArgumentException e) {
      throw new InputException(e.getMessage());
    }
  }
}
