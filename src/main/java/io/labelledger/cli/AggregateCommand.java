package io.labelledger.cli;

import io.labelledger.quality.DawidSkene;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code labelledger aggregate}: one aggregate per task from a CSV of crowd answers, for any answer
 * type of {@link AggregateTypes} ({@code --type}, single_choice by default).
 */
@Command(name = "aggregate", mixinStandardHelpOptions = true,
    modelTransformer = AggregateCommand.TypesInHelp.class,
    description = {
        "Aggregates crowd answers into one answer per task (a label, a tag set, a rating, a text) or a"
            + " score per item (pairwise), fitting how reliable each worker is.",
        "single_choice ties go to the label that sorts lowest as text. Gold tasks keep their gold answer."})
final class AggregateCommand implements Callable<Integer> {
  enum Method { MV, DS }

  @Spec
  private CommandSpec spec;

  @Option(names = "--type", defaultValue = "single_choice", paramLabel = "TYPE",
      completionCandidates = AggregateTypes.Names.class,
      description = "The answer type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  private String type;

  @Option(names = "--method", paramLabel = "mv|ds",
      description = "single_choice, required: mv majority vote; ds Dawid-Skene (EM over per-worker"
          + " confusion matrices).")
  private Method method;

  @Option(names = "--input", required = true, paramLabel = "answers.csv",
      description = "CSV with a header, columns by --type (below); any non-empty strings as ids.")
  private Path input;

  @Option(names = "--output", required = true, paramLabel = "out.csv",
      description = "Written with the columns of --type, tasks in the order they first appear"
          + " (pairwise: best item first).")
  private Path output;

  @Option(names = "--gold", paramLabel = "gold.csv",
      description = "Known answers, header task,<the answers' value column> (or task,truth); held fixed."
          + " Not for pairwise.")
  private Path gold;

  @Option(names = "--workers", paramLabel = "workers.csv",
      description = "Also write worker,accuracy,answers (accuracy: the model's reliability, 0-1).")
  private Path workers;

  @Option(names = "--scale", paramLabel = "MIN..MAX",
      description = "rating: the scale's ends (default: the lowest and highest rating given).")
  private String scale;

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
    AggregateType answerType = AggregateTypes.named(type);
    for (OptionSpec option : spec.commandLine().getParseResult().matchedOptions()) {
      String name = option.longestName();
      if (!AggregateTypes.COMMON_OPTIONS.contains(name) && !answerType.options().contains(name)) {
        throw new InputException(name + " does not apply to --type " + answerType.name());
      }
    }
    String summary = answerType.aggregate(new AggregateType.Request(input, output, gold, workers, method,
        maxIterations, tolerance, smoothing, diagonalPrior, scale));
    spec.commandLine().getOut().println(summary);
    return 0;
  }

  /** Lists every type's files under the options, from the table itself. */
  static final class TypesInHelp implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec command) {
      command.usageMessage().footer(AggregateTypes.usage());
      return command;
    }
  }
}
