package io.labelledger.answer.multichoice;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel.Fit;
import io.labelledger.answer.TypedModel.Scored;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerLabelMajorityTest {
  @Test
  void ticksWhatMoreThanHalfTickAndLeavesTiesOut() {
    TypedAnswers<Long, Long> answers = TypedAnswers.<Long, Long>builder()
        .add("t", "w1", 0b011L).add("t", "w2", 0b001L).add("t", "w3", 0b110L).add("t", "w4", 0b001L)
        .build();

    Fit<Long> fit = new PerLabelMajority(3).fit(answers);

    // label 0: 3 of 4; label 1: 2 of 4 (a tie); label 2: 1 of 4
    assertThat(fit.aggregates()).containsExactly(0b001L);
    assertThat(fit.confidence()[0]).isEqualTo(0.5);
    // w1 agrees on 2 of 3 labels, w2 and w4 on all 3, w3 on none
    assertThat(fit.workerReliability()).containsExactly(2 / 3.0, 1.0, 0.0, 1.0);
  }

  @Test
  void keepsGoldAndScoresLikeItFits() {
    TypedAnswers<Long, Long> answers = TypedAnswers.<Long, Long>builder()
        .add("t1", "w1", 0b01L).add("t1", "w2", 0b01L).add("t2", "w1", 0b10L).add("t2", "w2", 0b11L)
        .add("t2", "w3", 0b10L).gold("t1", 0b10L).build();
    PerLabelMajority majority = new PerLabelMajority(2);

    Fit<Long> fit = majority.fit(answers);
    Scored<Long> scored = majority.score(List.of(0b10L, 0b11L, 0b10L), Collections.nCopies(3, null));

    assertThat(fit.aggregates()).containsExactly(0b10L, 0b10L);
    assertThat(fit.confidence()[0]).isEqualTo(1.0);
    assertThat(scored.aggregate()).isEqualTo(fit.aggregates().get(1));
    assertThat(scored.confidence()).isEqualTo(fit.confidence()[1]);
  }
}
