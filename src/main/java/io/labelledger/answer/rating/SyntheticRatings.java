package io.labelledger.answer.rating;

import static io.labelledger.answer.CrowdSampling.distinctWorker;
import static io.labelledger.answer.CrowdSampling.uniform;

import io.labelledger.answer.TypedAnswers;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated crowd rating tasks on an integer scale {@code [min, max]} with known true values, for
 * tests and benchmarks. The same arguments give the same crowd. With {@code R = max - min} and
 * {@code c} the middle of the scale:
 *
 * <ul>
 *   <li><b>Truth:</b> each task's value is uniform on {@code [min, max]} (a real number).
 *   <li><b>Raters</b>, by {@link Mix} share, rate {@code round(c + a + s (μ - c) + ε)} clamped to the
 *       scale, {@code ε ~ N(0, σ²)} with {@code σ} drawn from {@code [0.08 R, 0.2 R]} (0.3-0.8 on a
 *       1-5 scale):
 *       <ul>
 *         <li>fair: {@code a} within ±0.05 R, {@code s} 0.9-1.1;
 *         <li>harsh: {@code a} from -0.1 R to -0.25 R, {@code s} 0.9-1.1;
 *         <li>lenient: {@code a} from 0.1 R to 0.25 R, {@code s} 0.9-1.1;
 *         <li>compressed (keeps to the middle): {@code a} within ±0.05 R, {@code s} 0.4-0.7;
 *         <li>stretched (goes to the ends): {@code a} within ±0.05 R, {@code s} 1.3-1.7;
 *         <li>random: any rating of the scale, uniformly, whatever the task.
 *       </ul>
 *   <li><b>Answers:</b> each task is rated by {@code answersPerTask} distinct raters drawn uniformly.
 *   <li><b>Gold:</b> the first {@code goldTasks} tasks carry their true value as gold.
 * </ul>
 *
 * <p>Ids: tasks {@code t0, t1, ...} (added in this order, so a task's index in the answers is its
 * number), raters {@code w0, w1, ...}.
 */
public final class SyntheticRatings {
  public enum Kind { FAIR, HARSH, LENIENT, COMPRESSED, STRETCHED, RANDOM }

  /** Shares of the raters of each kind, each at least 0, summing to 1. */
  public record Mix(double fair, double harsh, double lenient, double compressed, double stretched,
      double random) {
    /** 25 % random raters. */
    public static final Mix DEFAULT = new Mix(0.30, 0.12, 0.12, 0.11, 0.10, 0.25);

    public Mix {
      double sum = 0;
      for (double share : shares(fair, harsh, lenient, compressed, stretched, random)) {
        if (!(share >= 0)) {
          throw new IllegalArgumentException("shares must be at least 0: " + this);
        }
        sum += share;
      }
      if (Math.abs(sum - 1) > 1e-9) {
        throw new IllegalArgumentException("shares must sum to 1, sum to " + sum);
      }
    }

    /** The kind of rater {@code j} of {@code workers}: kinds in blocks of their share. */
    Kind kindOf(int j, int workers) {
      double position = (j + 0.5) / workers;
      double[] shares = shares(fair, harsh, lenient, compressed, stretched, random);
      double upTo = 0;
      for (int k = 0; k < shares.length; k++) {
        upTo += shares[k];
        if (position < upTo) {
          return Kind.values()[k];
        }
      }
      return Kind.RANDOM;
    }

    private static double[] shares(double... shares) {
      return shares;
    }
  }

  /**
   * @param truth the true value by task index
   * @param kinds the kind of each rater, by worker index of {@code answers}
   */
  public record Crowd(TypedAnswers<Integer, Double> answers, double[] truth, Kind[] kinds) {
    /** {@link SyntheticRatings#meanAbsoluteError} of {@code aggregates} against this crowd's truth. */
    public double meanAbsoluteError(List<Double> aggregates) {
      return SyntheticRatings.meanAbsoluteError(truth, aggregates);
    }
  }

  private SyntheticRatings() {}

  /** A crowd of {@link Mix#DEFAULT} raters without gold. */
  public static Crowd generate(long seed, int tasks, int workers, int answersPerTask, int min, int max) {
    return generate(seed, tasks, workers, answersPerTask, min, max, Mix.DEFAULT, 0);
  }

  public static Crowd generate(long seed, int tasks, int workers, int answersPerTask, int min, int max,
      Mix mix, int goldTasks) {
    if (min >= max || answersPerTask < 1 || answersPerTask > workers) {
      throw new IllegalArgumentException("need min < max and 1 to " + workers + " answers per task, got "
          + min + ".." + max + " and " + answersPerTask);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double range = (double) max - min;
    double middle = ((double) min + max) / 2;
    Kind[] kindOf = new Kind[workers];
    double[][] rater = new double[workers][];
    for (int j = 0; j < workers; j++) {
      kindOf[j] = mix.kindOf(j, workers);
      rater[j] = draw(random, kindOf[j], range);
    }

    TypedAnswers.Builder<Integer, Double> builder = TypedAnswers.builder();
    double[] truth = new double[tasks];
    int[] chosen = new int[answersPerTask];
    for (int t = 0; t < tasks; t++) {
      String task = "t" + t;
      truth[t] = uniform(random, min, max);
      for (int k = 0; k < answersPerTask; k++) {
        int j = distinctWorker(random, workers, chosen, k);
        chosen[k] = j;
        int rating;
        if (kindOf[j] == Kind.RANDOM) {
          rating = min + random.nextInt(max - min + 1);
        } else {
          double[] r = rater[j];
          double raw = middle + r[0] + r[1] * (truth[t] - middle) + r[2] * random.nextGaussian();
          rating = (int) Math.max(min, Math.min(max, Math.round(raw)));
        }
        builder.add(task, "w" + j, rating);
      }
      if (t < goldTasks) {
        builder.gold(task, truth[t]);
      }
    }
    TypedAnswers<Integer, Double> answers = builder.build();
    Kind[] kinds = new Kind[answers.workerCount()];
    for (int w = 0; w < kinds.length; w++) {
      kinds[w] = kindOf[Integer.parseInt(answers.workerId(w).substring(1))];
    }
    return new Crowd(answers, truth, kinds);
  }

  /** The mean of |aggregate - truth| over tasks. */
  public static double meanAbsoluteError(double[] truth, List<Double> aggregates) {
    if (truth.length != aggregates.size()) {
      throw new IllegalArgumentException(truth.length + " true values, " + aggregates.size() + " aggregates");
    }
    double sum = 0;
    for (int t = 0; t < truth.length; t++) {
      sum += Math.abs(aggregates.get(t) - truth[t]);
    }
    return sum / truth.length;
  }

  /** {a, s, σ} of a rater of {@code kind}; unused for a random rater. */
  private static double[] draw(SplittableRandom random, Kind kind, double range) {
    double noise = uniform(random, 0.08, 0.2) * range;
    double small = uniform(random, -0.05, 0.05) * range;
    double unit = uniform(random, 0.9, 1.1);
    return switch (kind) {
      case FAIR, RANDOM -> new double[] {small, unit, noise};
      case HARSH -> new double[] {-uniform(random, 0.1, 0.25) * range, unit, noise};
      case LENIENT -> new double[] {uniform(random, 0.1, 0.25) * range, unit, noise};
      case COMPRESSED -> new double[] {small, uniform(random, 0.4, 0.7), noise};
      case STRETCHED -> new double[] {small, uniform(random, 1.3, 1.7), noise};
    };
  }
}
