package io.labelledger.answer.multichoice;

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

class MultiLabelModelTest {
  private static final SyntheticTags.Mix MANY_RANDOM = new SyntheticTags.Mix(0.30, 0.20, 0.20, 0.20, 0.10);
  private static final SyntheticTags.Mix ADVERSARIES = new SyntheticTags.Mix(0.60, 0.10, 0.10, 0.00, 0.20);
  private static final SyntheticTags.Mix NO_SLOPPY = new SyntheticTags.Mix(0.50, 0.00, 0.20, 0.30, 0.00);

  static Stream<Arguments> crowds() {
    List<Arguments> crowds = new ArrayList<>();
    for (SyntheticTags.Mix mix : List.of(SyntheticTags.Mix.DEFAULT, MANY_RANDOM, ADVERSARIES, NO_SLOPPY)) {
      for (long seed = 1; seed <= 3; seed++) {
        crowds.add(Arguments.of(mix, seed));
      }
    }
    return crowds.stream();
  }

  @ParameterizedTest
  @MethodSource("crowds")
  void beatsPerLabelMajorityOnMacroF1(SyntheticTags.Mix mix, long seed) {
    // 2000 tasks x 5 answers over 50 workers (200 answers each), 6 labels; measured margins 0.09-0.17
    SyntheticTags.Crowd crowd = SyntheticTags.generate(seed, 2000, 6, 50, 5, mix, 0);

    double model = crowd.macroF1(new MultiLabelModel(6).fit(crowd.answers()).aggregates());
    double majority = crowd.macroF1(new PerLabelMajority(6).fit(crowd.answers()).aggregates());

    assertThat(model).isGreaterThan(majority + 0.05);
  }

  @ParameterizedTest
  @MethodSource("crowds")
  void beatsPerLabelMajorityWithThreeAnswersPerTask(SyntheticTags.Mix mix, long seed) {
    SyntheticTags.Crowd crowd = SyntheticTags.generate(seed, 500, 3, 30, 3, mix, 0);

    double model = crowd.macroF1(new MultiLabelModel(3).fit(crowd.answers()).aggregates());
    double majority = crowd.macroF1(new PerLabelMajority(3).fit(crowd.answers()).aggregates());

    assertThat(model).isGreaterThan(majority + 0.03);
  }

  @Test
  void matchesMajorityWhenEveryWorkerIsGood() {
    SyntheticTags.Mix good = new SyntheticTags.Mix(1, 0, 0, 0, 0);
    for (long seed = 1; seed <= 3; seed++) {
      SyntheticTags.Crowd crowd = SyntheticTags.generate(seed, 1000, 5, 40, 3, good, 0);

      double model = crowd.macroF1(new MultiLabelModel(5).fit(crowd.answers()).aggregates());
      double majority = crowd.macroF1(new PerLabelMajority(5).fit(crowd.answers()).aggregates());

      assertThat(model).as("seed %d", seed).isGreaterThan(majority - 0.01).isGreaterThan(0.95);
    }
  }

  @Test
  void estimatesEachWorkersBalancedAccuracy() {
    // 3000 tasks x 5 answers over 40 workers: ~375 answers each, ~19 positives on the rarest label
    SyntheticTags.Crowd crowd = SyntheticTags.generate(4, 3000, 6, 40, 5, SyntheticTags.Mix.DEFAULT, 0);

    Fit<Long> fit = new MultiLabelModel(6).fit(crowd.answers());

    for (int w = 0; w < crowd.kinds().length; w++) {
      double reliability = fit.workerReliability()[w];
      assertThat(reliability).as("worker %d (%s)", w, crowd.kinds()[w])
          .isCloseTo(observedBalancedAccuracy(crowd, w), within(0.05));
      if (crowd.kinds()[w] == SyntheticTags.Kind.RANDOM) {
        assertThat(reliability).as("random worker %d", w).isCloseTo(0.5, within(0.06));
      } else if (crowd.kinds()[w] == SyntheticTags.Kind.GOOD) {
        assertThat(reliability).as("good worker %d", w).isGreaterThan(0.8);
      }
    }
  }

