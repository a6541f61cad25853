package io.labelledger.quality;

import java.util.Arrays;

/**
 * Dawid-Skene (1979): expectation-maximisation over one confusion matrix per worker,
 * {@code pi[w][k][l]} = P(worker w answers l | true label k), and class priors.
 *
 * <ul>
 *   <li><b>Start:</b> each task's distribution over labels is its majority-vote shares (soft).
 *   <li><b>M-step:</b> priors and confusion matrices from the current distributions, as the
 *       mode under a Dirichlet prior: every count gets the pseudo-count
 *       {@link Config#smoothing()} α and every diagonal count (answer = true label) also
 *       {@link Config#diagonalPrior()} β, so
 *       {@code pi[w][k][l] = (n[w][k][l] + α + β[l = k]) / (n[w][k] + K α + β)} and
 *       {@code prior[k] = (n[k] + α) / (T + K α)}, where n are expected counts. α keeps every
 *       log finite; β says workers do better than chance, which picks the sensible answer where
 *       the likelihood cannot (one worker alone: believing them and ignoring them fit equally).
 *   <li><b>E-step:</b> each task's posterior {@code ∝ prior[k] · Π pi[w][k][l]} over its answers,
 *       summed in log space and normalised with log-sum-exp, so thousands of answers per task
 *       cannot underflow.
 *   <li><b>Gold:</b> a task with a gold answer keeps all its mass on the gold label throughout, so
 *       it informs the confusion matrices of the workers who answered it.
 *   <li><b>Stop:</b> when no posterior moved by more than {@link Config#tolerance()} in an
 *       iteration (converged), or after {@link Config#maxIterations()} iterations.
 * </ul>
 *
 * <p>Each task gets its most probable label (exact ties to the label that sorts lowest) and its
 * posterior as confidence. Worker accuracy is the expected fraction of the worker's answers that
 * equal the true label under the final posteriors (the mean, over the worker's answers, of the
 * posterior of the label they gave); it reflects their answers, not the pseudo-counts of the
 * confusion matrix.
 *
 * <p>Memory beyond the input: the posteriors ({@code T·K} doubles) and the confusion matrices
 * ({@code W·K·K} doubles). Time per iteration: {@code O(answers · K)}. Single-threaded and
 * deterministic.
 */
public final class DawidSkene implements Aggregator {
  private final Config config;

  public DawidSkene(Config config) {
    this.config = config;
  }

  public DawidSkene() {
    this(Config.DEFAULTS);
  }

