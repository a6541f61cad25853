package io.labelledger.answer.spans;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenMajorityTest {
  private static final String TEXT = "Ada Lovelace met Charles Babbage in London";

  private static Span span(int start, int end, String label) {
    return new Span(start, end, label);
  }

  private static List<Span> spans(List<ScoredSpan> scored) {
    return scored.stream().map(ScoredSpan::span).toList();
  }

  @Test
  void tagsEachWordByMajorityAndDecodesTheSpans() {
    List<ScoredSpan> out = TokenMajority.task(List.of(
        List.of(span(0, 12, "PER"), span(17, 32, "PER"), span(36, 42, "LOC")),
        List.of(span(0, 3, "PER"), span(17, 32, "PER")),
        List.of(span(0, 12, "PER"), span(25, 32, "PER"), span(36, 42, "ORG"))), TEXT);

    assertThat(spans(out)).containsExactly(span(0, 12, "PER"), span(17, 32, "PER"));
    assertThat(out.get(0).confidence()).isEqualTo(2.0 / 3);
  }

  @Test
  void aTieGoesToOutside() {
    List<ScoredSpan> out = TokenMajority.task(List.of(List.of(span(0, 3, "PER")), List.of()), TEXT);

    assertThat(out).isEmpty();
  }

  @Test
  void aSpanOfPartOfAWordTagsTheWholeWordAndCodePointsAreCounted() {
    String text = "😀 go home";
    List<ScoredSpan> out = TokenMajority.task(List.of(List.of(span(2, 3, "X")), List.of(span(2, 4, "X"))), text);

    assertThat(spans(out)).containsExactly(span(2, 4, "X"));
    assertThat(TokenMajority.words(text)[0]).containsExactly(0, 2, 5);
  }

  @Test
  void withoutTheTextEachCodePointIsAToken() {
    List<ScoredSpan> out = TokenMajority.task(List.of(List.of(span(1, 4, "X")), List.of(span(2, 5, "X")),
        List.of(span(2, 4, "X"))), null);

    assertThat(spans(out)).containsExactly(span(2, 4, "X"));
  }
}
