package io.labelledger.quality;

/**
 * What an {@link Aggregator} concluded about an {@link AnswerSet}: for every task a probability
 * per label, the chosen label and its confidence; for every worker an estimated accuracy.
 *
 * <p>The chosen label is the most probable one; exact ties go to the lowest label index, that is
 * the label whose text sorts lowest (see {@link AnswerSet}). A task with a gold answer always
 * gets its gold label with confidence 1. Worker accuracy is the expected fraction of the worker's
 * answers that equal the true label, the truth being distributed as the method says (each method
 * documents which distribution it uses). Immutable.
 */
public final class Aggregation {
  private final AnswerSet answers;
  private final double[] probability; // [task * labelCount + label]
  private final int[] label;
  private final double[] workerAccuracy;
  private final int iterations;
  private final boolean converged;

  /** Takes ownership of the arrays; {@code label} as {@link #mostProbable} computes it. */
  Aggregation(AnswerSet answers, double[] probability, int[] label, double[] workerAccuracy,
      int iterations, boolean converged) {
    this.answers = answers;
    this.probability = probability;
    this.label = label;
    this.workerAccuracy = workerAccuracy;
    this.iterations = iterations;
    this.converged = converged;
  }

  public AnswerSet answers() {
    return answers;
  }

  /** The chosen label index of {@code task}. */
  public int labelIndex(int task) {
    return label[task];
  }

  /** The chosen label of {@code task}. */
  public String label(int task) {
    return answers.label(label[task]);
  }

  /** The probability of the chosen label of {@code task}, in [1 / labelCount, 1]. */
  public double confidence(int task) {
    return probability(task, label[task]);
  }

  /** The probability that {@code label} (an index) is the true label of {@code task}. */
  public double probability(int task, int label) {
    return probability[task * answers.labelCount() + label];
  }

  /** The estimated accuracy of {@code worker}, in [0, 1]. */
  public double workerAccuracy(int worker) {
    return workerAccuracy[worker];
  }

  /** EM rounds run; 0 for a method that does not iterate. */
  public int iterations() {
    return iterations;
  }

  /** Whether the method met its convergence test before its iteration limit. */
  public boolean converged() {
    return converged;
  }

  /**
   * Each task's most probable label under {@code probability} ([task * labelCount + label]);
   * the lowest index wins exact ties.
   */
  static int[] mostProbable(AnswerSet answers, double[] probability) {
    int taskCount = answers.taskCount();
    int labelCount = answers.labelCount();
    int[] best = new int[taskCount];
    for (int t = 0; t < taskCount; t++) {
      int base = t * labelCount;
      int b = 0;
      for (int k = 1; k < labelCount; k++) {
        if (probability[base + k] > probability[base + b]) {
          b = k;
        }
      }
      best[t] = b;
    }
    return best;
  }
}
