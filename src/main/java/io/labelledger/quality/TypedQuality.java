package io.labelledger.quality;

import io.labelledger.answer.CampaignAnswers;
import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Quality for the typed answers (every type but single choice), the counterpart of
 * {@link CampaignModel} and {@link Reestimate}: an item is relabelled with its type's model and the
 * parameters of its contributors' last fit, and a re-estimate fits the type's model to every answer
 * of the campaign. Each answer of a decided item is accepted when it agrees with the item's
 * aggregate by its type's rule ({@link CampaignAnswers#agrees}). Pure.
 */
public final class TypedQuality {
  private TypedQuality() {}

  /** An item's new label and decision, and the statuses of its answers if it is (or becomes) decided. */
  record Relabelled(QualityQueries.ItemWrite write, List<QualityQueries.StatusWrite> statuses) {}

  /** Relabels a regular (not gold) item from all its answers. */
  static Relabelled relabel(QualityQueries.ItemState item, TypedCampaign campaign,
      List<QualityQueries.TypedAnswer> given) {
    return relabel(item, campaign.answers(), campaign.policy(), given);
  }

  private static <V, A> Relabelled relabel(QualityQueries.ItemState item, CampaignAnswers<V, A> type,
      OverlapPolicy policy, List<QualityQueries.TypedAnswer> given) {
    List<V> values = new ArrayList<>(given.size());
    List<double[]> params = new ArrayList<>(given.size());
    for (QualityQueries.TypedAnswer a : given) {
      values.add(type.parse(a.answer()));
      params.add(a.params());
    }
    TypedModel.Scored<A> scored = type.model().score(values, params);
    CampaignModel.Action action = CampaignModel.Action.KEEP;
    if (!item.decided()) {
      OverlapPolicy.Decision d = policy.decide(given.size(), item.answersWanted(), scored.confidence());
      action = d.close() ? CampaignModel.Action.DECIDE
          : d.answersWanted() > item.answersWanted() ? CampaignModel.Action.RAISE : CampaignModel.Action.KEEP;
    }
    List<QualityQueries.StatusWrite> statuses = new ArrayList<>();
    if (item.decided() || action == CampaignModel.Action.DECIDE) {
      for (int i = 0; i < given.size(); i++) {
        statuses.add(new QualityQueries.StatusWrite(given.get(i).id(), item.id(), given.size(),
            type.agrees(values.get(i), scored.aggregate())));
      }
    }
    return new Relabelled(new QualityQueries.ItemWrite(item.id(), given.size(), type.aggregateText(scored.aggregate()),
        scored.confidence(), action, policy.maxOverlap()), statuses);
  }

  /**
   * A full fit: the re-estimate's result in the form the worker stores (each contributor's
   * parameters in place of a confusion matrix, no class priors), and every answer's verdict.
   */
  record Fitted(Reestimate.Result result, List<Verdict> verdicts) {}

  /** Whether an answer agrees with its item's aggregate under the fit. */
  public record Verdict(long contribution, long item, boolean agrees) {}

  static Fitted fit(TypedCampaign campaign, List<QualityQueries.StoredAnswer> answers, Map<Long, String> gold) {
    return fit(campaign.answers(), answers, gold);
  }

  private static <V, A> Fitted fit(CampaignAnswers<V, A> type, List<QualityQueries.StoredAnswer> stored,
      Map<Long, String> gold) {
    TypedAnswers.Builder<V, A> builder = TypedAnswers.builder();
    List<V> values = new ArrayList<>(stored.size());
    for (QualityQueries.StoredAnswer a : stored) {
      V value = type.parse(a.answer());
      values.add(value);
      builder.add(Long.toString(a.itemId()), a.contributor(), value);
    }
    gold.forEach((item, answer) -> builder.gold(Long.toString(item), type.goldAggregate(answer)));
    TypedAnswers<V, A> answers = builder.build();
    TypedModel.Fit<A> fit = type.model().fit(answers);

    Map<Long, A> aggregateOf = new HashMap<>();
    List<Reestimate.ItemEstimate> items = new ArrayList<>(answers.taskCount());
    for (int t = 0; t < answers.taskCount(); t++) {
      long item = Long.parseLong(answers.taskId(t));
      A aggregate = fit.aggregates().get(t);
      aggregateOf.put(item, aggregate);
      items.add(new Reestimate.ItemEstimate(item, answers.answerEnd(t) - answers.answerStart(t),
          type.aggregateText(aggregate), fit.confidence()[t]));
    }
    int[] perWorker = answers.answersPerWorker();
    List<Reestimate.ContributorEstimate> contributors = new ArrayList<>(answers.workerCount());
    double weighted = 0;
    for (int w = 0; w < answers.workerCount(); w++) {
      double reliability = fit.workerReliability()[w];
      weighted += reliability * perWorker[w];
      contributors.add(new Reestimate.ContributorEstimate(answers.workerId(w), fit.workerParams().get(w), reliability,
          perWorker[w]));
    }
    List<Verdict> verdicts = new ArrayList<>(stored.size());
    for (int i = 0; i < stored.size(); i++) {
      QualityQueries.StoredAnswer a = stored.get(i);
      verdicts.add(new Verdict(a.id(), a.itemId(), type.agrees(values.get(i), aggregateOf.get(a.itemId()))));
    }
    int count = answers.answerCount();
    return new Fitted(new Reestimate.Result(new double[0], count == 0 ? Double.NaN : weighted / count, contributors,
        items, count, fit.iterations(), fit.converged()), verdicts);
  }
}
