package io.labelledger.answer.spans;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel.Fit;
import io.labelledger.answer.TypedModel.Scored;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpanModelTest {
  private static final SyntheticSpans.Mix MANY_RANDOM = new SyntheticSpans.Mix(0.50, 0.20, 0.30, 0.00);
  private static final SyntheticSpans.Mix MANY_LAZY = new SyntheticSpans.Mix(0.45, 0.25, 0.10, 0.20);

  static Stream<Arguments> crowds() {
    List<Arguments> crowds = new ArrayList<>();
    for (SyntheticSpans.Mix mix : List.of(SyntheticSpans.Mix.DEFAULT, MANY_RANDOM, MANY_LAZY)) {
      for (long seed = 1; seed <= 3; seed++) {
        crowds.add(Arguments.of(mix, seed));
      }
    }
    return crowds.stream();
  }

  /** Exact span F1 of one answer per task drawn at random: what buying a single annotation gives. */
  static double randomAnnotator(SyntheticSpans.Crowd crowd, long seed) {
    TypedAnswers<List<Span>, List<ScoredSpan>> answers = crowd.answers();
    SplittableRandom random = new SplittableRandom(seed);
    List<List<Span>> one = new ArrayList<>();
    for (int t = 0; t < answers.taskCount(); t++) {
      one.add(answers.value(answers.answerStart(t) + random.nextInt(answers.answerEnd(t) - answers.answerStart(t))));
    }
    return crowd.f1(one, 1);
  }

  @ParameterizedTest
  @MethodSource("crowds")
  void beatsARandomAnnotatorAndPerTokenAndPerSpanMajority(SyntheticSpans.Mix mix, long seed) {
    // 1000 texts x 5 answers over 40 workers (125 answers each); measured margins over token majority
    // 0.16-0.19, over a random annotator 0.30-0.36
    SyntheticSpans.Crowd crowd = SyntheticSpans.generate(seed, 1000, 4, 40, 5, mix, 0);
    SpanModel model = new SpanModel(crowd.labels());

    double f1 = crowd.f1(SyntheticSpans.spans(model.fit(crowd.answers()).aggregates()), 1);
    double tokens = crowd.f1(SyntheticSpans.spans(TokenMajority.aggregate(crowd.answers(), crowd.texts())), 1);
    double spans = crowd.f1(SyntheticSpans.spans(model.majority(crowd.answers()).aggregates()), 1);

    assertThat(f1).isGreaterThan(tokens + 0.1).isGreaterThan(spans + 0.05)
        .isGreaterThan(randomAnnotator(crowd, seed) + 0.2);
  }

  @ParameterizedTest
  @MethodSource("crowds")
  void beatsPerTokenMajorityWithThreeAnswersPerText(SyntheticSpans.Mix mix, long seed) {
    SyntheticSpans.Crowd crowd = SyntheticSpans.generate(seed, 500, 4, 30, 3, mix, 0);

    double f1 = crowd.f1(SyntheticSpans.spans(new SpanModel(crowd.labels()).fit(crowd.answers()).aggregates()), 1);
    double tokens = crowd.f1(SyntheticSpans.spans(TokenMajority.aggregate(crowd.answers(), crowd.texts())), 1);

    assertThat(f1).isGreaterThan(tokens + 0.05).isGreaterThan(randomAnnotator(crowd, seed) + 0.15);
  }

  @Test
  void matchesMajorityWhenEveryWorkerIsCareful() {
    SyntheticSpans.Mix careful = new SyntheticSpans.Mix(1, 0, 0, 0);
    for (long seed = 1; seed <= 3; seed++) {
      SyntheticSpans.Crowd crowd = SyntheticSpans.generate(seed, 800, 4, 40, 3, careful, 0);

      double f1 = crowd.f1(SyntheticSpans.spans(new SpanModel(crowd.labels()).fit(crowd.answers()).aggregates()), 1);
      double tokens = crowd.f1(SyntheticSpans.spans(TokenMajority.aggregate(crowd.answers(), crowd.texts())), 1);

      assertThat(f1).as("seed %d", seed).isGreaterThan(tokens - 0.01).isGreaterThan(0.93);
    }
  }

  @Test
  void ranksCarelessWorkersBelowCarefulOnes() {
    SyntheticSpans.Crowd crowd = SyntheticSpans.generate(5, 2000, 4, 40, 5);

    Fit<List<ScoredSpan>> fit = new SpanModel(crowd.labels()).fit(crowd.answers());

    double worstGood = 1;
    double bestCareless = 0;
    for (int w = 0; w < crowd.kinds().length; w++) {
      double reliability = fit.workerReliability()[w];
      switch (crowd.kinds()[w]) {
        case GOOD -> worstGood = Math.min(worstGood, reliability);
        case RANDOM, LAZY -> bestCareless = Math.max(bestCareless, reliability);
        default -> { }
      }
    }
    assertThat(worstGood).isGreaterThan(bestCareless);
  }

  @Test
  void holdsGoldTextsAtTheirGoldAndGoldHelpsTheRest() {
    SyntheticSpans.Crowd withGold = SyntheticSpans.generate(3, 600, 4, 30, 3, MANY_RANDOM, 150);
    SyntheticSpans.Crowd without = SyntheticSpans.generate(3, 600, 4, 30, 3, MANY_RANDOM, 0);

    Fit<List<ScoredSpan>> fit = new SpanModel(withGold.labels()).fit(withGold.answers());

    for (int t = 0; t < 150; t++) {
      assertThat(fit.aggregates().get(t)).isEqualTo(withGold.answers().gold(t));
      assertThat(fit.confidence()[t]).isEqualTo(1.0);
    }
    List<List<Span>> rest = SyntheticSpans.spans(fit.aggregates()).subList(150, 600);
    List<List<Span>> restWithout = SyntheticSpans.spans(new SpanModel(without.labels()).fit(without.answers())
        .aggregates()).subList(150, 600);
    List<List<Span>> truth = withGold.truth().subList(150, 600);
    assertThat(SyntheticSpans.f1(rest, truth, withGold.labels(), 1))
        .isGreaterThanOrEqualTo(SyntheticSpans.f1(restWithout, truth, withGold.labels(), 1) - 0.005);
  }

  @Test
  void scoresATaskWithFittedParametersAsTheFitDid() {
    SyntheticSpans.Crowd crowd = SyntheticSpans.generate(8, 400, 4, 20, 5);
    SpanModel model = new SpanModel(crowd.labels());
    Fit<List<ScoredSpan>> fit = model.fit(crowd.answers());
    TypedAnswers<List<Span>, List<ScoredSpan>> answers = crowd.answers();

    for (int t = 0; t < 50; t++) {
      List<List<Span>> values = new ArrayList<>();
      List<double[]> params = new ArrayList<>();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        values.add(answers.value(i));
        params.add(fit.workerParams().get(answers.workerOf(i)));
      }
      Scored<List<ScoredSpan>> scored = model.score(values, params);
      assertThat(scored.aggregate()).as("task %d", t).isEqualTo(fit.aggregates().get(t));
      assertThat(scored.confidence()).isEqualTo(fit.confidence()[t]);
    }
  }

  @Test
  void fitsTheSameCrowdToTheSameAggregatesBitForBit() {
    SyntheticSpans.Crowd crowd = SyntheticSpans.generate(11, 300, 3, 20, 4);

    Fit<List<ScoredSpan>> first = new SpanModel(crowd.labels()).fit(crowd.answers());
    Fit<List<ScoredSpan>> second = new SpanModel(crowd.labels()).fit(crowd.answers());

    assertThat(second.aggregates()).isEqualTo(first.aggregates());
    assertThat(second.confidence()).isEqualTo(first.confidence());
    assertThat(second.workerReliability()).isEqualTo(first.workerReliability());
  }
}
