package io.labelledger.answer.rating;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel.Fit;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RatingMedianTest {
  @Test
  void takesTheMiddleRatingOrTheMeanOfTheMiddleTwo() {
    TypedAnswers<Integer, Double> answers = TypedAnswers.<Integer, Double>builder()
        .add("odd", "w1", 5).add("odd", "w2", 1).add("odd", "w3", 4)
        .add("even", "w1", 2).add("even", "w2", 5).add("even", "w3", 3).add("even", "w4", 1)
        .add("gold", "w1", 1).gold("gold", 4.5)
        .build();

    Fit<Double> fit = new RatingMedian().fit(answers);

    assertThat(fit.aggregates()).containsExactly(4.0, 2.5, 4.5);
    // only the 4 itself is within 0.5 of 4; 2 and 3 are within 0.5 of 2.5
    assertThat(fit.confidence()).containsExactly(1 / 3.0, 0.5, 1.0);
    assertThat(new RatingMedian().score(List.of(5, 1, 4), Collections.nCopies(3, null)).aggregate())
        .isEqualTo(4.0);
  }
}
