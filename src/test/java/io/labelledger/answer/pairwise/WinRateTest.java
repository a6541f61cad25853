package io.labelledger.answer.pairwise;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.answer.TypedAnswers;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WinRateTest {
  @Test
  void countsEveryComparisonAlikeAndATieAsHalfAWin() {
    TypedAnswers<Comparison, Outcome> answers = TypedAnswers.<Comparison, Outcome>builder()
        .add("p0", "w0", new Comparison("x", "y", Outcome.A))
        .add("p0", "w1", new Comparison("y", "x", Outcome.A))
        .add("p0", "w2", new Comparison("x", "y", Outcome.TIE))
        .add("p1", "w0", new Comparison("z", "x", Outcome.B))
        .gold("p1", Outcome.A) // ignored
        .build();

    Map<String, Double> scores = WinRate.scores(answers);

    assertThat(scores).containsOnlyKeys("x", "y", "z");
    assertThat(scores.get("x")).isEqualTo(2.5 / 4);
    assertThat(scores.get("y")).isEqualTo(1.5 / 3);
    assertThat(scores.get("z")).isZero();
  }
}
