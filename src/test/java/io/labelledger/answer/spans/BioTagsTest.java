package io.labelledger.answer.spans;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BioTagsTest {
  @Test
  void tagsWhitespaceTokensBeginningAndInsideEachSpan() {
    // "Ada Lovelace met Babbage in London ." — Ada Lovelace [0,12) PER, London [28,34) LOC
    BioTags.Tagged t = BioTags.of("Ada Lovelace met Babbage in London .",
        List.of(new Span(28, 34, "LOC"), new Span(0, 12, "PER"), new Span(17, 24, "PER")));
    assertThat(t.tokens()).containsExactly("Ada", "Lovelace", "met", "Babbage", "in", "London", ".");
    assertThat(t.tags()).containsExactly("B-PER", "I-PER", "O", "B-PER", "O", "B-LOC", "O");
  }

  @Test
  void countsCodePointsNotUtf16UnitsAndSplitsOnEveryUnicodeSpace() {
    // 😀 is one code point (two UTF-16 units); U+00A0 and U+3000 separate tokens as Python's split() does
    String text = "😀 Paris\u00a0Texas\u3000now\n\tthen";
    BioTags.Tagged t = BioTags.of(text, List.of(new Span(2, 13, "LOC")));
    assertThat(t.tokens()).containsExactly("😀", "Paris", "Texas", "now", "then");
    assertThat(t.tags()).containsExactly("O", "B-LOC", "I-LOC", "O", "O");
  }

  @Test
  void aSpanInsideATokenTagsTheWholeTokenAndAdjacentSpansBothBegin() {
    BioTags.Tagged t = BioTags.of("New-York Boston Chicago",
        List.of(new Span(4, 8, "LOC"), new Span(9, 15, "LOC"), new Span(16, 23, "ORG")));
    assertThat(t.tags()).containsExactly("B-LOC", "B-LOC", "B-ORG");
  }

  @Test
  void overlappingSpansGiveEachTokenTheSpanThatStartsFirstThenTheLonger() {
    // [0,13) ORG "Bank of Paris" and [8,13) LOC "Paris", [8,20) MISC "Paris branch": Paris stays in ORG
    BioTags.Tagged t = BioTags.of("Bank of Paris branch",
        List.of(new Span(8, 13, "LOC"), new Span(0, 13, "ORG"), new Span(8, 20, "MISC")));
    assertThat(t.tags()).containsExactly("B-ORG", "I-ORG", "I-ORG", "B-MISC");
    t = BioTags.of("Bank of Paris branch", List.of(new Span(8, 13, "LOC"), new Span(8, 20, "MISC")));
    assertThat(t.tags()).as("same start: the longer").containsExactly("O", "O", "B-MISC", "I-MISC");
  }

  @Test
  void emptyAndBlankTextsHaveNoTokens() {
    assertThat(BioTags.of("", List.of()).tokens()).isEmpty();
    assertThat(BioTags.of(" \t\n", List.of()).tags()).isEmpty();
    assertThat(BioTags.names(List.of("LOC", "PER"))).containsExactly("O", "B-LOC", "I-LOC", "B-PER", "I-PER");
  }
}