  /** The mean over labels of (sensitivity + specificity) / 2 that the worker's answers show. */
  private static double observedBalancedAccuracy(SyntheticTags.Crowd crowd, int worker) {
    TypedAnswers<Long, Long> answers = crowd.answers();
    double sum = 0;
    for (int l = 0; l < crowd.labels(); l++) {
      int[] met = new int[2];
      int[] right = new int[2];
      for (int t = 0; t < answers.taskCount(); t++) {
        for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
          if (answers.workerOf(i) == worker) {
            int truth = (int) (crowd.truth()[t] >>> l & 1);
            met[truth]++;
            right[truth] += (answers.value(i) >>> l & 1) == truth ? 1 : 0;
          }
        }
      }
      sum += ((double) right[0] / met[0] + (double) right[1] / met[1]) / 2;
    }
    return sum / crowd.labels();
  }

  @Test
  void findsTheLabelASloppyWorkerIsBlindTo() {
    SyntheticTags.Crowd crowd = SyntheticTags.generate(9, 3000, 4, 20, 5, SyntheticTags.Mix.DEFAULT, 0);

    Fit<Long> fit = new MultiLabelModel(4).fit(crowd.answers());

    int sloppy = Arrays.asList(crowd.kinds()).indexOf(SyntheticTags.Kind.SLOPPY);
    double[] params = fit.workerParams().get(sloppy);
    double lowest = 1;
    double highest = 0;
    for (int l = 0; l < 4; l++) {
      lowest = Math.min(lowest, params[2 * l]);
      highest = Math.max(highest, params[2 * l]);
    }
    assertThat(lowest).as("sensitivity on the blind label").isLessThan(0.2);
    assertThat(highest).as("best sensitivity").isGreaterThan(0.3);
  }

  @Test
  void holdsGoldTasksAtTheirGoldMaskAgainstTheCrowd() {
    TypedAnswers<Long, Long> answers = TypedAnswers.<Long, Long>builder()
        .add("t1", "w1", 0b011L).add("t1", "w2", 0b011L).add("t1", "w3", 0b011L)
        .add("t2", "w1", 0b100L).add("t2", "w2", 0b100L)
        .gold("t1", 0b100L)
        .build();

    Fit<Long> fit = new MultiLabelModel(3).fit(answers);

    assertThat(fit.aggregates().get(0)).isEqualTo(0b100L);
    assertThat(fit.confidence()[0]).isEqualTo(1.0);
  }

  @Test
  void goldOnSomeTasksKeepsThemAndHelpsTheRest() {
    SyntheticTags.Crowd withGold = SyntheticTags.generate(2, 1000, 4, 30, 3, MANY_RANDOM, 200);
    SyntheticTags.Crowd without = SyntheticTags.generate(2, 1000, 4, 30, 3, MANY_RANDOM, 0);

    Fit<Long> fit = new MultiLabelModel(4).fit(withGold.answers());

    for (int t = 0; t < 200; t++) {
      assertThat(fit.aggregates().get(t)).isEqualTo(withGold.truth()[t]);
    }
    double goldF1 = SyntheticTags.macroF1(tail(withGold.truth()), fit.aggregates().subList(200, 1000), 4);
    double plainF1 = SyntheticTags.macroF1(tail(without.truth()),
        new MultiLabelModel(4).fit(without.answers()).aggregates().subList(200, 1000), 4);
    assertThat(goldF1).isGreaterThanOrEqualTo(plainF1 - 0.005);
  }

  private static long[] tail(long[] truth) {
    return Arrays.copyOfRange(truth, 200, truth.length);
  }

  @Test
  void fitsTheSameCrowdBitForBitTwice() {
    SyntheticTags.Crowd crowd = SyntheticTags.generate(5, 800, 5, 25, 4);

    Fit<Long> first = new MultiLabelModel(5).fit(crowd.answers());
    Fit<Long> second = new MultiLabelModel(5).fit(crowd.answers());

    assertThat(second.aggregates()).isEqualTo(first.aggregates());
    assertThat(second.confidence()).isEqualTo(first.confidence());
    assertThat(second.workerReliability()).isEqualTo(first.workerReliability());
    for (int w = 0; w < first.workerParams().size(); w++) {
      assertThat(second.workerParams().get(w)).isEqualTo(first.workerParams().get(w));
    }
    assertThat(second.iterations()).isEqualTo(first.iterations());
  }

  @Test
  void scoresEachTaskAsTheFitDidGivenTheFittedParameters() {
    SyntheticTags.Crowd crowd = SyntheticTags.generate(6, 600, 5, 25, 4, SyntheticTags.Mix.DEFAULT, 50);
    MultiLabelModel model = new MultiLabelModel(5);
    Fit<Long> fit = model.fit(crowd.answers());
    TypedAnswers<Long, Long> answers = crowd.answers();

    for (int t = 50; t < answers.taskCount(); t++) {
      List<Long> values = new ArrayList<>();
      List<double[]> params = new ArrayList<>();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        values.add(answers.value(i));
        params.add(fit.workerParams().get(answers.workerOf(i)));
      }
      Scored<Long> scored = model.score(values, params);
      assertThat(scored.aggregate()).as("task %d", t).isEqualTo(fit.aggregates().get(t));
      assertThat(scored.confidence()).as("task %d", t).isEqualTo(fit.confidence()[t]);
    }
  }

  @Test
  void scoresUnseenWorkersAsTypicalOnes() {
    MultiLabelModel model = new MultiLabelModel(3);

    Scored<Long> scored = model.score(List.of(0b011L, 0b001L, 0b001L), Collections.nCopies(3, null));

    assertThat(scored.aggregate()).isEqualTo(0b001L);
    // label 1: one tick against two, each worth log(0.7 / 0.3): p = 0.3
    assertThat(scored.confidence()).isCloseTo(0.7, within(1e-12));
  }

  @Test
  void trustsAReliableWorkerOverTwoUnseenOnes() {
    MultiLabelModel model = new MultiLabelModel(1);
    double[] expert = {0.99, 0.99, 0.5};

    Scored<Long> scored = model.score(List.of(1L, 0L, 0L), Arrays.asList(expert, null, null));

    assertThat(scored.aggregate()).isEqualTo(1L);
  }

  @Test
  void takesASingleAnswerAtItsWord() {
    TypedAnswers<Long, Long> answers = TypedAnswers.<Long, Long>builder().add("t", "w", 0b101L).build();

    Fit<Long> fit = new MultiLabelModel(3).fit(answers);

    assertThat(fit.aggregates()).containsExactly(0b101L);
    assertThat(fit.confidence()[0]).isGreaterThan(0.5).isLessThan(1);
    assertThat(fit.workerReliability()[0]).isBetween(0.5, 1.0);
  }

  @Test
  void agreesWithIdenticalWorkersWithHighConfidence() {
    TypedAnswers.Builder<Long, Long> builder = TypedAnswers.builder();
    long[] masks = {0b0001, 0b0110, 0b0000, 0b1011, 0b0100};
    for (int t = 0; t < masks.length; t++) {
      for (int w = 0; w < 4; w++) {
        builder.add("t" + t, "w" + w, masks[t]);
      }
    }

    Fit<Long> fit = new MultiLabelModel(4).fit(builder.build());

    assertThat(fit.aggregates()).containsExactly(0b0001L, 0b0110L, 0b0000L, 0b1011L, 0b0100L);
    for (double confidence : fit.confidence()) {
      assertThat(confidence).isGreaterThan(0.95);
    }
  }

  @Test
  void neverTicksALabelNobodyPicks() {
    SyntheticTags.Crowd crowd = SyntheticTags.generate(3, 500, 3, 20, 3);
    TypedAnswers.Builder<Long, Long> builder = TypedAnswers.builder();
    TypedAnswers<Long, Long> answers = crowd.answers();
    for (int t = 0; t < answers.taskCount(); t++) {
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        // the same answers for a model of 4 labels: label 3 is never ticked
        builder.add(answers.taskId(t), answers.workerId(answers.workerOf(i)), answers.value(i));
      }
    }

    Fit<Long> fit = new MultiLabelModel(4).fit(builder.build());

    for (int t = 0; t < fit.aggregates().size(); t++) {
      assertThat(fit.aggregates().get(t) & 0b1000).isZero();
      assertThat(fit.confidence()[t]).isBetween(0.5, 1.0);
    }
    for (double[] params : fit.workerParams()) {
      assertThat(params).doesNotContain(Double.NaN);
    }
  }

  @Test
  void usesAllSixtyFourLabels() {
    TypedAnswers<Long, Long> answers = TypedAnswers.<Long, Long>builder()
        .add("t", "w1", Long.MIN_VALUE | 1).add("t", "w2", Long.MIN_VALUE).add("t", "w3", Long.MIN_VALUE | 1)
        .build();

    Fit<Long> fit = new MultiLabelModel(64).fit(answers);

    assertThat(fit.aggregates()).containsExactly(Long.MIN_VALUE | 1);
    assertThat(fit.workerParams().get(0)).hasSize(3 * 64);
  }

  @Test
  void rejectsAMaskBeyondItsLabels() {
    TypedAnswers<Long, Long> answers = TypedAnswers.<Long, Long>builder().add("t", "w", 0b1000L).build();

    assertThatThrownBy(() -> new MultiLabelModel(3).fit(answers))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beyond the 3");
    assertThatThrownBy(() -> new MultiLabelModel(65)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsScoringWithoutAnswersOrWithMismatchedParameters() {
    MultiLabelModel model = new MultiLabelModel(2);

    assertThatThrownBy(() -> model.score(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> model.score(List.of(1L), List.of(new double[] {0.9, 0.9})))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 numbers");
  }
}
