package io.labelledger.quality;

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

  private static int distinctWorker(SplittableRandom random, int workers, int[] chosen,
      int chosenCount) {
    while (true) {
      int candidate = random.nextInt(workers);
      boolean taken = false;
      for (int i = 0; i < chosenCount && !taken; i++) {
        taken = chosen[i] == candidate;
      }
      if (!taken) {
        return candidate;
      }
    }
  }
}
