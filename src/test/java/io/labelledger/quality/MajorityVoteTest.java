package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MajorityVoteTest {
  private final MajorityVote majorityVote = new MajorityVote();

  @Test
  void choosesTheMostGivenLabelWithItsVoteShareAsConfidence() {
    AnswerSet answers = AnswerSet.builder()
        .add("t", "w1", "cat").add("t", "w2", "dog").add("t", "w3", "cat").add("t", "w4", "cat")
        .build();

    Aggregation result = majorityVote.aggregate(answers);

    assertThat(result.label(0)).isEqualTo("cat");
    assertThat(result.confidence(0)).isEqualTo(0.75);
    assertThat(result.probability(0, answers.labelIndex("dog"))).isEqualTo(0.25);
    assertThat(result.iterations()).isZero();
    assertThat(result.converged()).isTrue();
  }

  @Test
  void breaksTiesTowardTheLabelThatSortsLowest() {
    AnswerSet answers = AnswerSet.builder()
        .add("binary", "w1", "1").add("binary", "w2", "0")
        .add("words", "w1", "pos").add("words", "w2", "neg")
        .add("numbers-as-text", "w1", "2").add("numbers-as-text", "w2", "10")
        .build();

    Aggregation result = majorityVote.aggregate(answers);

    assertThat(result.label(0)).isEqualTo("0");
    assertThat(result.label(1)).isEqualTo("neg");
    assertThat(result.label(2)).isEqualTo("10");
    assertThat(result.confidence(0)).isEqualTo(0.5);
  }

  @Test
  void goldTaskGetsItsGoldLabelWhateverTheVotes() {
    AnswerSet answers = AnswerSet.builder()
        .add("t", "w1", "cat").add("t", "w2", "cat").add("t", "w3", "dog")
        .gold("t", "dog")
        .build();

    Aggregation result = majorityVote.aggregate(answers);

    assertThat(result.label(0)).isEqualTo("dog");
    assertThat(result.confidence(0)).isEqualTo(1.0);
  }

  @Test
  void workerAccuracyIsAgreementWithTheChosenLabels() {
    AnswerSet answers = AnswerSet.builder()
        .add("t1", "w1", "a").add("t1", "w2", "a").add("t1", "w3", "b")
        .add("t2", "w1", "b").add("t2", "w2", "a").add("t2", "w3", "a")
        .build();

    Aggregation result = majorityVote.aggregate(answers);

    assertThat(result.workerAccuracy(0)).isCloseTo(0.5, within(1e-12)); // w1
    assertThat(result.workerAccuracy(1)).isCloseTo(1.0, within(1e-12)); // w2
    assertThat(result.workerAccuracy(2)).isCloseTo(0.5, within(1e-12)); // w3
  }
}
