package io.labelledger.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the service knows about one campaign when an answer arrives, and the labelling of one item
 * with it: the campaign's labels (in its own order), the class priors and each contributor's
 * confusion matrix from the last Dawid-Skene re-estimate, and the overlap policy. Pure.
 *
 * <p>A contributor the re-estimate has not seen yet is modelled as right with probability
 * {@code (goldCorrect + 2·a) / (goldSeen + 2)} and otherwise wrong at random, where {@code a} is
 * the campaign's mean estimated accuracy (or a configured default before the first re-estimate):
 * the mean stands in for them, and every gold answer they gave moves them away from it.
 *
 * @param labels the campaign's label list; positions index priors and confusion matrices
 * @param prior class priors by label position, or null for uniform (before any re-estimate)
 * @param meanAccuracy accuracy assumed for contributors without an estimate, in (0, 1)
 */
public record CampaignModel(List<String> labels, double[] prior, double meanAccuracy, OverlapPolicy policy) {
  public CampaignModel {
    labels = List.copyOf(labels);
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("a campaign has labels");
    }
    if (prior != null && prior.length != labels.size()) {
      prior = null; // the label list changed shape since the estimate: start from uniform
    }
    if (!(meanAccuracy > 0 && meanAccuracy < 1)) {
      throw new IllegalArgumentException("mean accuracy must be in (0, 1), was " + meanAccuracy);
    }
  }

  /**
   * One answer to label an item with.
   *
   * @param confusion the contributor's estimated confusion matrix (K × K, label positions), or null
   * @param gold the contributor's gold record in the campaign
   */
  public record Answer(String label, double[] confusion, GoldScore gold) {}

  /** What quality does with an item: nothing more, ask for more answers, or stop buying (decide). */
  public enum Action { KEEP, RAISE, DECIDE }

  /** An item's label, the probability of it, and the action for the item. */
  public record Labelled(String label, double confidence, Action action) {}

  /** The gold item's verdict: its gold answer, certain, decided at once. */
  public static Labelled gold(String goldAnswer) {
    return new Labelled(goldAnswer, 1.0, Action.DECIDE);
  }

  /**
   * Labels a regular item from all its answers and decides what it still wants.
   *
   * @param answersWanted the item's current {@code answers_wanted}
   * @param decided whether quality already stopped buying answers for it (then: {@link Action#KEEP})
   * @throws IllegalArgumentException when an answer is not one of the campaign's labels
   */
  public Labelled label(List<Answer> answers, int answersWanted, boolean decided) {
    int k = labels.size();
    List<Posterior.Answer> scored = new ArrayList<>(answers.size());
    for (Answer a : answers) {
      int position = labels.indexOf(a.label());
      if (position < 0) {
        throw new IllegalArgumentException("answer '" + a.label() + "' is not one of " + labels);
      }
      double[] confusion = a.confusion() != null && a.confusion().length == k * k ? a.confusion()
          : Posterior.symmetric(k, assumedAccuracy(a.gold()));
      scored.add(new Posterior.Answer(confusion, position));
    }
    double[] posterior = Posterior.of(prior != null ? prior : uniform(k), scored);
    int best = Posterior.mostProbable(posterior);
    double confidence = posterior[best];
    Action action = Action.KEEP;
    if (!decided && !answers.isEmpty()) {
      OverlapPolicy.Decision d = policy.decide(answers.size(), answersWanted, confidence);
      action = d.close() ? Action.DECIDE : d.answersWanted() > answersWanted ? Action.RAISE : Action.KEEP;
    }
    return new Labelled(labels.get(best), confidence, action);
  }

  /** The accuracy a contributor without a confusion estimate is given. */
  public double assumedAccuracy(GoldScore gold) {
    GoldScore g = gold == null ? GoldScore.NONE : gold;
    return (g.correct() + 2 * meanAccuracy) / (g.seen() + 2);
  }

  private static double[] uniform(int k) {
    double[] p = new double[k];
    Arrays.fill(p, 1.0 / k);
    return p;
  }
}