  /**
   * EM settings. Defaults: EM converges linearly, about 40 iterations per tenfold smaller
   * tolerance on 1M synthetic answers (4 labels), where labels stop changing after ~20
   * iterations; a tolerance of 1e-4 converges there in ~65 iterations and in ~15 on d_sentiment,
   * and 200 iterations leave room for harder data. A smoothing of 0.01 and a diagonal prior of 1
   * barely move workers with a few hundred answers; with them DS scores 0.960 on d_sentiment.
   *
   * @param maxIterations EM iterations at most, at least 1
   * @param tolerance converged when no posterior changes by more than this in one iteration, at
   *     least 0
   * @param smoothing pseudo-count α added to every confusion-matrix cell and class count, at
   *     least 0
   * @param diagonalPrior pseudo-count β added to every diagonal confusion-matrix cell, on top of
   *     α, at least 0; α = β = 0 is the unsmoothed maximum-likelihood estimate
   */
  public record Config(int maxIterations, double tolerance, double smoothing,
      double diagonalPrior) {
    public static final int DEFAULT_MAX_ITERATIONS = 200;
    public static final double DEFAULT_TOLERANCE = 1e-4;
    public static final double DEFAULT_SMOOTHING = 0.01;
    public static final double DEFAULT_DIAGONAL_PRIOR = 1;
    public static final Config DEFAULTS = new Config(DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE,
        DEFAULT_SMOOTHING, DEFAULT_DIAGONAL_PRIOR);

    public Config {
      if (maxIterations < 1) {
        throw new IllegalArgumentException("maxIterations must be at least 1, was " + maxIterations);
      }
      if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
        throw new IllegalArgumentException("tolerance must be finite and >= 0, was " + tolerance);
      }
      if (!(smoothing >= 0) || Double.isInfinite(smoothing)) {
        throw new IllegalArgumentException("smoothing must be finite and >= 0, was " + smoothing);
      }
      if (!(diagonalPrior >= 0) || Double.isInfinite(diagonalPrior)) {
        throw new IllegalArgumentException(
            "diagonalPrior must be finite and >= 0, was " + diagonalPrior);
      }
    }
  }

  @Override
  public Aggregation aggregate(AnswerSet answers) {
    return fit(answers).aggregation();
  }

  /**
   * What EM ended with: the aggregation, and the model it came from — the confusion matrices and
   * class priors of the last M-step, from which the aggregation's posteriors were computed. A
   * caller may keep the model and score new answers with it ({@link Posterior}) without
   * rerunning EM.
   *
   * @param confusion {@code P(worker w answers l | true label k)} at
   *     {@code [(w * labelCount + k) * labelCount + l]}, label indices as in the answer set; every
   *     row sums to 1
   * @param prior {@code P(true label k)} at {@code [k]}
   */
  public record Fit(Aggregation aggregation, double[] confusion, double[] prior) {
    /** Row {@code k} of {@code worker}'s confusion matrix: {@code P(answers l | true k)} by {@code l}. */
    public double[] confusionRow(int worker, int trueLabel) {
      int labelCount = prior.length;
      int from = (worker * labelCount + trueLabel) * labelCount;
      return Arrays.copyOfRange(confusion, from, from + labelCount);
    }
  }

  /** Runs EM; see the class comment. */
  public Fit fit(AnswerSet answers) {
    int labelCount = answers.labelCount();
    double[] posterior = MajorityVote.voteShares(answers);
    // log pi, laid out [worker][answered label][true label] so both steps read it sequentially
    double[] logConfusion = new double[answers.workerCount() * labelCount * labelCount];
    double[] logPrior = new double[labelCount];
    double[] scratch = new double[labelCount];

    int iterations = 0;
    boolean converged = false;
    while (iterations < config.maxIterations() && !converged) {
      iterations++;
      maximise(answers, posterior, logConfusion, logPrior);
      converged = expect(answers, logConfusion, logPrior, posterior, scratch) <= config.tolerance();
    }
    return new Fit(new Aggregation(answers, posterior, Aggregation.mostProbable(answers, posterior),
        expectedAccuracy(answers, posterior), iterations, converged),
        confusionByTrueLabel(logConfusion, answers.workerCount(), labelCount), exp(logPrior));
  }

  /** The log confusion ([w][answered l][true k]) as probabilities laid out [w][true k][answered l]. */
  private static double[] confusionByTrueLabel(double[] logConfusion, int workers, int labelCount) {
    double[] out = new double[logConfusion.length];
    for (int w = 0; w < workers; w++) {
      int m = w * labelCount * labelCount;
      for (int l = 0; l < labelCount; l++) {
        for (int k = 0; k < labelCount; k++) {
          out[m + k * labelCount + l] = Math.exp(logConfusion[m + l * labelCount + k]);
        }
      }
    }
    return out;
  }

  private static double[] exp(double[] logs) {
    double[] out = new double[logs.length];
    for (int i = 0; i < logs.length; i++) {
      out[i] = Math.exp(logs[i]);
    }
    return out;
  }

  /** M-step: log priors and log confusion matrices from the posteriors, with the priors. */
  private void maximise(AnswerSet answers, double[] posterior, double[] logConfusion,
      double[] logPrior) {
    int labelCount = answers.labelCount();
    double alpha = config.smoothing();
    double beta = config.diagonalPrior();
    Arrays.fill(logConfusion, 0);
    Arrays.fill(logPrior, 0);
    for (int t = 0; t < answers.taskCount(); t++) {
      int base = t * labelCount;
      for (int k = 0; k < labelCount; k++) {
        logPrior[k] += posterior[base + k];
      }
      for (int i = answers.taskStart[t]; i < answers.taskStart[t + 1]; i++) {
        int cell = (answers.workerOf[i] * labelCount + answers.labelOf[i]) * labelCount;
        for (int k = 0; k < labelCount; k++) {
          logConfusion[cell + k] += posterior[base + k];
        }
      }
    }
    double priorTotal = answers.taskCount() + labelCount * alpha;
    for (int k = 0; k < labelCount; k++) {
      logPrior[k] = Math.log((logPrior[k] + alpha) / priorTotal);
    }
    double[] rowTotal = new double[labelCount];
    int matrixSize = labelCount * labelCount;
    for (int m = 0; m < logConfusion.length; m += matrixSize) {
      Arrays.fill(rowTotal, labelCount * alpha + beta);
      for (int l = 0; l < labelCount; l++) {
        for (int k = 0; k < labelCount; k++) {
          rowTotal[k] += logConfusion[m + l * labelCount + k];
        }
      }
      for (int l = 0; l < labelCount; l++) {
        for (int k = 0; k < labelCount; k++) {
          int c = m + l * labelCount + k;
          double pseudo = l == k ? alpha + beta : alpha;
          // an empty row (no mass on class k, no pseudo-counts) says nothing: uniform
          double p =
              rowTotal[k] > 0 ? (logConfusion[c] + pseudo) / rowTotal[k] : 1.0 / labelCount;
          logConfusion[c] = Math.log(p);
        }
      }
    }
  }

  /**
   * E-step: replaces each non-gold task's posterior in place.
   *
   * @return the largest change of any posterior probability
   */
  private static double expect(AnswerSet answers, double[] logConfusion, double[] logPrior,
      double[] posterior, double[] logP) {
    int labelCount = answers.labelCount();
    double maxChange = 0;
    for (int t = 0; t < answers.taskCount(); t++) {
      if (answers.goldOf[t] != AnswerSet.NO_GOLD) {
        continue; // clamped to the gold label since the start
      }
      System.arraycopy(logPrior, 0, logP, 0, labelCount);
      for (int i = answers.taskStart[t]; i < answers.taskStart[t + 1]; i++) {
        int cell = (answers.workerOf[i] * labelCount + answers.labelOf[i]) * labelCount;
        for (int k = 0; k < labelCount; k++) {
          logP[k] += logConfusion[cell + k];
        }
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < labelCount; k++) {
        max = Math.max(max, logP[k]);
      }
      if (max == Double.NEGATIVE_INFINITY) {
        continue; // only when α = 0: every label impossible; keep the previous posterior
      }
      double sum = 0;
      for (int k = 0; k < labelCount; k++) {
        logP[k] = Math.exp(logP[k] - max);
        sum += logP[k];
      }
      int base = t * labelCount;
      for (int k = 0; k < labelCount; k++) {
        double p = logP[k] / sum;
        maxChange = Math.max(maxChange, Math.abs(p - posterior[base + k]));
        posterior[base + k] = p;
      }
    }
    return maxChange;
  }

  /** Per worker, the mean posterior of the labels they answered. */
  private static double[] expectedAccuracy(AnswerSet answers, double[] posterior) {
    int labelCount = answers.labelCount();
    double[] correct = new double[answers.workerCount()];
    int[] count = new int[answers.workerCount()];
    for (int t = 0; t < answers.taskCount(); t++) {
      int base = t * labelCount;
      for (int i = answers.taskStart[t]; i < answers.taskStart[t + 1]; i++) {
        int w = answers.workerOf[i];
        correct[w] += posterior[base + answers.labelOf[i]];
        count[w]++;
      }
    }
    for (int w = 0; w < correct.length; w++) {
      correct[w] /= count[w]; // every interned worker gave at least one answer
    }
    return correct;
  }
}
