package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The service's quality loop without the service, on a campaign large enough for the comparison to
 * be statistically firm: contributors of known, differing accuracies take items in id order (as
 * leasing hands them out); each answer relabels its item with the current model
 * ({@link CampaignModel}, as the aggregation worker does); Dawid-Skene re-estimates the model every
 * {@value #SWEEPS_PER_REESTIMATE} sweeps ({@link Reestimate} with the service's smoothing, and the
 * worker's {@link QualityWorker#decisions}); the final labels are a last re-estimate's. The
 * integration test QualityIT runs the same comparison through the real service on fewer items.
 */
class DynamicOverlapSimulationTest {
  static final double[] ACCURACIES = {0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6};
  static final List<String> LABELS = List.of("yes", "no", "maybe");
  static final int SWEEPS_PER_REESTIMATE = 10;
  /** The service's defaults (labelledger-defaults.yaml): quality.smoothing, quality.diagonalPrior, defaultAccuracy. */
  static final DawidSkene SERVICE_DS = new DawidSkene(new DawidSkene.Config(200, 1e-4, 1.0, 2.0));
  static final double DEFAULT_ACCURACY = 0.7;

  record Outcome(int answers, double accuracy) {}

  @Test
  void dynamicOverlapMatchesFixedOverlapAccuracyWithFewerAnswers() {
    Outcome fixed = run(new OverlapPolicy(5, 5, 0.95), 2000, 42);
    Outcome dynamic = run(new OverlapPolicy(2, 5, 0.95), 2000, 42);
    System.out.printf("2000 items, 8 contributors (accuracy 0.6..0.95), 3 labels: fixed overlap 5: %d answers, "
        + "accuracy %.4f; dynamic overlap 2..5 to confidence 0.95: %d answers, accuracy %.4f%n",
        fixed.answers(), fixed.accuracy(), dynamic.answers(), dynamic.accuracy());

    assertThat(fixed.answers()).isEqualTo(10_000);
    assertThat(dynamic.answers()).isLessThan(fixed.answers() * 9 / 10);
    // 2000 items: one standard error of an accuracy near 0.95 is ~0.005
    assertThat(dynamic.accuracy()).isGreaterThanOrEqualTo(fixed.accuracy() - 0.01);
  }

  @Test
  void dynamicOverlapNeverBuysMoreThanMaxOverlapNorLessThanOverlap() {
    SimulatedCampaign c = new SimulatedCampaign(new OverlapPolicy(2, 4, 0.99), 300, 7);
    c.runToEnd();
    for (int i = 0; i < c.truth.length; i++) {
      assertThat(c.answers.get(i).size()).isBetween(2, 4);
    }
    assertThat(c.answers.stream().mapToInt(List::size).filter(n -> n == 4).count())
        .as("a target of 0.99 sends some items to the maximum").isPositive();
  }

  static Outcome run(OverlapPolicy policy, int items, long seed) {
    SimulatedCampaign c = new SimulatedCampaign(policy, items, seed);
    c.runToEnd();
    return c.outcome();
  }

  /** One campaign driven as the service drives it; answers per item are (contributor, label). */
  static final class SimulatedCampaign {
    final OverlapPolicy policy;
    final String[] truth;
    final List<List<String[]>> answers = new ArrayList<>();
    final int[] wanted;
    final boolean[] decided;
    final SplittableRandom random;
    CampaignModel model;
    Map<String, double[]> confusion = new HashMap<>();
    int total;

    SimulatedCampaign(OverlapPolicy policy, int items, long seed) {
      this.policy = policy;
      this.random = new SplittableRandom(seed);
      truth = new String[items];
      wanted = new int[items];
      decided = new boolean[items];
      for (int i = 0; i < items; i++) {
        truth[i] = LABELS.get(random.nextInt(LABELS.size()));
        answers.add(new ArrayList<>());
        wanted[i] = policy.overlap();
      }
      model = new CampaignModel(LABELS, null, DEFAULT_ACCURACY, policy);
    }

    void runToEnd() {
      int sweeps = 0;
      boolean progress = true;
      while (progress) {
        List<Integer> touched = new ArrayList<>();
        for (int w = 0; w < ACCURACIES.length; w++) {
          int item = next(w);
          if (item >= 0) {
            answers.get(item).add(new String[] {"w" + w, answer(w, item)});
            total++;
            touched.add(item);
          }
        }
        progress = !touched.isEmpty();
        touched.forEach(this::relabel);
        if (++sweeps % SWEEPS_PER_REESTIMATE == 0 || !progress) {
          progress |= reestimate();
        }
      }
    }

    private String answer(int worker, int item) {
      if (random.nextDouble() < ACCURACIES[worker]) {
        return truth[item];
      }
      List<String> wrong = new ArrayList<>(LABELS);
      wrong.remove(truth[item]);
      return wrong.get(random.nextInt(wrong.size()));
    }

    /** Leasing: the first item in id order that is open, wants more and was not answered by the worker. */
    private int next(int worker) {
      for (int i = 0; i < truth.length; i++) {
        if (!decided[i] && answers.get(i).size() < wanted[i]
            && answers.get(i).stream().noneMatch(a -> a[0].equals("w" + worker))) {
          return i;
        }
      }
      return -1;
    }

    private void relabel(int item) {
      List<CampaignModel.Answer> given = new ArrayList<>();
      for (String[] a : answers.get(item)) {
        given.add(new CampaignModel.Answer(a[1], confusion.get(a[0]), GoldScore.NONE));
      }
      apply(item, model.label(given, wanted[item], decided[item]).action());
    }

    private void apply(int item, CampaignModel.Action action) {
      int n = answers.get(item).size();
      if (action == CampaignModel.Action.RAISE) {
        wanted[item] = Math.max(wanted[item], Math.min(policy.maxOverlap(), n + 1));
      } else if (action == CampaignModel.Action.DECIDE) {
        decided[item] = true;
      }
    }

    /** A re-estimate and its decisions; true when it reopened an item. */
    private boolean reestimate() {
      Reestimate.Result result = fit();
      confusion = new HashMap<>();
      result.contributors().forEach(c -> confusion.put(c.contributor(), c.confusion()));
      model = new CampaignModel(LABELS, result.prior(), result.meanAccuracy(), policy);
      Map<Long, QualityQueries.ItemState> states = new HashMap<>();
      for (int i = 0; i < truth.length; i++) {
        states.put((long) i, new QualityQueries.ItemState(i, 1, false, null, wanted[i], decided[i], null, null));
      }
      boolean reopened = false;
      for (QualityQueries.ItemWrite w : QualityWorker.decisions(result, model.policy(), states)) {
        reopened |= w.action() == CampaignModel.Action.RAISE;
        apply((int) w.id(), w.action());
      }
      return reopened;
    }

    private Reestimate.Result fit() {
      AnswerSet.Builder builder = Reestimate.answers(LABELS);
      for (int i = 0; i < truth.length; i++) {
        for (String[] a : answers.get(i)) {
          builder.add(Integer.toString(i), a[0], a[1]);
        }
      }
      return Reestimate.run(SERVICE_DS, LABELS, builder.build());
    }

    Outcome outcome() {
      Reestimate.Result last = fit();
      int correct = 0;
      for (Reestimate.ItemEstimate e : last.items()) {
        correct += e.label().equals(truth[(int) e.itemId()]) ? 1 : 0;
      }
      return new Outcome(total, (double) correct / truth.length);
    }
  }
}
