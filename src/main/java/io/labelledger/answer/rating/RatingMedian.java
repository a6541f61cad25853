package io.labelledger.answer.rating;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The naive baseline for ratings: each task's median rating (the mean of the middle two for an even
 * count), every rater counting the same, so there are no worker parameters (an empty array each).
 * Confidence is the share of a task's ratings within 0.5 of its median; a rater's reliability the
 * share of their ratings within 0.5 of their tasks' medians. Gold tasks keep their gold value.
 */
public final class RatingMedian implements TypedModel<Integer, Double> {
  private static final double[] NO_PARAMS = new double[0];

  @Override
  public Fit<Double> fit(TypedAnswers<Integer, Double> answers) {
    List<Double> aggregates = new ArrayList<>(answers.taskCount());
    double[] confidence = new double[answers.taskCount()];
    double[] near = new double[answers.workerCount()];
    for (int t = 0; t < answers.taskCount(); t++) {
      double[] ratings = new double[answers.answerEnd(t) - answers.answerStart(t)];
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        ratings[i - answers.answerStart(t)] = answers.value(i);
      }
      Double gold = answers.gold(t);
      double aggregate = gold != null ? gold : RatingModel.median(ratings, 0, ratings.length);
      aggregates.add(aggregate);
      confidence[t] = gold != null ? 1 : shareNear(ratings, aggregate);
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        near[answers.workerOf(i)] += Math.abs(answers.value(i) - aggregate) <= 0.5 ? 1 : 0;
      }
    }
    int[] perWorker = answers.answersPerWorker();
    List<double[]> params = new ArrayList<>(answers.workerCount());
    for (int w = 0; w < near.length; w++) {
      near[w] /= perWorker[w];
      params.add(NO_PARAMS);
    }
    return new Fit<>(aggregates, confidence, params, near, 1, true);
  }

  @Override
  public Scored<Double> score(List<Integer> values, List<double[]> workerParams) {
    if (values.isEmpty() || values.size() != workerParams.size()) {
      throw new IllegalArgumentException("need as many worker parameters as values (at least one), got "
          + values.size() + " values and " + workerParams.size() + " parameters");
    }
    double[] ratings = values.stream().mapToDouble(Integer::doubleValue).toArray();
    double median = RatingModel.median(ratings, 0, ratings.length);
    return new Scored<>(median, shareNear(ratings, median));
  }

  private static double shareNear(double[] ratings, double value) {
    int near = 0;
    for (double rating : ratings) {
      near += Math.abs(rating - value) <= 0.5 ? 1 : 0;
    }
    return (double) near / ratings.length;
  }
}
