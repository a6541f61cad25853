package io.labelledger.answer.multichoice;

import static io.labelledger.answer.CrowdSampling.distinctWorker;
import static io.labelledger.answer.CrowdSampling.uniform;

import io.labelledger.answer.TypedAnswers;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated crowd tagging tasks with known true tag sets, for tests and benchmarks. The same
 * arguments give the same crowd.
 *
 * <ul>
 *   <li><b>Truth:</b> label {@code l} has a prevalence drawn uniformly from [0.05, 0.45]; each task
 *       has each label with its prevalence, independently (so some tasks have no tag).
 *   <li><b>Workers</b>, by {@link Mix} share, each with a sensitivity and a specificity per label
 *       (a ticked label is ticked with the sensitivity; an absent one is left out with the
 *       specificity), independently per label:
 *       <ul>
 *         <li>good: sensitivity 0.80-0.95, specificity 0.95-0.99;
 *         <li>sloppy: misses tags, sensitivity 0.35-0.65, specificity 0.97-0.995, and is blind to
 *             one label (sensitivity 0.05 there);
 *         <li>over-tagger: spurious tags, sensitivity 0.85-0.97, specificity 0.65-0.85, and ticks
 *             one favourite label almost always (specificity 0.15 there);
 *         <li>random: ticks each label with one rate drawn from 0.2-0.6 whatever the truth;
 *         <li>adversarial: ticks what is absent and omits what is present, sensitivity 0.05-0.30,
 *             specificity 0.40-0.70.
 *       </ul>
 *       Good, sloppy and over-tagging workers' rates move by up to ±0.04 from label to label.
 *   <li><b>Answers:</b> each task is answered by {@code answersPerTask} distinct workers drawn
 *       uniformly.
 *   <li><b>Gold:</b> the first {@code goldTasks} tasks carry their true mask as gold.
 * </ul>
 *
 * <p>Ids: tasks {@code t0, t1, ...} (added in this order, so a task's index in the answers is its
 * number), workers {@code w0, w1, ...}; label {@code l} is bit {@code l}.
 */
public final class SyntheticTags {
  public enum Kind { GOOD, SLOPPY, OVER_TAGGER, RANDOM, ADVERSARIAL }

  /** Shares of the workers of each kind, each at least 0, summing to 1. */
  public record Mix(double good, double sloppy, double overTagger, double random, double adversarial) {
    /** 25 % random or adversarial workers. */
    public static final Mix DEFAULT = new Mix(0.40, 0.20, 0.15, 0.15, 0.10);

    public Mix {
      double[] shares = {good, sloppy, overTagger, random, adversarial};
      double sum = 0;
      for (double share : shares) {
        if (!(share >= 0)) {
          throw new IllegalArgumentException("shares must be at least 0: " + this);
        }
        sum += share;
      }
      if (Math.abs(sum - 1) > 1e-9) {
        throw new IllegalArgumentException("shares must sum to 1, sum to " + sum);
      }
    }

    /** The kind of worker {@code j} of {@code workers}: kinds in blocks of their share. */
    Kind kindOf(int j, int workers) {
      double position = (j + 0.5) / workers;
      double[] cumulative = {good, sloppy, overTagger, random, adversarial};
      double upTo = 0;
      for (int k = 0; k < cumulative.length; k++) {
        upTo += cumulative[k];
        if (position < upTo) {
          return Kind.values()[k];
        }
      }
      return Kind.ADVERSARIAL;
    }
  }

  /**
   * @param truth the true mask by task index
   * @param kinds the kind of each worker, by worker index of {@code answers}
   */
  public record Crowd(TypedAnswers<Long, Long> answers, long[] truth, int labels, Kind[] kinds) {
    /** {@link SyntheticTags#macroF1} of {@code aggregates} against this crowd's truth. */
    public double macroF1(List<Long> aggregates) {
      return SyntheticTags.macroF1(truth, aggregates, labels);
    }
  }

  private SyntheticTags() {}

  /** A crowd of {@link Mix#DEFAULT} workers without gold. */
  public static Crowd generate(long seed, int tasks, int labels, int workers, int answersPerTask) {
    return generate(seed, tasks, labels, workers, answersPerTask, Mix.DEFAULT, 0);
  }

