package io.labelledger.campaign;

import static io.labelledger.campaign.ValidationRule.Decision.INVALID;
import static io.labelledger.campaign.ValidationRule.Decision.UNDECIDED;
import static io.labelledger.campaign.ValidationRule.Decision.VALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ValidationRuleTest {
  @Test
  void twoAgreeingValidatorsDecideAsCommonVoiceDoes() {
    assertThat(ValidationRule.decide(0, 0, 2)).isEqualTo(UNDECIDED);
    assertThat(ValidationRule.decide(1, 0, 2)).isEqualTo(UNDECIDED);
    assertThat(ValidationRule.decide(2, 0, 2)).isEqualTo(VALID);
    assertThat(ValidationRule.decide(0, 2, 2)).isEqualTo(INVALID);
    assertThat(ValidationRule.decide(1, 1, 2)).isEqualTo(UNDECIDED);
    assertThat(ValidationRule.decide(2, 1, 2)).isEqualTo(VALID);
    assertThat(ValidationRule.decide(2, 2, 2)).as("a tie decides nothing").isEqualTo(UNDECIDED);
    assertThat(ValidationRule.decide(2, 3, 2)).isEqualTo(INVALID);
    assertThat(ValidationRule.decide(1, 0, 1)).isEqualTo(VALID);
    assertThat(ValidationRule.decide(2, 0, 3)).isEqualTo(UNDECIDED);
  }

  @Test
  void theDecisionDependsOnTheVotesNotOnTheirOrder() {
    Random random = new Random(11);
    for (int round = 0; round < 500; round++) {
      List<Boolean> votes = new ArrayList<>();
      int n = random.nextInt(12);
      for (int i = 0; i < n; i++) {
        votes.add(random.nextBoolean());
      }
      int agreeing = 1 + random.nextInt(5);
      ValidationRule.Decision first = decide(votes, agreeing);
      Collections.shuffle(votes, random);
      assertThat(decide(votes, agreeing)).isEqualTo(first);
    }
  }

  private static ValidationRule.Decision decide(List<Boolean> votes, int agreeing) {
    long valid = votes.stream().filter(v -> v).count();
    return ValidationRule.decide(valid, votes.size() - valid, agreeing);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> ValidationRule.decide(-1, 0, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ValidationRule.decide(0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
