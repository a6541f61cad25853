package io.labelledger.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.answer.pairwise.Outcome;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each answer type's settings, items, gold and signed answers, checked as the service checks them. */
class AnswerTypesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> TAGS = List.of("animal", "outdoor", "person");

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <V, A> CampaignAnswers<V, A> bind(String type, List<String> labels, String settings) {
    AnswerType t = AnswerTypes.of(type);
    return (CampaignAnswers<V, A>) t.bind(labels, t.settings(json(settings), labels));
  }

  private static ErrorCode refusal(CampaignAnswers<?, ?> type, String answer) {
    try {
      type.parse(answer);
    } catch (ApiException e) {
      return e.code();
    }
    throw new AssertionError("accepted " + answer);
  }

  @Test
  void registersEveryTypeOnceByItsWireName() {
    assertThat(AnswerTypes.wireNames())
        .containsExactly("single_choice", "multi_choice", "rating", "free_text", "pairwise", "spans", "boxes", "upload");
    AnswerTypes.all().forEach(t -> assertThat(AnswerTypes.of(t.wireName())).isSameAs(t));
  }

  @Test
  void fillsInDefaultsAndRefusesUnknownOrOutOfRangeSettingsByName() {
    JsonNode rating = AnswerTypes.of("rating").settings(json("{}"), List.of());
    assertThat(rating.get("min").intValue()).isEqualTo(1);
    assertThat(rating.get("max").intValue()).isEqualTo(5);
    JsonNode text = AnswerTypes.of("free_text").settings(json("{\"normalize\":{\"case\":true}}"), List.of());
    assertThat(text.at("/normalize/case").booleanValue()).isTrue();
    assertThat(text.at("/normalize/whitespace").booleanValue()).isTrue();
    assertThat(text.get("maxLength").intValue()).isEqualTo(1000);

    assertThatThrownBy(() -> AnswerTypes.of("rating").settings(json("{\"min\":5,\"max\":5}"), List.of()))
        .isInstanceOf(AnswerType.InvalidSettingsException.class)
        .extracting(e -> ((AnswerType.InvalidSettingsException) e).setting()).isEqualTo("max");
    assertThatThrownBy(() -> AnswerTypes.of("multi_choice").settings(json("{\"maxPicks\":4}"), TAGS))
        .extracting(e -> ((AnswerType.InvalidSettingsException) e).setting()).isEqualTo("maxPicks");
    assertThatThrownBy(() -> AnswerTypes.of("pairwise").settings(json("{\"allowTies\":true}"), List.of()))
        .extracting(e -> ((AnswerType.InvalidSettingsException) e).setting()).isEqualTo("allowTies");
    assertThatThrownBy(() -> AnswerTypes.of("free_text").settings(json("{\"normalize\":{\"case\":1}}"), List.of()))
        .extracting(e -> ((AnswerType.InvalidSettingsException) e).setting()).isEqualTo("normalize.case");
    assertThatThrownBy(() -> AnswerTypes.of("single_choice").settings(json("{\"x\":1}"), List.of("a", "b")))
        .isInstanceOf(AnswerType.InvalidSettingsException.class);
  }

  @Test
  void multiChoiceTakesSortedKnownTagsWithinThePickLimits() {
    CampaignAnswers<Long, Long> tags = bind("multi_choice", TAGS, "{\"minPicks\":1,\"maxPicks\":2}");
    assertThat(tags.parse("{\"labels\":[\"animal\",\"person\"]}")).isEqualTo(0b101L);
    assertThat(refusal(tags, "{\"labels\":[\"person\",\"animal\"]}")).isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    assertThat(refusal(tags, "{\"labels\":[\"animal\",\"animal\"]}")).isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(tags, "{\"labels\":[\"cat\"]}")).isEqualTo(ErrorCode.ANSWER_NOT_IN_LABEL_SET);
    assertThat(refusal(tags, "{\"labels\":[]}")).isEqualTo(ErrorCode.PICKS_OUT_OF_RANGE);
    assertThat(refusal(tags, "{\"labels\":[\"animal\",\"outdoor\",\"person\"]}"))
        .isEqualTo(ErrorCode.PICKS_OUT_OF_RANGE);
    assertThat(refusal(tags, "{ \"labels\":[\"animal\"]}")).isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    assertThat(refusal(tags, "animal")).isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(tags, "{\"labels\":[\"animal\"],\"labels\":[\"person\"]}"))
        .isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(tags.aggregateText(0b110L)).isEqualTo("{\"labels\":[\"outdoor\",\"person\"]}");
    assertThat(tags.agrees(0b011L, 0b001L)).as("Jaccard 1/2").isTrue();
    assertThat(tags.agrees(0b110L, 0b001L)).isFalse();
  }

  @Test
  void ratingTakesAnIntegerOnTheScale() {
    CampaignAnswers<Integer, Double> rating = bind("rating", List.of(), "{\"min\":1,\"max\":5}");
    assertThat(rating.parse("{\"rating\":4}")).isEqualTo(4);
    ApiException nine = (ApiException) org.assertj.core.api.Assertions.catchThrowable(
        () -> rating.parse("{\"rating\":9}"));
    assertThat(nine.code()).isEqualTo(ErrorCode.RATING_OUT_OF_RANGE);
    assertThat(nine.details()).containsEntry("min", 1).containsEntry("max", 5);
    assertThat(refusal(rating, "{\"rating\":4.0}")).isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    assertThat(refusal(rating, "{\"rating\":4.5}")).isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(rating, "{\"rating\":\"4\"}")).isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(rating, "{\"rating\":4,\"why\":\"x\"}")).isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(rating.aggregateText(3.14159)).isEqualTo("{\"rating\":3.1416}");
    assertThat(rating.agrees(4, 3.1)).isTrue();
    assertThat(rating.agrees(5, 3.9)).isFalse();
  }

  @Test
  void freeTextTakesANonBlankTextWithinTheLimitAndMatchesGoldNormalised() {
    CampaignAnswers<String, String> text = bind("free_text", List.of(),
        "{\"maxLength\":10,\"normalize\":{\"case\":true,\"punctuation\":true}}");
    assertThat(text.parse("{\"text\":\"Hello\"}")).isEqualTo("Hello");
    assertThat(refusal(text, "{\"text\":\"   \"}")).isEqualTo(ErrorCode.TEXT_EMPTY);
    assertThat(refusal(text, "{\"text\":\"12345678901\"}")).isEqualTo(ErrorCode.TEXT_TOO_LONG);
    assertThat(text.parse("{\"text\":\"😀😀😀😀😀😀😀😀😀😀\"}")).as("ten code points").hasSize(20);
    assertThat(refusal(text, "{\"text\":\"\\u0048i\"}")).isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    assertThat(text.key("{\"text\":\"Hello, World!\"}")).isEqualTo(text.key("{\"text\":\"hello world\"}"));
    assertThat(text.key(text.gold(json("{\"text\":\"HI, there.\"}"))))
        .isEqualTo(text.key("{\"text\":\"hi there\"}"));
  }

  @Test
  void pairwiseTakesAOrBAndATieOnlyWhereAllowed() {
    CampaignAnswers<Outcome, Outcome> pairs = bind("pairwise", List.of(), "{}");
    assertThat(pairs.parse("{\"choice\":\"a\"}")).isEqualTo(Outcome.A);
    assertThat(pairs.parse("{\"choice\":\"tie\"}")).isEqualTo(Outcome.TIE);
    assertThat(refusal(pairs, "{\"choice\":\"c\"}")).isEqualTo(ErrorCode.ANSWER_MALFORMED);
    CampaignAnswers<Outcome, Outcome> noTie = bind("pairwise", List.of(), "{\"allowTie\":false}");
    assertThat(refusal(noTie, "{\"choice\":\"tie\"}")).isEqualTo(ErrorCode.TIE_NOT_ALLOWED);

    pairs.checkItem(json("{\"prompt\":\"p\",\"a\":{\"text\":\"x\"},\"b\":{\"text\":\"y\",\"id\":\"r2\"}}"));
    assertThatThrownBy(() -> pairs.checkItem(json("{\"prompt\":\"p\",\"a\":{\"text\":\"x\"}}")))
        .hasMessageContaining("data.b");
    assertThatThrownBy(() -> pairs.checkItem(json("{\"a\":{\"text\":\"x\"},\"b\":{\"text\":\"y\"}}")))
        .hasMessageContaining("data.prompt");
    assertThatThrownBy(() -> pairs.checkItem(
        json("{\"prompt\":\"p\",\"a\":{\"text\":\"x\",\"id\":\"s\"},\"b\":{\"text\":\"y\",\"id\":\"s\"}}")))
        .hasMessageContaining("differ");
  }

  @Test
  void onlyAnswersThatPointIntoTheirItemNeedIt() {
    assertThat(AnswerTypes.all()).filteredOn(t -> t.bind(List.of("a", "b"),
            t.settings(json("{}"), t.labelRule() == AnswerType.LabelRule.NONE ? List.of() : List.of("a", "b")))
        .answerNeedsItem()).extracting(AnswerType::wireName).containsExactly("spans", "boxes");
    CampaignAnswers<Integer, Double> rating = bind("rating", List.of(), "{}");
    assertThat(rating.parse("{\"rating\":3}", json("{}"))).as("the default ignores the item").isEqualTo(3);
  }

  @Test
  void goldOfEveryTypeIsStoredExactlyAsItsAnswerWouldBeSigned() {
    assertThat(bind("multi_choice", TAGS, "{}").gold(json("{\"labels\":[\"outdoor\",\"animal\"]}")))
        .as("gold is given as a value, stored canonical (sorted)").isEqualTo("{\"labels\":[\"animal\",\"outdoor\"]}");
    assertThat(bind("rating", List.of(), "{}").gold(json("{\"rating\":2}"))).isEqualTo("{\"rating\":2}");
    assertThat(bind("pairwise", List.of(), "{}").gold(json("{\"choice\":\"b\"}"))).isEqualTo("{\"choice\":\"b\"}");
    assertThatThrownBy(() -> bind("rating", List.of(), "{}").gold(json("{\"rating\":0}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("outside");
  }
}