  public static Crowd generate(long seed, int tasks, int labels, int workers, int answersPerTask, Mix mix,
      int goldTasks) {
    if (labels < 1 || labels > Long.SIZE || answersPerTask < 1 || answersPerTask > workers) {
      throw new IllegalArgumentException("need 1-64 labels and 1 to " + workers + " answers per task, got "
          + labels + " labels and " + answersPerTask + " answers per task");
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] prevalence = new double[labels];
    for (int l = 0; l < labels; l++) {
      prevalence[l] = uniform(random, 0.05, 0.45);
    }
    Kind[] kindOf = new Kind[workers];
    double[][] sensitivity = new double[workers][labels];
    double[][] specificity = new double[workers][labels];
    for (int j = 0; j < workers; j++) {
      kindOf[j] = mix.kindOf(j, workers);
      draw(random, kindOf[j], sensitivity[j], specificity[j]);
    }

    TypedAnswers.Builder<Long, Long> builder = TypedAnswers.builder();
    long[] truth = new long[tasks];
    int[] chosen = new int[answersPerTask];
    for (int t = 0; t < tasks; t++) {
      String task = "t" + t;
      for (int l = 0; l < labels; l++) {
        if (random.nextDouble() < prevalence[l]) {
          truth[t] |= 1L << l;
        }
      }
      for (int a = 0; a < answersPerTask; a++) {
        int j = distinctWorker(random, workers, chosen, a);
        chosen[a] = j;
        long mask = 0;
        for (int l = 0; l < labels; l++) {
          boolean present = (truth[t] >>> l & 1) != 0;
          double tick = present ? sensitivity[j][l] : 1 - specificity[j][l];
          if (random.nextDouble() < tick) {
            mask |= 1L << l;
          }
        }
        builder.add(task, "w" + j, mask);
      }
      if (t < goldTasks) {
        builder.gold(task, truth[t]);
      }
    }
    TypedAnswers<Long, Long> answers = builder.build();
    Kind[] kinds = new Kind[answers.workerCount()];
    for (int w = 0; w < kinds.length; w++) {
      kinds[w] = kindOf[Integer.parseInt(answers.workerId(w).substring(1))];
    }
    return new Crowd(answers, truth, labels, kinds);
  }

  /**
   * The mean over labels of each label's F1 score (2 TP / (2 TP + FP + FN) over tasks); a label
   * that neither the truth nor the aggregates ever tick scores 1.
   */
  public static double macroF1(long[] truth, List<Long> aggregates, int labels) {
    if (truth.length != aggregates.size()) {
      throw new IllegalArgumentException(truth.length + " true masks, " + aggregates.size() + " aggregates");
    }
    double sum = 0;
    for (int l = 0; l < labels; l++) {
      long tp = 0;
      long wrong = 0;
      for (int t = 0; t < truth.length; t++) {
        long inTruth = truth[t] >>> l & 1;
        long inAggregate = aggregates.get(t) >>> l & 1;
        tp += inTruth & inAggregate;
        wrong += inTruth ^ inAggregate;
      }
      sum += tp + wrong == 0 ? 1 : 2.0 * tp / (2.0 * tp + wrong);
    }
    return sum / labels;
  }

  private static void draw(SplittableRandom random, Kind kind, double[] sensitivity, double[] specificity) {
    int labels = sensitivity.length;
    switch (kind) {
      case GOOD -> jittered(random, uniform(random, 0.80, 0.95), uniform(random, 0.95, 0.99), sensitivity,
          specificity);
      case SLOPPY -> {
        jittered(random, uniform(random, 0.35, 0.65), uniform(random, 0.97, 0.995), sensitivity, specificity);
        sensitivity[random.nextInt(labels)] = 0.05;
      }
      case OVER_TAGGER -> {
        jittered(random, uniform(random, 0.85, 0.97), uniform(random, 0.65, 0.85), sensitivity, specificity);
        specificity[random.nextInt(labels)] = 0.15;
      }
      case RANDOM -> {
        double rate = uniform(random, 0.2, 0.6);
        for (int l = 0; l < labels; l++) {
          sensitivity[l] = rate;
          specificity[l] = 1 - rate;
        }
      }
      case ADVERSARIAL -> {
        double sens = uniform(random, 0.05, 0.30);
        double spec = uniform(random, 0.40, 0.70);
        for (int l = 0; l < labels; l++) {
          sensitivity[l] = sens;
          specificity[l] = spec;
        }
      }
    }
  }

  private static void jittered(SplittableRandom random, double sens, double spec, double[] sensitivity,
      double[] specificity) {
    for (int l = 0; l < sensitivity.length; l++) {
      sensitivity[l] = clamp(sens + uniform(random, -0.04, 0.04));
      specificity[l] = clamp(spec + uniform(random, -0.04, 0.04));
    }
  }

  private static double clamp(double rate) {
    return Math.min(0.999, Math.max(0.001, rate));
  }
}
