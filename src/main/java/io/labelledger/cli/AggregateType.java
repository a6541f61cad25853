package io.labelledger.cli;

import java.nio.file.Path;
import java.util.Set;

/**
 * One answer type as {@code labelledger aggregate --type} reads, aggregates and writes it: its input
 * and output columns, the options it reads, and the model behind it. Every type is one entry of
 * {@link AggregateTypes#ALL}; the command itself knows none of them.
 */
interface AggregateType {
  /** What {@code --type} calls it. */
  String name();

  /** Its files, for the help: {@code "task,worker,labels -> task,labels,confidence"}. */
  String columns();

  /**
   * The options it reads beyond those every type takes ({@link AggregateTypes#COMMON_OPTIONS}), by
   * their longest name; the command rejects any other.
   */
  Set<String> options();

  /**
   * Reads {@code request.input()} (and the gold file), aggregates, writes {@code request.output()}
   * (and the workers file).
   *
   * @return the summary line the command prints
   * @throws InputException when a file or an option cannot be used, naming file and line
   */
  String aggregate(Request request);

  /** What the command line gave; each type reads the fields its {@link #options()} name. */
  record Request(Path input, Path output, Path gold, Path workers, AggregateCommand.Method method,
      int maxIterations, double tolerance, double smoothing, double diagonalPrior, String scale) {}
}
