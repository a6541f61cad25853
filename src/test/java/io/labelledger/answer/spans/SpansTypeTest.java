package io.labelledger.answer.spans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.answer.AnswerType;
import io.labelledger.answer.AnswerTypes;
import io.labelledger.answer.CampaignAnswers;
import io.labelledger.answer.ExportColumn;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spans type's settings, items, gold and signed answers, checked as the service checks them. */
class SpansTypeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LABELS = List.of("LOC", "PER");
  /** 12 code points: the emoji is one (two UTF-16 units). */
  private static final JsonNode ITEM = json("{\"text\":\"Ada 😀 London\",\"source\":\"x\"}");

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static CampaignAnswers<List<Span>, List<ScoredSpan>> bind(String settings) {
    AnswerType t = AnswerTypes.of("spans");
    return (CampaignAnswers<List<Span>, List<ScoredSpan>>) t.bind(LABELS, t.settings(json(settings), LABELS));
  }

  private static ApiException refusal(CampaignAnswers<List<Span>, ?> type, String answer) {
    ApiException e = catchThrowableOfType(ApiException.class, () -> type.parse(answer, ITEM));
    assertThat(e).as("refused: %s", answer).isNotNull();
    return e;
  }

  private static String answer(String... spans) {
    return "{\"spans\":[" + String.join(",", spans) + "]}";
  }

  private static String span(int start, int end, String label) {
    return "{\"end\":" + end + ",\"label\":\"" + label + "\",\"start\":" + start + "}";
  }

  @Test
  void fillsInItsSettingsAndRefusesOthersByName() {
    JsonNode settings = AnswerTypes.of("spans").settings(json("{}"), LABELS);
    assertThat(settings.get("allowOverlap").booleanValue()).isFalse();
    assertThat(settings.get("maxSpans").intValue()).isEqualTo(50);
    assertThatThrownBy(() -> AnswerTypes.of("spans").settings(json("{\"maxSpans\":0}"), LABELS))
        .extracting(e -> ((AnswerType.InvalidSettingsException) e).setting()).isEqualTo("maxSpans");
    assertThatThrownBy(() -> AnswerTypes.of("spans").settings(json("{\"allowOverlaps\":true}"), LABELS))
        .extracting(e -> ((AnswerType.InvalidSettingsException) e).setting()).isEqualTo("allowOverlaps");
    assertThat(AnswerTypes.of("spans").labelRule()).isEqualTo(AnswerType.LabelRule.AT_LEAST_ONE);
    assertThat(AnswerTypes.of("spans").taskCategory()).isEqualTo("token-classification");
  }

  @Test
  void takesItemsWithAText() {
    CampaignAnswers<List<Span>, ?> spans = bind("{}");
    spans.checkItem(ITEM);
    assertThatThrownBy(() -> spans.checkItem(json("{\"body\":\"x\"}"))).hasMessageContaining("data.text");
    assertThatThrownBy(() -> spans.checkItem(json("{\"text\":\"\"}"))).hasMessageContaining("data.text");
    assertThatThrownBy(() -> spans.checkItem(json("{\"text\":7}"))).hasMessageContaining("data.text");
  }

  @Test
  void takesSortedSpansOfTheTextInCodePoints() {
    CampaignAnswers<List<Span>, ?> spans = bind("{}");
    assertThat(spans.answerNeedsItem()).isTrue();
    assertThat(spans.parse(answer(span(0, 3, "PER"), span(6, 12, "LOC")), ITEM))
        .containsExactly(new Span(0, 3, "PER"), new Span(6, 12, "LOC"));
    assertThat(spans.parse(answer(), ITEM)).isEmpty();
    assertThat(spans.parse(answer(span(4, 5, "PER")), ITEM)).as("the emoji is one code point")
        .containsExactly(new Span(4, 5, "PER"));
  }

  @Test
  void refusesEachBadSpanWithItsOwnCode() {
    CampaignAnswers<List<Span>, ?> spans = bind("{\"maxSpans\":3}");
    ApiException past = refusal(spans, answer(span(6, 13, "LOC")));
    assertThat(past.code()).isEqualTo(ErrorCode.SPAN_OUT_OF_TEXT);
    assertThat(past.details()).containsEntry("textLength", 12);
    assertThat(refusal(spans, answer(span(-1, 3, "PER"))).code()).isEqualTo(ErrorCode.SPAN_OUT_OF_TEXT);
    assertThat(refusal(spans, answer(span(3, 3, "PER"))).code()).isEqualTo(ErrorCode.SPAN_WIDTH_INVALID);
    assertThat(refusal(spans, answer(span(3, 1, "PER"))).code()).isEqualTo(ErrorCode.SPAN_WIDTH_INVALID);
    assertThat(refusal(spans, answer(span(0, 5, "PER"), span(4, 8, "LOC"))).code())
        .isEqualTo(ErrorCode.SPANS_OVERLAP);
    assertThat(refusal(spans, answer(span(0, 3, "PER"), span(0, 3, "LOC"))).code()).as("unsorted")
        .isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    ApiException unknown = refusal(spans, answer(span(0, 3, "ORG")));
    assertThat(unknown.code()).isEqualTo(ErrorCode.ANSWER_NOT_IN_LABEL_SET);
    assertThat(unknown.details()).containsEntry("labels", LABELS);
    ApiException many = refusal(spans, answer(span(0, 1, "PER"), span(1, 2, "PER"), span(2, 3, "PER"),
        span(4, 5, "PER")));
    assertThat(many.code()).isEqualTo(ErrorCode.ANNOTATIONS_TOO_MANY);
    assertThat(many.details()).containsEntry("max", 3);
  }

  @Test
  void refusesAnyOtherSpellingOrShape() {
    CampaignAnswers<List<Span>, ?> spans = bind("{}");
    ApiException unsorted = refusal(spans, answer(span(6, 12, "LOC"), span(0, 3, "PER")));
    assertThat(unsorted.code()).isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    assertThat(unsorted.details()).containsEntry("canonical", answer(span(0, 3, "PER"), span(6, 12, "LOC")));
    assertThat(refusal(spans, "{\"spans\":[{\"start\":0,\"end\":3,\"label\":\"PER\"}]}").code())
        .as("keys not sorted").isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    assertThat(refusal(spans, "{\"spans\": []}").code()).isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    assertThat(refusal(spans, answer(span(0, 3, "PER"), span(0, 3, "PER"))).code()).as("repeated")
        .isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(spans, "{\"spans\":[{\"end\":3.5,\"label\":\"PER\",\"start\":0}]}").code())
        .isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(spans, "{\"spans\":[{\"end\":3,\"label\":\"PER\",\"start\":0,\"x\":1}]}").code())
        .isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(spans, "{\"spans\":[{\"end\":3,\"label\":1,\"start\":0}]}").code())
        .isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(spans, "{\"spans\":{}}").code()).isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(spans, "{\"boxes\":[]}").code()).isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(spans, "PER").code()).isEqualTo(ErrorCode.ANSWER_MALFORMED);
  }

  @Test
  void overlappingSpansAreFineWhereTheCampaignAllowsThem() {
    CampaignAnswers<List<Span>, ?> spans = bind("{\"allowOverlap\":true}");
    assertThat(spans.parse(answer(span(0, 5, "PER"), span(0, 12, "LOC"), span(4, 8, "LOC")), ITEM)).hasSize(3);
    assertThat(spans.parse(answer(span(0, 3, "LOC"), span(0, 3, "PER")), ITEM)).as("one span, two labels")
        .hasSize(2);
  }

  @Test
  void storesGoldAsItWouldBeSignedAndChecksItAgainstItsItem() {
    CampaignAnswers<List<Span>, List<ScoredSpan>> spans = bind("{}");
    String gold = spans.gold(json(answer(span(6, 12, "LOC"), span(0, 3, "PER"))));
    assertThat(gold).isEqualTo(answer(span(0, 3, "PER"), span(6, 12, "LOC")));
    assertThat(spans.goldAggregate(gold)).extracting(ScoredSpan::confidence).containsOnly(1.0);
    assertThatThrownBy(() -> spans.gold(json(answer(span(0, 5, "PER"), span(4, 8, "LOC")))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlap");
  }

  @Test
  void storesTheAggregateWithConfidencesAndReadsItBack() {
    CampaignAnswers<List<Span>, List<ScoredSpan>> spans = bind("{}");
    List<ScoredSpan> aggregate = List.of(new ScoredSpan(new Span(6, 12, "LOC"), 0.912345),
        new ScoredSpan(new Span(0, 3, "PER"), 1));
    String text = spans.aggregateText(aggregate);
    assertThat(text).isEqualTo("{\"spans\":[{\"confidence\":1,\"end\":3,\"label\":\"PER\",\"start\":0},"
        + "{\"confidence\":0.9123,\"end\":12,\"label\":\"LOC\",\"start\":6}]}");
    assertThat(spans.parseAggregate(text)).containsExactly(new ScoredSpan(new Span(0, 3, "PER"), 1),
        new ScoredSpan(new Span(6, 12, "LOC"), 0.9123));
    assertThat(spans.distributionKeys(aggregate)).containsExactlyInAnyOrder("LOC", "PER");
    assertThat(((ExportColumn.JsonText) spans.exportColumns(aggregate).get("spans")).json())
        .startsWith("[{\"confidence\":1,");
  }

  @Test
  void exportsTheSpansWithTheTextsTokensAndTheirBioTags() {
    CampaignAnswers<List<Span>, List<ScoredSpan>> spans = bind("{}");
    List<ScoredSpan> aggregate = List.of(new ScoredSpan(new Span(8, 14, "LOC"), 0.9),
        new ScoredSpan(new Span(0, 3, "PER"), 1));
    Map<String, Object> columns = spans.exportColumns(aggregate, "{\"text\":\"Ada met London today\"}");
    assertThat(spans.exportSchema()).extracting(ExportColumn::name).containsExactly("spans", "tokens", "ner_tags");
    assertThat(((ExportColumn.JsonText) columns.get("spans")).json())
        .isEqualTo("[{\"confidence\":1,\"end\":3,\"label\":\"PER\",\"start\":0},"
            + "{\"confidence\":0.9,\"end\":14,\"label\":\"LOC\",\"start\":8}]");
    assertThat(columns.get("tokens")).isEqualTo(List.of("Ada", "met", "London", "today"));
    assertThat(columns.get("ner_tags")).isEqualTo(List.of("B-PER", "O", "B-LOC", "O"));
  }

  @Test
  void agreesWhenSpanF1AtOverlapIsAtLeastAHalf() {
    CampaignAnswers<List<Span>, List<ScoredSpan>> spans = bind("{}");
    List<ScoredSpan> aggregate = List.of(new ScoredSpan(new Span(0, 10, "PER"), 0.9),
        new ScoredSpan(new Span(20, 30, "LOC"), 0.8));
    assertThat(spans.agrees(List.of(new Span(0, 12, "PER"), new Span(20, 30, "LOC")), aggregate))
        .as("a word more at an edge").isTrue();
    assertThat(spans.agrees(List.of(new Span(0, 10, "PER")), aggregate)).as("F1 2/3").isTrue();
    assertThat(spans.agrees(List.of(new Span(0, 10, "LOC")), aggregate)).as("wrong label").isFalse();
    assertThat(spans.agrees(List.of(new Span(0, 3, "PER"), new Span(20, 30, "LOC")), aggregate))
        .as("IoU 0.3 on one of two: F1 1/2").isTrue();
    assertThat(spans.agrees(List.of(), aggregate)).isFalse();
    assertThat(spans.agrees(List.of(), List.of())).isTrue();
  }
}
