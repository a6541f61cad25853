package io.labelledger.answer.pairwise;

import io.labelledger.answer.Fits;
import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link PairwiseModel} over a campaign's items: an item (a task) compares its own two candidates,
 * named {@code <item>/a} and {@code <item>/b}, so an answer needs only its choice. The fit and the
 * scores are the pairwise model's, with each item's aggregate the choice between its candidates.
 */
final class ItemPairs implements TypedModel<Outcome, Outcome> {
  private final PairwiseModel model = new PairwiseModel();

  @Override
  public Fit<Outcome> fit(TypedAnswers<Outcome, Outcome> answers) {
    TypedAnswers.Builder<Comparison, Outcome> pairs = TypedAnswers.builder();
    for (int t = 0; t < answers.taskCount(); t++) {
      String item = answers.taskId(t);
      for (int a = answers.answerStart(t); a < answers.answerEnd(t); a++) {
        pairs.add(item, answers.workerId(answers.workerOf(a)), new Comparison(item + "/a", item + "/b",
            answers.value(a)));
      }
      if (answers.gold(t) != null) {
        pairs.gold(item, answers.gold(t));
      }
    }
    TypedAnswers<Comparison, Outcome> built = pairs.build();
    return Fits.inWorkerOrder(model.fit(built), Fits.workerIds(built), answers);
  }

  @Override
  public Scored<Outcome> score(List<Outcome> values, List<double[]> workerParams) {
    List<Comparison> comparisons = new ArrayList<>(values.size());
    values.forEach(v -> comparisons.add(new Comparison("a", "b", v)));
    return model.score(comparisons, workerParams);
  }
}
