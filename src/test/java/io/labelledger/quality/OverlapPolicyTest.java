package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OverlapPolicyTest {
  private final OverlapPolicy dynamic = new OverlapPolicy(2, 5, 0.9);

  @Test
  void confidentItemClosesOnceItHasTheMinimum() {
    assertThat(dynamic.decide(2, 2, 0.95)).isEqualTo(new OverlapPolicy.Decision(2, true));
    assertThat(dynamic.decide(1, 2, 0.99)).as("below overlap").isEqualTo(new OverlapPolicy.Decision(2, false));
  }

  @Test
  void unsureItemAsksForOneMoreAnswerAtATime() {
    assertThat(dynamic.decide(2, 2, 0.6)).isEqualTo(new OverlapPolicy.Decision(3, false));
    assertThat(dynamic.decide(3, 3, 0.6)).isEqualTo(new OverlapPolicy.Decision(4, false));
  }

  @Test
  void itemStillWaitingForAnswersItAskedForIsLeftAlone() {
    assertThat(dynamic.decide(2, 3, 0.6)).isEqualTo(new OverlapPolicy.Decision(3, false));
  }

  @Test
  void itemThatBecameConfidentWhileWaitingStopsBuyingAtWhatItHas() {
    assertThat(dynamic.decide(3, 4, 0.95)).isEqualTo(new OverlapPolicy.Decision(3, true));
  }

  @Test
  void itemClosesAtTheMaximumWhateverItsConfidence() {
    assertThat(dynamic.decide(5, 5, 0.4)).isEqualTo(new OverlapPolicy.Decision(5, true));
  }

  @Test
  void fixedOverlapClosesAtExactlyOverlapAnswers() {
    OverlapPolicy fixed = new OverlapPolicy(3, 3, 0.9);
    assertThat(fixed.decide(2, 3, 0.99)).isEqualTo(new OverlapPolicy.Decision(3, false));
    assertThat(fixed.decide(3, 3, 0.34)).isEqualTo(new OverlapPolicy.Decision(3, true));
  }

  @Test
  void rejectsPoliciesThatCannotHold() {
    assertThatThrownBy(() -> new OverlapPolicy(0, 3, 0.9)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OverlapPolicy(3, 2, 0.9)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new OverlapPolicy(1, 2, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
