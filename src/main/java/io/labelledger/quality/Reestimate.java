package io.labelledger.quality;

import java.util.ArrayList;
import java.util.List;

/**
 * A Dawid-Skene re-estimate of one campaign, turned into what the service stores: the model by
 * the campaign's label positions (priors, each contributor's confusion matrix and accuracy) and
 * every answered item's label. Pure; the aggregation worker runs it off the event loop.
 */
public final class Reestimate {
  private Reestimate() {}

  /**
   * @param confusion P(answers l | true k) at {@code [k * K + l]}, label positions of the campaign
   * @param accuracy Dawid-Skene's estimate (expected fraction of their answers that are right)
   */
  public record ContributorEstimate(String contributor, double[] confusion, double accuracy, int answers) {}

  /** An item's label as the re-estimate sees it, from {@code answers} answers. */
  public record ItemEstimate(long itemId, int answers, String label, double confidence) {}

  /**
   * @param prior class priors by label position
   * @param meanAccuracy the contributors' accuracy weighted by their answers
   */
  public record Result(double[] prior, double meanAccuracy, List<ContributorEstimate> contributors,
      List<ItemEstimate> items, int answerCount, int iterations, boolean converged) {}

  /**
   * Starts an answer set for a campaign with these labels: every label declared, so the model has
   * a row and a column for each, used or not. Tasks are item ids, workers contributors.
   */
  public static AnswerSet.Builder answers(List<String> labels) {
    AnswerSet.Builder builder = AnswerSet.builder();
    labels.forEach(builder::label);
    return builder;
  }

  /**
   * Fits {@code dawidSkene} to {@code answers} (built with {@link #answers}; task ids are item ids).
   *
   * @throws IllegalArgumentException when an answer or gold label is not one of {@code labels}
   */
  public static Result run(DawidSkene dawidSkene, List<String> labels, AnswerSet answers) {
    int k = labels.size();
    if (answers.labelCount() != k) {
      throw new IllegalArgumentException("answers use " + answers.labelCount() + " labels, the campaign has " + k);
    }
    int[] index = new int[k]; // label position -> answer set's label index
    for (int p = 0; p < k; p++) {
      index[p] = answers.labelIndex(labels.get(p));
      if (index[p] < 0) {
        throw new IllegalArgumentException("label '" + labels.get(p) + "' is missing from the answers");
      }
    }
    DawidSkene.Fit fit = dawidSkene.fit(answers);
    Aggregation aggregation = fit.aggregation();

    double[] prior = new double[k];
    for (int p = 0; p < k; p++) {
      prior[p] = fit.prior()[index[p]];
    }
    int[] perWorker = answers.answersPerWorker();
    List<ContributorEstimate> contributors = new ArrayList<>(answers.workerCount());
    double weighted = 0;
    for (int w = 0; w < answers.workerCount(); w++) {
      double[] confusion = new double[k * k];
      int base = w * k * k;
      for (int t = 0; t < k; t++) {
        for (int l = 0; l < k; l++) {
          confusion[t * k + l] = fit.confusion()[base + index[t] * k + index[l]];
        }
      }
      double accuracy = aggregation.workerAccuracy(w);
      weighted += accuracy * perWorker[w];
      contributors.add(new ContributorEstimate(answers.workerId(w), confusion, accuracy, perWorker[w]));
    }
    List<ItemEstimate> items = new ArrayList<>(answers.taskCount());
    for (int t = 0; t < answers.taskCount(); t++) {
      items.add(new ItemEstimate(Long.parseLong(answers.taskId(t)), answers.answerEnd(t) - answers.answerStart(t),
          aggregation.label(t), aggregation.confidence(t)));
    }
    int answerCount = answers.answerCount();
    return new Result(prior, answerCount == 0 ? Double.NaN : weighted / answerCount, contributors, items,
        answerCount, aggregation.iterations(), aggregation.converged());
  }
}
