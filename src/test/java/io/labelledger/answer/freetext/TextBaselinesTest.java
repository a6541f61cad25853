package io.labelledger.answer.freetext;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.answer.TypedAnswers;
import org.junit.jupiter.api.Test;

class TextBaselinesTest {
  private static TypedAnswers<String, String> answers() {
    return TypedAnswers.<String, String>builder()
        .add("t0", "w0", "x").add("t0", "w1", "y").add("t0", "w2", "y").add("t0", "w3", "x")
        .add("t1", "w0", "only")
        .add("t2", "w0", "a").add("t2", "w1", "A").add("t2", "w2", "b").add("t2", "w3", "b")
        .build();
  }

  @Test
  void mostFrequentTakesTheCommonestExactStringAndBreaksTiesToTheFirstSeen() {
    assertThat(TextBaselines.mostFrequent(answers())).containsExactly("x", "only", "b");
  }

  @Test
  void randomAnswerPicksOneOfTheTasksOwnAnswersTheSameWayForTheSameSeed() {
    TypedAnswers<String, String> answers = answers();
    assertThat(TextBaselines.randomAnswer(answers, 7)).isEqualTo(TextBaselines.randomAnswer(answers, 7));
    for (long seed = 0; seed < 20; seed++) {
      var picked = TextBaselines.randomAnswer(answers, seed);
      assertThat(picked.get(0)).isIn("x", "y");
      assertThat(picked.get(1)).isEqualTo("only");
      assertThat(picked.get(2)).isIn("a", "A", "b");
    }
  }
}
