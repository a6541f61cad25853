package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GoldScoreTest {
  @Test
  void accuracyIsLaplaceSmoothed() {
    assertThat(GoldScore.NONE.accuracy()).isEqualTo(0.5);
    assertThat(new GoldScore(5, 5).accuracy()).isCloseTo(6.0 / 7, within(1e-15));
    assertThat(new GoldScore(5, 2).accuracy()).isCloseTo(3.0 / 7, within(1e-15));
    assertThat(new GoldScore(100, 90).accuracy()).isCloseTo(91.0 / 102, within(1e-15));
  }

  @Test
  void floorAppliesOnlyAfterTheMinimumNumberOfGoldAnswers() {
    GoldScore fourWrong = new GoldScore(4, 0);
    assertThat(fourWrong.belowFloor(0.7, 5)).as("4 gold answers < minimum 5").isFalse();
    assertThat(new GoldScore(5, 0).belowFloor(0.7, 5)).isTrue();
    assertThat(new GoldScore(5, 4).belowFloor(0.7, 5)).as("5/7 = 0.714").isFalse();
    assertThat(new GoldScore(5, 3).belowFloor(0.7, 5)).as("4/7 = 0.571").isTrue();
    assertThat(new GoldScore(50, 0).belowFloor(0, 5)).as("no floor").isFalse();
  }

  @Test
  void rejectsImpossibleCounts() {
    assertThatThrownBy(() -> new GoldScore(2, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GoldScore(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
