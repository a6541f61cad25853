package io.labelledger.answer.pairwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PairwiseModelTest {
  private final PairwiseModel model = new PairwiseModel();

  @Test
  void ranksCloserToTheTruthThanRawWinRateOnSeveralSeeds() {
    for (long seed = 1; seed <= 4; seed++) {
      SyntheticComparisons.Crowd crowd = SyntheticComparisons.generate(seed, 200, 5000, 30);

      PairwiseModel.Ranking ranking = model.rank(crowd.answers());
      double modelTau = KendallTau.tau(crowd.truthScores(), ranking.scores());
      double winRateTau = KendallTau.tau(crowd.truthScores(), WinRate.scores(crowd.answers()));

      assertThat(ranking.fit().converged()).isTrue();
      assertThat(ranking.scores()).hasSize(crowd.truthScores().size());
      // adversarial workers cancel much of what the others say unless they are read reversed
      assertThat(modelTau).as("seed %d: model vs win rate %.3f", seed, winRateTau)
          .isGreaterThan(winRateTau + 0.2).isGreaterThan(0.7);
    }
  }

  /** Per worker, the share of their non-tie judgements that preferred the truly better candidate. */
  private static double[] observedAgreement(SyntheticComparisons.Crowd crowd) {
    TypedAnswers<Comparison, Outcome> answers = crowd.answers();
    double[] right = new double[answers.workerCount()];
    double[] judged = new double[answers.workerCount()];
    for (int i = 0; i < answers.answerCount(); i++) {
      Comparison c = answers.value(i);
      if (c.outcome() != Outcome.TIE) {
        double d = crowd.truthScores().get(c.a()) - crowd.truthScores().get(c.b());
        right[answers.workerOf(i)] += (d > 0) == (c.outcome() == Outcome.A) ? 1 : 0;
        judged[answers.workerOf(i)]++;
      }
    }
    for (int w = 0; w < right.length; w++) {
      right[w] /= judged[w];
    }
    return right;
  }

  @Test
  void adversarialWorkersGetLowReliabilityAndReliableOnesHigh() {
    SyntheticComparisons.Crowd crowd = SyntheticComparisons.generate(2, 200, 5000, 30);
    double[] agreement = observedAgreement(crowd);

    double[] reliability = model.fit(crowd.answers()).workerReliability();

    int adversarial = 0;
    for (int w = 0; w < agreement.length; w++) {
      assertThat(reliability[w]).isBetween(0.0, 1.0);
      String worker = crowd.answers().workerId(w);
      if (agreement[w] == 0) { // always the worse candidate
        adversarial++;
        assertThat(reliability[w]).as("adversarial %s", worker).isLessThan(0.1);
      } else if (agreement[w] < 0.55) {
        assertThat(reliability[w]).as("random %s", worker).isBetween(0.3, 0.7);
      } else if (agreement[w] > 0.7) {
        assertThat(reliability[w]).as("reliable %s", worker).isGreaterThan(0.75);
      }
    }
    assertThat(adversarial).isGreaterThan(2);
  }

  private static TypedAnswers<Comparison, Outcome> rebuild(TypedAnswers<Comparison, Outcome> answers,
      int goldTasks, boolean contradictMajority) {
    TypedAnswers.Builder<Comparison, Outcome> builder = TypedAnswers.builder();
    for (int t = 0; t < answers.taskCount(); t++) {
      int saidA = 0;
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        builder.add(answers.taskId(t), answers.workerId(answers.workerOf(i)), answers.value(i));
        saidA += answers.value(i).outcome() == Outcome.A ? 1 : -1;
      }
      if (t < goldTasks) {
        boolean a = saidA >= 0;
        builder.gold(answers.taskId(t), a != contradictMajority ? Outcome.A : Outcome.B);
      }
    }
    return builder.build();
  }

  @Test
  void goldTasksKeepTheirGoldOutcomeWithFullConfidenceEvenAgainstTheVotes() {
    TypedAnswers<Comparison, Outcome> plain = SyntheticComparisons.generate(4, 100, 2000, 20).answers();
    TypedAnswers<Comparison, Outcome> answers = rebuild(plain, 30, true);

    TypedModel.Fit<Outcome> fit = model.fit(answers);

    for (int t = 0; t < 30; t++) {
      assertThat(fit.aggregates().get(t)).isEqualTo(answers.gold(t));
      assertThat(fit.confidence()[t]).isEqualTo(1.0);
    }
    assertThat(fit.aggregates().subList(30, answers.taskCount())).doesNotContainNull();
  }

  @Test
  void goldTellsAWorkerWhoContradictsItApart() {
    TypedAnswers.Builder<Comparison, Outcome> builder = TypedAnswers.builder();
    for (int t = 0; t < 20; t++) {
      String a = "x" + t;
      String b = "y" + t;
      builder.add("p" + t, "faithful", new Comparison(a, b, Outcome.A))
          .add("p" + t, "contrary", new Comparison(a, b, Outcome.B));
    }
    TypedAnswers<Comparison, Outcome> withoutGold = builder.build();
    for (int t = 0; t < 20; t++) {
      builder.gold("p" + t, Outcome.A);
    }

    double[] before = model.fit(withoutGold).workerReliability();
    double[] after = model.fit(builder.build()).workerReliability();

    assertThat(before[0]).isEqualTo(before[1]); // nothing tells them apart
    assertThat(after[0]).isGreaterThan(0.85);
    assertThat(after[1]).isLessThan(0.15);
  }

  @Test
  void rankIsDeterministicBitForBitAndSafeToRunConcurrently() throws Exception {
    TypedAnswers<Comparison, Outcome> answers = SyntheticComparisons.generate(9, 150, 3000, 25).answers();
    PairwiseModel.Ranking first = model.rank(answers);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<PairwiseModel.Ranking>> runs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        runs.add(pool.submit(() -> model.rank(answers)));
      }
      for (Future<PairwiseModel.Ranking> run : runs) {
        PairwiseModel.Ranking again = run.get();
        assertThat(again.scores()).isEqualTo(first.scores());
        assertThat(again.fit().aggregates()).isEqualTo(first.fit().aggregates());
        assertThat(again.fit().confidence()).isEqualTo(first.fit().confidence());
        assertThat(again.fit().workerReliability()).isEqualTo(first.fit().workerReliability());
        assertThat(again.fit().iterations()).isEqualTo(first.fit().iterations());
      }
    } finally {
      pool.shutdown();
    }
  }

  private static List<double[]> paramsOf(TypedAnswers<Comparison, Outcome> answers, int task,
      TypedModel.Fit<Outcome> fit) {
    List<double[]> params = new ArrayList<>();
    for (int i = answers.answerStart(task); i < answers.answerEnd(task); i++) {
      params.add(fit.workerParams().get(answers.workerOf(i)));
    }
    return params;
  }

  private static List<Comparison> valuesOf(TypedAnswers<Comparison, Outcome> answers, int task) {
    List<Comparison> values = new ArrayList<>();
    for (int i = answers.answerStart(task); i < answers.answerEnd(task); i++) {
      values.add(answers.value(i));
    }
    return values;
  }

  @Test
  void scoreAgreesWithFitWhereBothAreConfident() {
    for (long seed = 1; seed <= 3; seed++) {
      TypedAnswers<Comparison, Outcome> answers = SyntheticComparisons.generate(seed, 200, 5000, 30).answers();
      TypedModel.Fit<Outcome> fit = model.fit(answers);

      int agree = 0;
      int confident = 0;
      int confidentAgree = 0;
      for (int t = 0; t < answers.taskCount(); t++) {
        TypedModel.Scored<Outcome> scored = model.score(valuesOf(answers, t), paramsOf(answers, t, fit));
        boolean same = scored.aggregate() == fit.aggregates().get(t);
        agree += same ? 1 : 0;
        if (scored.confidence() >= 0.5 && fit.confidence()[t] >= 0.5) {
          confident++;
          confidentAgree += same ? 1 : 0;
        }
      }
      // the fit also weighs what other pairs say of the two candidates, so close pairs can differ
      assertThat(agree).as("seed %d", seed).isGreaterThan(answers.taskCount() * 3 / 4);
      assertThat(confidentAgree).as("seed %d, of %d", seed, confident).isGreaterThan(confident * 95 / 100);
      assertThat(confident).isGreaterThan(answers.taskCount() / 3);
    }
  }

  @Test
  void scoreAgreesWithFitOnPairsSeenNowhereElse() {
    TypedAnswers.Builder<Comparison, Outcome> builder = TypedAnswers.builder();
    // a shared pool of pairs to learn the workers from, then isolated pairs with split votes
    String[] workers = {"good1", "good2", "good3", "bad"};
    for (int t = 0; t < 40; t++) {
      String a = "strong" + t % 5;
      String b = "weak" + t % 7;
      for (String w : workers) {
        Outcome said = w.equals("bad") ? Outcome.B : (t + w.hashCode()) % 9 == 0 ? Outcome.B : Outcome.A;
        builder.add("shared" + t, w, new Comparison(a, b, said));
      }
    }
    builder.add("lone1", "good1", new Comparison("u1", "v1", Outcome.A))
        .add("lone1", "bad", new Comparison("v1", "u1", Outcome.A))
        .add("lone2", "good2", new Comparison("u2", "v2", Outcome.B))
        .add("lone2", "bad", new Comparison("u2", "v2", Outcome.B))
        .add("lone2", "good3", new Comparison("u2", "v2", Outcome.A));
    TypedAnswers<Comparison, Outcome> answers = builder.build();
    TypedModel.Fit<Outcome> fit = model.fit(answers);

    for (int t = 40; t < answers.taskCount(); t++) {
      TypedModel.Scored<Outcome> scored = model.score(valuesOf(answers, t), paramsOf(answers, t, fit));
      assertThat(scored.aggregate()).as(answers.taskId(t)).isEqualTo(fit.aggregates().get(t));
      assertThat(scored.aggregate()).isNotEqualTo(Outcome.TIE);
    }
    // "bad" always contradicts the majority, so its votes count reversed: both lone pairs go to u
    assertThat(fit.aggregates().subList(40, 42)).containsExactly(Outcome.A, Outcome.A);
  }

  @Test
  void scoreReadsAReversingWorkerReversedAndAnUnseenOneAsTypical() {
    List<Comparison> values = List.of(new Comparison("a", "b", Outcome.A), new Comparison("b", "a", Outcome.TIE),
        new Comparison("b", "a", Outcome.A));

    TypedModel.Scored<Outcome> reversing = model.score(values, Arrays.asList(new double[] {0.05}, null, null));
    TypedModel.Scored<Outcome> unseen = model.score(values, Arrays.asList(null, null, null));

    assertThat(reversing.aggregate()).isEqualTo(Outcome.B);
    assertThat(unseen.aggregate()).isEqualTo(Outcome.TIE);
    assertThat(unseen.confidence()).isZero();
    assertThat(reversing.confidence()).isBetween(0.5, 1.0);
  }

  @Test
  void scoreRejectsComparisonsOfAnotherPairAndMismatchedLists() {
    List<Comparison> mixed = List.of(new Comparison("a", "b", Outcome.A), new Comparison("a", "c", Outcome.A));
    assertThatThrownBy(() -> model.score(mixed, Arrays.asList(null, null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> model.score(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> model.score(List.of(mixed.get(0)), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void fitRejectsATaskThatComparesTwoPairs() {
    TypedAnswers<Comparison, Outcome> answers = TypedAnswers.<Comparison, Outcome>builder()
        .add("p", "w0", new Comparison("a", "b", Outcome.A))
        .add("p", "w1", new Comparison("a", "c", Outcome.A))
        .build();
    assertThatThrownBy(() -> model.fit(answers)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task p");
  }

  @Test
  void aCandidateComparedOnceGetsAFiniteScoreOnTheRightSide() {
    TypedAnswers.Builder<Comparison, Outcome> builder = TypedAnswers.builder();
    for (int t = 0; t < 30; t++) {
      builder.add("p" + t, "w" + t % 3, new Comparison("c" + t % 6, "c" + (t + 1) % 6, t % 4 == 0 ? Outcome.B
          : Outcome.A));
    }
    builder.add("once", "w0", new Comparison("newcomer", "c0", Outcome.A));
    PairwiseModel.Ranking ranking = model.rank(builder.build());

    double newcomer = ranking.scores().get("newcomer");
    assertThat(newcomer).isFinite().isGreaterThan(ranking.scores().get("c0"));
    assertThat(ranking.fit().aggregates().get(30)).isEqualTo(Outcome.A);
    assertThat(ranking.fit().confidence()[30]).isBetween(0.0, 1.0);
  }

  @Test
  void aSingleComparisonDecidesItsPair() {
    TypedAnswers<Comparison, Outcome> answers = TypedAnswers.<Comparison, Outcome>builder()
        .add("p", "w", new Comparison("a", "b", Outcome.B)).build();

    PairwiseModel.Ranking ranking = model.rank(answers);

    assertThat(ranking.fit().aggregates()).containsExactly(Outcome.B);
    assertThat(ranking.scores().get("b")).isGreaterThan(ranking.scores().get("a"));
    assertThat(ranking.fit().converged()).isTrue();
  }

  @Test
  void balancedOrTiedEvidenceIsATieWithNoConfidence() {
    TypedAnswers<Comparison, Outcome> answers = TypedAnswers.<Comparison, Outcome>builder()
        .add("split", "w0", new Comparison("a", "b", Outcome.A))
        .add("split", "w1", new Comparison("a", "b", Outcome.B))
        .add("ties", "w0", new Comparison("c", "d", Outcome.TIE))
        .add("ties", "w1", new Comparison("d", "c", Outcome.TIE))
        .build();

    TypedModel.Fit<Outcome> fit = model.fit(answers);

    assertThat(fit.aggregates()).containsExactly(Outcome.TIE, Outcome.TIE);
    assertThat(fit.confidence()).containsExactly(0.0, 0.0);
  }

  @Test
  void aTasksOutcomeReadsInItsFirstComparisonsOrder() {
    TypedAnswers<Comparison, Outcome> answers = TypedAnswers.<Comparison, Outcome>builder()
        .add("p", "w0", new Comparison("b", "a", Outcome.B))
        .add("p", "w1", new Comparison("a", "b", Outcome.A))
        .add("p", "w2", new Comparison("a", "b", Outcome.A))
        .build();

    assertThat(model.fit(answers).aggregates()).containsExactly(Outcome.B); // "a" is preferred; "a" is second
  }
}
