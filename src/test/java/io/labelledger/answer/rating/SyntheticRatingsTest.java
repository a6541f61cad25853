package io.labelledger.answer.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.answer.TypedAnswers;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SyntheticRatingsTest {
  @Test
  void sameSeedSameCrowdOnTheScale() {
    SyntheticRatings.Crowd a = SyntheticRatings.generate(1, 300, 20, 3, 1, 5);
    SyntheticRatings.Crowd b = SyntheticRatings.generate(1, 300, 20, 3, 1, 5);

    assertThat(b.truth()).isEqualTo(a.truth());
    for (int i = 0; i < a.answers().answerCount(); i++) {
      assertThat(b.answers().value(i)).isEqualTo(a.answers().value(i)).isBetween(1, 5);
    }
    assertThat(Arrays.stream(a.truth()).allMatch(v -> v >= 1 && v <= 5)).isTrue();
  }

  @Test
  void harshRatersRateLowerThanLenientOnes() {
    SyntheticRatings.Crowd crowd = SyntheticRatings.generate(2, 2000, 50, 5, 1, 10);
    TypedAnswers<Integer, Double> answers = crowd.answers();
    double[] sum = new double[SyntheticRatings.Kind.values().length];
    int[] count = new int[sum.length];
    for (int t = 0; t < answers.taskCount(); t++) {
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        int kind = crowd.kinds()[answers.workerOf(i)].ordinal();
        sum[kind] += answers.value(i) - crowd.truth()[t];
        count[kind]++;
      }
    }

    int harsh = SyntheticRatings.Kind.HARSH.ordinal();
    int lenient = SyntheticRatings.Kind.LENIENT.ordinal();
    assertThat(sum[harsh] / count[harsh]).isLessThan(-0.5);
    assertThat(sum[lenient] / count[lenient]).isGreaterThan(0.5);
    assertThat(Arrays.stream(crowd.kinds()).filter(k -> k == SyntheticRatings.Kind.RANDOM).count())
        .isBetween(12L, 13L);
  }
}
