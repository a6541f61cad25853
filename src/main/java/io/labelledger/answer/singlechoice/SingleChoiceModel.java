package io.labelledger.answer.singlechoice;

import io.labelledger.answer.Fits;
import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import io.labelledger.quality.AnswerSet;
import io.labelledger.quality.DawidSkene;
import io.labelledger.quality.Posterior;
import io.labelledger.quality.Reestimate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Dawid-Skene ({@link DawidSkene}) seen as a {@link TypedModel}: a worker's parameters are their
 * confusion matrix by the campaign's label positions ({@code [true k * K + answered l]}), a
 * task is scored with {@link Posterior} under a uniform prior. The service's quality worker keeps
 * its own incremental path for this type; this view serves code that handles every type alike.
 */
final class SingleChoiceModel implements TypedModel<String, String> {
  /** Accuracy assumed for a worker no fit has seen. */
  static final double UNSEEN_ACCURACY = 0.7;

  private final List<String> labels;
  private final DawidSkene dawidSkene = new DawidSkene();

  SingleChoiceModel(List<String> labels) {
    this.labels = List.copyOf(labels);
  }

  @Override
  public Fit<String> fit(TypedAnswers<String, String> answers) {
    AnswerSet.Builder builder = Reestimate.answers(labels);
    for (int t = 0; t < answers.taskCount(); t++) {
      for (int a = answers.answerStart(t); a < answers.answerEnd(t); a++) {
        // tasks by their index (Reestimate reads task ids as numbers), in the same order
        builder.add(Integer.toString(t), answers.workerId(answers.workerOf(a)), answers.value(a));
      }
      if (answers.gold(t) != null) {
        builder.gold(Integer.toString(t), answers.gold(t));
      }
    }
    AnswerSet set = builder.build();
    Reestimate.Result result = Reestimate.run(dawidSkene, labels, set);
    // tasks were added in index order; workers are re-indexed to the input's numbering below
    List<String> aggregates = new ArrayList<>(set.taskCount());
    double[] confidence = new double[set.taskCount()];
    for (int t = 0; t < set.taskCount(); t++) {
      aggregates.add(result.items().get(t).label());
      confidence[t] = result.items().get(t).confidence();
    }
    List<double[]> params = new ArrayList<>(set.workerCount());
    double[] reliability = new double[set.workerCount()];
    List<String> workerIds = new ArrayList<>(set.workerCount());
    for (int w = 0; w < set.workerCount(); w++) {
      params.add(result.contributors().get(w).confusion());
      reliability[w] = result.contributors().get(w).accuracy();
      workerIds.add(set.workerId(w));
    }
    return Fits.inWorkerOrder(new Fit<>(aggregates, confidence, params, reliability, result.iterations(),
        result.converged()), workerIds, answers);
  }

  @Override
  public Scored<String> score(List<String> values, List<double[]> workerParams) {
    if (values.isEmpty() || values.size() != workerParams.size()) {
      throw new IllegalArgumentException(values.size() + " answers with " + workerParams.size() + " parameter sets");
    }
    int k = labels.size();
    List<Posterior.Answer> scored = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      int position = labels.indexOf(values.get(i));
      if (position < 0) {
        throw new IllegalArgumentException("answer '" + values.get(i) + "' is not one of " + labels);
      }
      double[] params = workerParams.get(i);
      scored.add(new Posterior.Answer(params != null && params.length == k * k ? params
          : Posterior.symmetric(k, UNSEEN_ACCURACY), position));
    }
    double[] prior = new double[k];
    Arrays.fill(prior, 1.0 / k);
    double[] posterior = Posterior.of(prior, scored);
    int best = Posterior.mostProbable(posterior);
    return new Scored<>(labels.get(best), posterior[best]);
  }
}
