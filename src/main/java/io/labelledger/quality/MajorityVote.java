package io.labelledger.quality;

/**
 * Majority vote: each task gets the label most of its answers gave.
 *
 * <ul>
 *   <li>Ties go to the label whose text sorts lowest ({@link String#compareTo}); with labels "0"
 *       and "1", a 2-2 tie is "0". Deterministic, and it is the rule the published figures for
 *       the usual benchmarks use.
 *   <li>Confidence is the winner's vote share; {@link Aggregation#probability} gives every
 *       label's share.
 *   <li>A task with a gold answer gets its gold label with confidence 1.
 *   <li>Worker accuracy is the fraction of the worker's answers that agree with the chosen label
 *       (the truth taken as certain, not as the vote shares).
 * </ul>
 */
public final class MajorityVote implements Aggregator {
  @Override
  public Aggregation aggregate(AnswerSet answers) {
    double[] shares = voteShares(answers);
    int[] chosen = Aggregation.mostProbable(answers, shares);
    return new Aggregation(answers, shares, chosen, agreement(answers, chosen), 0, true);
  }

  /** Per worker, the fraction of their answers equal to {@code chosen} for the task. */
  private static double[] agreement(AnswerSet answers, int[] chosen) {
    double[] agreed = new double[answers.workerCount()];
    int[] count = new int[answers.workerCount()];
    for (int t = 0; t < answers.taskCount(); t++) {
      for (int i = answers.taskStart[t]; i < answers.taskStart[t + 1]; i++) {
        int w = answers.workerOf[i];
        count[w]++;
        if (answers.labelOf[i] == chosen[t]) {
          agreed[w]++;
        }
      }
    }
    for (int w = 0; w < agreed.length; w++) {
      agreed[w] /= count[w]; // every interned worker gave at least one answer
    }
    return agreed;
  }

  /**
   * Each task's vote share per label ([task * labelCount + label]); a gold task has all its mass
   * on the gold label.
   */
  static double[] voteShares(AnswerSet answers) {
    int labelCount = answers.labelCount();
    double[] shares = new double[answers.taskCount() * labelCount];
    for (int t = 0; t < answers.taskCount(); t++) {
      int base = t * labelCount;
      int gold = answers.goldOf[t];
      if (gold != AnswerSet.NO_GOLD) {
        shares[base + gold] = 1;
        continue;
      }
      int start = answers.taskStart[t];
      int end = answers.taskStart[t + 1];
      for (int i = start; i < end; i++) {
        shares[base + answers.labelOf[i]] += 1;
      }
      double votes = end - start;
      for (int k = 0; k < labelCount; k++) {
        shares[base + k] /= votes;
      }
    }
    return shares;
  }
}
