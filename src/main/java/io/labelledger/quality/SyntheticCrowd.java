package io.labelledger.quality;

import static io.labelledger.answer.CrowdSampling.distinctWorker;

import java.util.SplittableRandom;

/**
 * A simulated crowd with known truth, for tests and benchmarks. Every task has a uniformly random
 * true label and is answered by {@code answersPerTask} distinct, uniformly chosen workers. Worker
 * {@code j} answers correctly with probability {@code accuracy[j]}, otherwise with a uniformly
 * random wrong label (a symmetric confusion matrix; accuracy {@code 1/labels} is a spammer who
 * answers at random). The same arguments give the same crowd.
 *
 * <p>Ids: tasks {@code t0, t1, ...} (added in this order, so task index = generation order),
 * workers {@code w0, w1, ...}, labels {@code c0, c1, ...}.
 */
final class SyntheticCrowd {
  /**
   * @param truth true label index per task index; -1 if no answer ever used that label
   * @param accuracy the generating accuracy per worker index of {@code answers}
   */
  record Crowd(AnswerSet answers, int[] truth, double[] accuracy) {
    /** Fraction of tasks whose aggregated label is the true one. */
    double accuracyOf(Aggregation result) {
      int correct = 0;
      for (int t = 0; t < truth.length; t++) {
        if (result.labelIndex(t) == truth[t]) {
          correct++;
        }
      }
      return (double) correct / truth.length;
    }

    /**
     * The confusion matrix {@code worker}'s answers show against the truth: {@code [k][l]} = the
     * fraction of their answers on tasks of true label {@code k} that are {@code l} (label indices).
     */
    double[][] observedConfusion(int worker) {
      int labels = answers.labelCount();
      double[][] m = new double[labels][labels];
      int[] perTruth = new int[labels];
      for (int t = 0; t < answers.taskCount(); t++) {
        for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
          if (answers.workerOf(i) == worker) {
            m[truth[t]][answers.labelOf(i)]++;
            perTruth[truth[t]]++;
          }
        }
      }
      for (int k = 0; k < labels; k++) {
        for (int l = 0; l < labels; l++) {
          m[k][l] /= Math.max(1, perTruth[k]);
        }
      }
      return m;
    }

    /** Fraction of {@code worker}'s answers that equal the true label. */
    double observedAccuracy(int worker) {
      int given = 0;
      int correct = 0;
      for (int t = 0; t < answers.taskCount(); t++) {
        for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
          if (answers.workerOf(i) == worker) {
            given++;
            if (answers.labelOf(i) == truth[t]) {
              correct++;
            }
          }
        }
      }
      return (double) correct / given;
    }
  }

  private SyntheticCrowd() {}

  static Crowd generate(int tasks, int labels, int answersPerTask, double[] accuracy, long seed) {
    if (answersPerTask > accuracy.length) {
      throw new IllegalArgumentException(
          answersPerTask + " answers per task need as many workers; got " + accuracy.length);
    }
    SplittableRandom random = new SplittableRandom(seed);
    String[] taskIds = new String[tasks];
    int[] truthByGeneration = new int[tasks];
    AnswerSet.Builder builder = AnswerSet.builder();
    int[] chosen = new int[answersPerTask];
    for (int t = 0; t < tasks; t++) {
      taskIds[t] = "t" + t;
      int truth = random.nextInt(labels);
      truthByGeneration[t] = truth;
      for (int a = 0; a < answersPerTask; a++) {
        int worker = distinctWorker(random, accuracy.length, chosen, a);
        chosen[a] = worker;
        int label = truth;
        if (labels > 1 && random.nextDouble() >= accuracy[worker]) {
          label = (truth + 1 + random.nextInt(labels - 1)) % labels;
        }
        builder.add(taskIds[t], "w" + worker, "c" + label);
      }
    }
    AnswerSet answers = builder.build();

    int[] truth = new int[tasks];
    for (int t = 0; t < tasks; t++) {
      truth[t] = answers.labelIndex("c" + truthByGeneration[t]);
    }
    double[] accuracyByIndex = new double[answers.workerCount()];
    for (int w = 0; w < accuracyByIndex.length; w++) {
      accuracyByIndex[w] = accuracy[Integer.parseInt(answers.workerId(w).substring(1))];
    }
    return new Crowd(answers, truth, accuracyByIndex);
  }

  /**
   * A crowd whose workers follow full confusion matrices: worker {@code j} answers label {@code l}
   * for a task of true label {@code k} with probability {@code confusion[j][k][l]} (each row sums to
   * 1). {@link Crowd#accuracy()} is then the mean of a worker's diagonal (the truth is uniform).
   */
  static Crowd generate(int tasks, int answersPerTask, double[][][] confusion, long seed) {
    int workers = confusion.length;
    int labels = confusion[0].length;
    if (answersPerTask > workers) {
      throw new IllegalArgumentException(
          answersPerTask + " answers per task need as many workers; got " + workers);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] truthByGeneration = new int[tasks];
    AnswerSet.Builder builder = AnswerSet.builder();
    int[] chosen = new int[answersPerTask];
    for (int t = 0; t < tasks; t++) {
      int truth = random.nextInt(labels);
      truthByGeneration[t] = truth;
      for (int a = 0; a < answersPerTask; a++) {
        int worker = distinctWorker(random, workers, chosen, a);
        chosen[a] = worker;
        double u = random.nextDouble();
        int label = labels - 1;
        for (int l = 0; l < labels - 1; l++) {
          u -= confusion[worker][truth][l];
          if (u < 0) {
            label = l;
            break;
          }
        }
        builder.add("t" + t, "w" + worker, "c" + label);
      }
    }
    for (int l = 0; l < labels; l++) {
      builder.label("c" + l);
    }
    AnswerSet answers = builder.build();
    int[] truth = new int[tasks];
    for (int t = 0; t < tasks; t++) {
      truth[t] = answers.labelIndex("c" + truthByGeneration[t]);
    }
    double[] accuracyByIndex = new double[answers.workerCount()];
    for (int w = 0; w < accuracyByIndex.length; w++) {
      double[][] m = confusion[Integer.parseInt(answers.workerId(w).substring(1))];
      for (int k = 0; k < labels; k++) {
        accuracyByIndex[w] += m[k][k] / labels;
      }
    }
    return new Crowd(answers, truth, accuracyByIndex);
  }
}
