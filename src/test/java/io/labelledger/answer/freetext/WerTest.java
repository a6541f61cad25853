package io.labelledger.answer.freetext;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WerTest {
  private static final TextNormalizer ALL = new TextNormalizer(true, true, true);

  @Test
  void countsSubstitutionsDeletionsAndInsertionsOverTheReferenceLength() {
    assertThat(Wer.wordErrorRate("the cat sat", "the cat sat", ALL)).isZero();
    assertThat(Wer.wordErrorRate("the dog sat down", "the cat sat down", ALL)).isEqualTo(0.25);
    assertThat(Wer.wordErrorRate("the sat", "the cat sat down", ALL)).isEqualTo(0.5);
    assertThat(Wer.wordErrorRate("a b c d e f", "a b", ALL)).isEqualTo(2.0);
  }

  @Test
  void isNotSymmetric() {
    assertThat(Wer.wordErrorRate("a b c d", "a b", ALL)).isEqualTo(1.0);
    assertThat(Wer.wordErrorRate("a b", "a b c d", ALL)).isEqualTo(0.5);
  }

  @Test
  void appliesTheNormalizerToBothTexts() {
    assertThat(Wer.wordErrorRate("The cat, sat.", "the  cat sat", ALL)).isZero();
    assertThat(Wer.wordErrorRate("The cat, sat.", "the  cat sat", TextNormalizer.NONE)).isEqualTo(1.0);
  }

  @Test
  void anEmptyReferenceScoresZeroForAnEmptyHypothesisAndOneOtherwise() {
    assertThat(Wer.wordErrorRate("", "", ALL)).isZero();
    assertThat(Wer.wordErrorRate(" . ", "  ", ALL)).isZero();
    assertThat(Wer.wordErrorRate("anything at all", "", ALL)).isEqualTo(1.0);
  }

  @Test
  void anEmptyHypothesisDeletesEveryReferenceWord() {
    assertThat(Wer.wordErrorRate("", "one two three", ALL)).isEqualTo(1.0);
  }
}
