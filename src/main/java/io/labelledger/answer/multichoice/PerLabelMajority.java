package io.labelledger.answer.multichoice;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The naive baseline for multi-label answers: a label is ticked when more than half of a task's
 * answers tick it (a tie leaves it out). Every worker counts the same, so there are no worker
 * parameters (an empty array each). Confidence is the smallest, over labels, share of answers on the
 * winning side; a worker's reliability is the share of their (answer, label) decisions that agree
 * with the aggregate. Gold tasks keep their gold mask.
 */
public final class PerLabelMajority implements TypedModel<Long, Long> {
  private static final double[] NO_PARAMS = new double[0];

  private final int labelCount;

  /** @param labelCount how many labels a mask can tick, 1 to 64 */
  public PerLabelMajority(int labelCount) {
    if (labelCount < 1 || labelCount > Long.SIZE) {
      throw new IllegalArgumentException("labelCount must be 1 to 64, was " + labelCount);
    }
    this.labelCount = labelCount;
  }

  @Override
  public Fit<Long> fit(TypedAnswers<Long, Long> answers) {
    int[] counts = new int[labelCount];
    List<Long> aggregates = new ArrayList<>(answers.taskCount());
    double[] confidence = new double[answers.taskCount()];
    double[] agreement = new double[answers.workerCount()];
    for (int t = 0; t < answers.taskCount(); t++) {
      Long gold = answers.gold(t);
      long aggregate;
      if (gold != null) {
        aggregate = gold;
        confidence[t] = 1;
      } else {
        aggregate = vote(answers, t, counts);
        confidence[t] = leastShare(counts, answers.answerEnd(t) - answers.answerStart(t));
      }
      aggregates.add(aggregate);
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        long differing = (answers.value(i) ^ aggregate) & mask(labelCount);
        agreement[answers.workerOf(i)] += labelCount - Long.bitCount(differing);
      }
    }
    int[] perWorker = answers.answersPerWorker();
    List<double[]> params = new ArrayList<>(answers.workerCount());
    for (int w = 0; w < answers.workerCount(); w++) {
      agreement[w] /= (double) perWorker[w] * labelCount;
      params.add(NO_PARAMS);
    }
    return new Fit<>(aggregates, confidence, params, agreement, 1, true);
  }

  @Override
  public Scored<Long> score(List<Long> values, List<double[]> workerParams) {
    if (values.isEmpty() || values.size() != workerParams.size()) {
      throw new IllegalArgumentException("need as many worker parameters as values (at least one), got "
          + values.size() + " values and " + workerParams.size() + " parameters");
    }
    int[] counts = new int[labelCount];
    for (long mask : values) {
      count(mask, counts);
    }
    return new Scored<>(majority(counts, values.size()), leastShare(counts, values.size()));
  }

  private long vote(TypedAnswers<Long, ?> answers, int task, int[] counts) {
    Arrays.fill(counts, 0);
    for (int i = answers.answerStart(task); i < answers.answerEnd(task); i++) {
      count(answers.value(i), counts);
    }
    return majority(counts, answers.answerEnd(task) - answers.answerStart(task));
  }

  private void count(long mask, int[] counts) {
    for (int l = 0; l < labelCount; l++) {
      counts[l] += (int) (mask >>> l & 1);
    }
  }

  private static long majority(int[] counts, int answers) {
    long aggregate = 0;
    for (int l = 0; l < counts.length; l++) {
      if (2 * counts[l] > answers) {
        aggregate |= 1L << l;
      }
    }
    return aggregate;
  }

  private static double leastShare(int[] counts, int answers) {
    int least = answers;
    for (int count : counts) {
      least = Math.min(least, Math.max(count, answers - count));
    }
    return (double) least / answers;
  }

  private static long mask(int labelCount) {
    return labelCount == Long.SIZE ? -1L : (1L << labelCount) - 1;
  }
}
