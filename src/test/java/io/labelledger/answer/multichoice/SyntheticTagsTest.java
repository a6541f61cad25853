package io.labelledger.answer.multichoice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.answer.TypedAnswers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticTagsTest {
  @Test
  void sameSeedSameCrowd() {
    SyntheticTags.Crowd a = SyntheticTags.generate(1, 300, 4, 20, 3);
    SyntheticTags.Crowd b = SyntheticTags.generate(1, 300, 4, 20, 3);
    SyntheticTags.Crowd c = SyntheticTags.generate(2, 300, 4, 20, 3);

    assertThat(values(b.answers())).isEqualTo(values(a.answers()));
    assertThat(b.truth()).isEqualTo(a.truth());
    assertThat(values(c.answers())).isNotEqualTo(values(a.answers()));
  }

  @Test
  void givesEachKindItsShareOfWorkers() {
    SyntheticTags.Crowd crowd = SyntheticTags.generate(3, 2000, 4, 100, 5);

    long random = Arrays.stream(crowd.kinds()).filter(k -> k == SyntheticTags.Kind.RANDOM).count();
    long adversarial = Arrays.stream(crowd.kinds()).filter(k -> k == SyntheticTags.Kind.ADVERSARIAL).count();

    assertThat(random + adversarial).isEqualTo(25);
    assertThat(crowd.answers().answerCount()).isEqualTo(10_000);
  }

  @Test
  void scoresTheTruthAsAPerfectMacroF1AndAnEmptyGuessAsZero() {
    SyntheticTags.Crowd crowd = SyntheticTags.generate(4, 500, 5, 20, 3);
    List<Long> truth = new ArrayList<>();
    for (long mask : crowd.truth()) {
      truth.add(mask);
    }

    assertThat(crowd.macroF1(truth)).isEqualTo(1.0);
    assertThat(crowd.macroF1(Collections.nCopies(500, 0L))).isZero();
  }

  @Test
  void rejectsSharesThatDoNotSumToOne() {
    assertThatThrownBy(() -> new SyntheticTags.Mix(0.5, 0.5, 0.5, 0, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static List<Long> values(TypedAnswers<Long, Long> answers) {
    List<Long> values = new ArrayList<>();
    for (int i = 0; i < answers.answerCount(); i++) {
      values.add(answers.value(i));
    }
    return values;
  }
}
