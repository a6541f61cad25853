package io.labelledger.answer.rating;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel.Fit;
import io.labelledger.answer.TypedModel.Scored;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RatingModelTest {
  private static final SyntheticRatings.Mix MANY_RANDOM =
      new SyntheticRatings.Mix(0.2, 0.15, 0.15, 0.1, 0.1, 0.3);
  private static final SyntheticRatings.Mix HALF_RANDOM = new SyntheticRatings.Mix(0.5, 0, 0, 0, 0, 0.5);
  private static final SyntheticRatings.Mix NO_RANDOM = new SyntheticRatings.Mix(0.2, 0.2, 0.2, 0.2, 0.2, 0);

  static Stream<Arguments> crowds() {
    List<Arguments> crowds = new ArrayList<>();
    for (var mix : List.of(SyntheticRatings.Mix.DEFAULT, MANY_RANDOM, HALF_RANDOM, NO_RANDOM)) {
      for (long seed = 1; seed <= 3; seed++) {
        crowds.add(Arguments.of(mix, seed));
      }
    }
    return crowds.stream();
  }

  @ParameterizedTest
  @MethodSource("crowds")
  void beatsTheMedianOnAFiveStarScale(SyntheticRatings.Mix mix, long seed) {
    // 2000 tasks x 5 ratings over 50 raters; measured: 0.23-0.32 against the median's 0.41-0.60
    SyntheticRatings.Crowd crowd = SyntheticRatings.generate(seed, 2000, 50, 5, 1, 5, mix, 0);

    double model = crowd.meanAbsoluteError(new RatingModel(1, 5).fit(crowd.answers()).aggregates());
    double median = crowd.meanAbsoluteError(new RatingMedian().fit(crowd.answers()).aggregates());

    assertThat(model).isLessThan(0.8 * median);
  }

  @ParameterizedTest
  @MethodSource("crowds")
  void beatsTheMedianWithThreeRatingsPerTaskOnATenPointScale(SyntheticRatings.Mix mix, long seed) {
    SyntheticRatings.Crowd crowd = SyntheticRatings.generate(seed, 600, 30, 3, 1, 10, mix, 0);

    double model = crowd.meanAbsoluteError(new RatingModel(1, 10).fit(crowd.answers()).aggregates());
    double median = crowd.meanAbsoluteError(new RatingMedian().fit(crowd.answers()).aggregates());

    assertThat(model).isLessThan(0.85 * median);
  }

  @Test
  void undoesEachRatersBiasAndScale() {
    SyntheticRatings.Crowd crowd = SyntheticRatings.generate(8, 3000, 30, 5, 1, 10, NO_RANDOM, 0);

    Fit<Double> fit = new RatingModel(1, 10).fit(crowd.answers());

    for (int w = 0; w < crowd.kinds().length; w++) {
      double bias = fit.workerParams().get(w)[0];
      double scale = fit.workerParams().get(w)[1];
      switch (crowd.kinds()[w]) {
        case HARSH -> assertThat(bias).as("harsh rater %d", w).isLessThan(-0.5);
        case LENIENT -> assertThat(bias).as("lenient rater %d", w).isGreaterThan(0.5);
        case COMPRESSED -> assertThat(scale).as("compressed rater %d", w).isLessThan(0.8);
        case STRETCHED -> assertThat(scale).as("stretched rater %d", w).isGreaterThan(1.15);
        default -> assertThat(scale).as("fair rater %d", w).isBetween(0.8, 1.2);
      }
    }
  }

  @Test
  void givesRandomRatersLowReliabilityAndLittleWeight() {
    SyntheticRatings.Crowd crowd = SyntheticRatings.generate(2, 2000, 40, 5, 1, 5);

    Fit<Double> fit = new RatingModel(1, 5).fit(crowd.answers());

    double mostReliableRandom = 0;
    double leastReliableOther = 1;
    for (int w = 0; w < crowd.kinds().length; w++) {
      double[] params = fit.workerParams().get(w);
      double weight = params[1] * params[1] / (params[2] * params[2]);
      double reliability = fit.workerReliability()[w];
      if (crowd.kinds()[w] == SyntheticRatings.Kind.RANDOM) {
        assertThat(weight).as("random rater %d", w).isLessThan(0.05);
        mostReliableRandom = Math.max(mostReliableRandom, reliability);
      } else {
        // a compressed, noisy rater can be barely informative (s 0.45, σ 0.77: weight 0.35)
        assertThat(weight).as("rater %d", w).isGreaterThan(0.3);
        leastReliableOther = Math.min(leastReliableOther, reliability);
      }
    }
    assertThat(mostReliableRandom).isLessThan(0.1).isLessThan(leastReliableOther);
  }

  @Test
  void holdsGoldValuesAndStillBeatsTheMedianAroundThem() {
    SyntheticRatings.Crowd crowd =
        SyntheticRatings.generate(3, 1000, 30, 4, 1, 5, SyntheticRatings.Mix.DEFAULT, 100);

    Fit<Double> fit = new RatingModel(1, 5).fit(crowd.answers());
    Fit<Double> median = new RatingMedian().fit(crowd.answers());

    for (int t = 0; t < 100; t++) {
      assertThat(fit.aggregates().get(t)).isEqualTo(crowd.truth()[t]);
      assertThat(fit.confidence()[t]).isEqualTo(1.0);
    }
    double[] rest = Arrays.copyOfRange(crowd.truth(), 100, 1000);
    assertThat(SyntheticRatings.meanAbsoluteError(rest, fit.aggregates().subList(100, 1000)))
        .isLessThan(0.8 * SyntheticRatings.meanAbsoluteError(rest, median.aggregates().subList(100, 1000)));
  }

  @Test
  void goldCorrectsACrowdThatIsLenientAsAWhole() {
    SyntheticRatings.Mix lenient = new SyntheticRatings.Mix(0, 0, 1, 0, 0, 0);
    SyntheticRatings.Crowd withoutGold = SyntheticRatings.generate(3, 2000, 30, 5, 1, 10, lenient, 0);
    SyntheticRatings.Crowd withGold = SyntheticRatings.generate(3, 2000, 30, 5, 1, 10, lenient, 5);

    Fit<Double> blind = new RatingModel(1, 10).fit(withoutGold.answers());
    Fit<Double> calibrated = new RatingModel(1, 10).fit(withGold.answers());

    // every rater is 0.9-2.25 points lenient: without gold that reads as high values
    assertThat(meanError(withoutGold.truth(), blind.aggregates(), 0)).isGreaterThan(0.8);
    assertThat(meanError(withGold.truth(), calibrated.aggregates(), 5)).isCloseTo(0, within(0.2));
    assertThat(calibrated.converged()).isTrue();
  }

  /** The mean of aggregate - truth over the tasks from {@code from} on. */
  private static double meanError(double[] truth, List<Double> aggregates, int from) {
    double sum = 0;
    for (int t = from; t < truth.length; t++) {
      sum += aggregates.get(t) - truth[t];
    }
    return sum / (truth.length - from);
  }

  @Test
  void convergesWithAFewGoldTasks() {
    for (int gold : new int[] {1, 5, 20}) {
      SyntheticRatings.Crowd crowd =
          SyntheticRatings.generate(1, 2000, 50, 5, 1, 5, SyntheticRatings.Mix.DEFAULT, gold);

      Fit<Double> fit = new RatingModel(1, 5).fit(crowd.answers());

      assertThat(fit.converged()).as("%d gold tasks", gold).isTrue();
      assertThat(fit.iterations()).as("%d gold tasks", gold).isLessThan(100);
    }
  }

  @Test
  void fitsTheSameCrowdBitForBitTwice() {
    SyntheticRatings.Crowd crowd = SyntheticRatings.generate(5, 800, 25, 4, 1, 7);

    Fit<Double> first = new RatingModel(1, 7).fit(crowd.answers());
    Fit<Double> second = new RatingModel(1, 7).fit(crowd.answers());

    assertThat(second.aggregates()).isEqualTo(first.aggregates());
    assertThat(second.confidence()).isEqualTo(first.confidence());
    assertThat(second.workerReliability()).isEqualTo(first.workerReliability());
    for (int w = 0; w < first.workerParams().size(); w++) {
      assertThat(second.workerParams().get(w)).isEqualTo(first.workerParams().get(w));
    }
  }

  @Test
  void scoresEachTaskAsTheFitDidGivenTheFittedParameters() {
    SyntheticRatings.Crowd crowd = SyntheticRatings.generate(6, 600, 25, 4, 0, 10);
    RatingModel model = new RatingModel(0, 10);
    Fit<Double> fit = model.fit(crowd.answers());
    TypedAnswers<Integer, Double> answers = crowd.answers();

    for (int t = 0; t < answers.taskCount(); t++) {
      List<Integer> values = new ArrayList<>();
      List<double[]> params = new ArrayList<>();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        values.add(answers.value(i));
        params.add(fit.workerParams().get(answers.workerOf(i)));
      }
      Scored<Double> scored = model.score(values, params);
      assertThat(scored.aggregate()).as("task %d", t).isEqualTo(fit.aggregates().get(t));
      assertThat(scored.confidence()).as("task %d", t).isEqualTo(fit.confidence()[t]);
    }
  }

  @Test
  void scoresUnseenRatersAsTypicalOnesAroundTheMiddle() {
    RatingModel model = new RatingModel(1, 5);

    Scored<Double> agreeing = model.score(List.of(4, 4, 4), Collections.nCopies(3, null));
    Scored<Double> split = model.score(List.of(2, 4), Collections.nCopies(2, null));

    // three typical raters (σ0 = 2/3) against a prior of spread 4/√12: 4 shrunk by 0.1 towards 3
    assertThat(agreeing.aggregate()).isCloseTo(3.9, within(1e-12));
    assertThat(split.aggregate()).isCloseTo(3, within(1e-12));
    assertThat(agreeing.confidence()).isGreaterThan(split.confidence());
  }

  @Test
  void correctsAKnownHarshRater() {
    RatingModel model = new RatingModel(1, 5);
    double[] prior = {0, 1};
    double[] harsh = {-1, 1, 0.3, prior[0], prior[1]};

    Scored<Double> scored = model.score(List.of(3), List.<double[]>of(harsh));

    // a 3 from a rater one point harsh is a 4, shrunk a little towards the prior's 3
    assertThat(scored.aggregate()).isGreaterThan(3.8).isLessThan(4);
  }

  @Test
  void takesASingleRatingNearlyAtItsWord() {
    TypedAnswers<Integer, Double> answers = TypedAnswers.<Integer, Double>builder().add("t", "w", 5).build();

    Fit<Double> fit = new RatingModel(1, 5).fit(answers);

    assertThat(fit.aggregates().get(0)).isBetween(4.5, 5.0);
    assertThat(fit.confidence()[0]).isBetween(0.0, 1.0);
    assertThat(fit.workerReliability()[0]).isBetween(0.0, 1.0);
  }

  @Test
  void agreesWithIdenticalRaters() {
    TypedAnswers.Builder<Integer, Double> builder = TypedAnswers.builder();
    int[] ratings = {1, 3, 5, 2, 4, 4, 1, 5};
    for (int t = 0; t < ratings.length; t++) {
      for (int w = 0; w < 4; w++) {
        builder.add("t" + t, "w" + w, ratings[t]);
      }
    }

    Fit<Double> fit = new RatingModel(1, 5).fit(builder.build());

    for (int t = 0; t < ratings.length; t++) {
      assertThat(fit.aggregates().get(t)).as("task %d", t).isCloseTo(ratings[t], within(0.1));
    }
  }

  @Test
  void keepsEveryAggregateOnTheScale() {
    // two lenient raters who give 5 to everything, so values above the scale would fit them best
    TypedAnswers.Builder<Integer, Double> builder = TypedAnswers.builder();
    for (int t = 0; t < 50; t++) {
      builder.add("t" + t, "a", 5).add("t" + t, "b", 5).add("t" + t, "c", 1 + t % 5);
    }

    Fit<Double> fit = new RatingModel(1, 5).fit(builder.build());

    for (int t = 0; t < 50; t++) {
      assertThat(fit.aggregates().get(t)).isBetween(1.0, 5.0);
      assertThat(fit.confidence()[t]).isBetween(0.0, 1.0);
    }
  }

  @Test
  void rejectsRatingsAndGoldOffTheScale() {
    TypedAnswers<Integer, Double> above = TypedAnswers.<Integer, Double>builder().add("t", "w", 6).build();
    TypedAnswers<Integer, Double> gold = TypedAnswers.<Integer, Double>builder().add("t", "w", 3)
        .gold("t", 0.5).build();

    assertThatThrownBy(() -> new RatingModel(1, 5).fit(above))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rating 6 is off the scale 1..5");
    assertThatThrownBy(() -> new RatingModel(1, 5).fit(gold))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gold value 0.5");
    assertThatThrownBy(() -> new RatingModel(3, 3)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void approximatesTheErrorFunction() {
    assertThat(RatingModel.erf(0)).isCloseTo(0, within(1e-7));
    assertThat(RatingModel.erf(0.5)).isCloseTo(0.5204998778, within(2e-7));
    assertThat(RatingModel.erf(-1)).isCloseTo(-0.8427007929, within(2e-7));
    assertThat(RatingModel.erf(3)).isCloseTo(0.9999779095, within(2e-7));
  }
}
