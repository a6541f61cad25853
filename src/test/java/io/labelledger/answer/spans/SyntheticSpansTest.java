package io.labelledger.answer.spans;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.answer.TypedAnswers;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticSpansTest {
  @Test
  void theSameSeedGivesTheSameCrowd() {
    SyntheticSpans.Crowd a = SyntheticSpans.generate(3, 50, 4, 10, 3);
    SyntheticSpans.Crowd b = SyntheticSpans.generate(3, 50, 4, 10, 3);

    assertThat(b.texts()).isEqualTo(a.texts());
    assertThat(b.truth()).isEqualTo(a.truth());
    for (int i = 0; i < a.answers().answerCount(); i++) {
      assertThat(b.answers().value(i)).isEqualTo(a.answers().value(i));
    }
  }

  @Test
  void everyAnswerIsOneACampaignWouldAccept() {
    SyntheticSpans.Crowd crowd = SyntheticSpans.generate(4, 300, 4, 20, 5);
    TypedAnswers<List<Span>, List<ScoredSpan>> answers = crowd.answers();
    for (int t = 0; t < answers.taskCount(); t++) {
      String text = crowd.texts().get(t);
      int length = text.codePointCount(0, text.length());
      assertSortedInsideAndApart(crowd.truth().get(t), length);
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        assertSortedInsideAndApart(answers.value(i), length);
      }
    }
    assertThat(String.join("", crowd.texts())).as("offsets are code points").contains("😀");
  }

  private static void assertSortedInsideAndApart(List<Span> spans, int length) {
    for (int k = 0; k < spans.size(); k++) {
      Span s = spans.get(k);
      assertThat(s.start()).isGreaterThanOrEqualTo(0).isLessThan(s.end());
      assertThat(s.end()).isLessThanOrEqualTo(length);
      if (k > 0) {
        assertThat(spans.get(k - 1).compareTo(s)).isNegative();
        assertThat(spans.get(k - 1).overlaps(s)).isFalse();
      }
    }
  }

  @Test
  void aQuarterOfTheDefaultCrowdIsCareless() {
    SyntheticSpans.Crowd crowd = SyntheticSpans.generate(1, 2000, 4, 100, 5);

    long careless = Arrays.stream(crowd.kinds())
        .filter(k -> k == SyntheticSpans.Kind.RANDOM || k == SyntheticSpans.Kind.LAZY).count();

    assertThat((double) careless / crowd.kinds().length).isBetween(0.2, 0.3);
  }

  @Test
  void scoresExactAndOverlapF1() {
    List<String> labels = List.of("A");
    List<List<Span>> truth = List.of(List.of(new Span(0, 10, "A"), new Span(20, 25, "A")));

    assertThat(SyntheticSpans.f1(truth, truth, labels, 1)).isEqualTo(1.0);
    List<List<Span>> off = List.of(List.of(new Span(0, 9, "A"), new Span(20, 25, "A")));
    assertThat(SyntheticSpans.f1(off, truth, labels, 1)).isEqualTo(0.5);
    assertThat(SyntheticSpans.f1(off, truth, labels, 0.5)).isEqualTo(1.0);
  }
}
