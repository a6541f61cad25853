package io.labelledger.answer.boxes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.answer.AnswerType;
import io.labelledger.answer.AnswerTypes;
import io.labelledger.answer.CampaignAnswers;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The boxes type's settings, items, gold and signed answers, checked as the service checks them. */
class BoxesTypeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> LABELS = List.of("car", "dog");
  private static final JsonNode ITEM = json("{\"image\":\"https://img.example/1.jpg\",\"width\":640,\"height\":480}");

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static CampaignAnswers<List<Box>, List<ScoredBox>> bind(String settings) {
    AnswerType t = AnswerTypes.of("boxes");
    return (CampaignAnswers<List<Box>, List<ScoredBox>>) t.bind(LABELS, t.settings(json(settings), LABELS));
  }

  private static ApiException refusal(CampaignAnswers<List<Box>, ?> type, String answer) {
    ApiException e = catchThrowableOfType(ApiException.class, () -> type.parse(answer, ITEM));
    assertThat(e).as("refused: %s", answer).isNotNull();
    return e;
  }

  private static String answer(String... boxes) {
    return "{\"boxes\":[" + String.join(",", boxes) + "]}";
  }

  private static String box(int x, int y, int w, int h, String label) {
    return "{\"h\":" + h + ",\"label\":\"" + label + "\",\"w\":" + w + ",\"x\":" + x + ",\"y\":" + y + "}";
  }

  @Test
  void fillsInItsSettingsAndRefusesOthersByName() {
    JsonNode settings = AnswerTypes.of("boxes").settings(json("{}"), LABELS);
    assertThat(settings.get("maxBoxes").intValue()).isEqualTo(50);
    assertThat(settings.get("minSize").intValue()).isEqualTo(1);
    assertThatThrownBy(() -> AnswerTypes.of("boxes").settings(json("{\"minSize\":0}"), LABELS))
        .extracting(e -> ((AnswerType.InvalidSettingsException) e).setting()).isEqualTo("minSize");
    assertThatThrownBy(() -> AnswerTypes.of("boxes").settings(json("{\"maxBoxes\":151}"), LABELS))
        .extracting(e -> ((AnswerType.InvalidSettingsException) e).setting()).isEqualTo("maxBoxes");
    assertThatThrownBy(() -> AnswerTypes.of("boxes").settings(json("{\"allowOverlap\":true}"), LABELS))
        .extracting(e -> ((AnswerType.InvalidSettingsException) e).setting()).isEqualTo("allowOverlap");
    assertThat(AnswerTypes.of("boxes").taskCategory()).isEqualTo("object-detection");
  }

  @Test
  void takesItemsWithAnImageUrlAndItsSizeInPixels() {
    CampaignAnswers<List<Box>, ?> boxes = bind("{}");
    boxes.checkItem(ITEM);
    assertThatThrownBy(() -> boxes.checkItem(json("{\"width\":640,\"height\":480}")))
        .hasMessageContaining("data.image");
    assertThatThrownBy(() -> boxes.checkItem(json("{\"image\":\"1.jpg\",\"width\":640,\"height\":480}")))
        .as("not absolute").hasMessageContaining("data.image");
    assertThatThrownBy(() -> boxes.checkItem(json("{\"image\":\"https://x/1.jpg\",\"width\":0,\"height\":480}")))
        .hasMessageContaining("data.width");
    assertThatThrownBy(() -> boxes.checkItem(json("{\"image\":\"https://x/1.jpg\",\"width\":64.5,\"height\":4}")))
        .hasMessageContaining("data.width");
    assertThatThrownBy(() -> boxes.checkItem(json("{\"image\":\"https://x/1.jpg\",\"width\":640}")))
        .hasMessageContaining("data.height");
  }

  @Test
  void takesSortedBoxesInsideTheImage() {
    CampaignAnswers<List<Box>, ?> boxes = bind("{}");
    assertThat(boxes.answerNeedsItem()).isTrue();
    assertThat(boxes.parse(answer(box(0, 0, 640, 480, "dog"), box(10, 20, 30, 40, "car")), ITEM))
        .containsExactly(new Box(0, 0, 640, 480, "dog"), new Box(10, 20, 30, 40, "car"));
    assertThat(boxes.parse(answer(), ITEM)).isEmpty();
  }

  @Test
  void refusesEachBadBoxWithItsOwnCode() {
    CampaignAnswers<List<Box>, ?> boxes = bind("{\"maxBoxes\":2,\"minSize\":4}");
    ApiException right = refusal(boxes, answer(box(600, 0, 41, 10, "car")));
    assertThat(right.code()).isEqualTo(ErrorCode.BOX_OUTSIDE_IMAGE);
    assertThat(right.details()).containsEntry("width", 640).containsEntry("height", 480);
    assertThat(refusal(boxes, answer(box(0, 470, 10, 11, "car"))).code()).isEqualTo(ErrorCode.BOX_OUTSIDE_IMAGE);
    assertThat(refusal(boxes, answer(box(-1, 0, 10, 10, "car"))).code()).isEqualTo(ErrorCode.BOX_OUTSIDE_IMAGE);
    assertThat(refusal(boxes, answer(box(0, 0, 0, 10, "car"))).code()).isEqualTo(ErrorCode.BOX_SIZE_INVALID);
    assertThat(refusal(boxes, answer(box(0, 0, 10, -5, "car"))).code()).isEqualTo(ErrorCode.BOX_SIZE_INVALID);
    ApiException small = refusal(boxes, answer(box(0, 0, 3, 10, "car")));
    assertThat(small.code()).isEqualTo(ErrorCode.BOX_TOO_SMALL);
    assertThat(small.details()).containsEntry("minSize", 4);
    assertThat(refusal(boxes, answer(box(0, 0, 10, 10, "cat"))).code()).isEqualTo(ErrorCode.ANSWER_NOT_IN_LABEL_SET);
    ApiException many = refusal(boxes, answer(box(0, 0, 10, 10, "car"), box(1, 0, 10, 10, "car"),
        box(2, 0, 10, 10, "car")));
    assertThat(many.code()).isEqualTo(ErrorCode.ANNOTATIONS_TOO_MANY);
    assertThat(many.details()).containsEntry("max", 2);
  }

  @Test
  void refusesAnyOtherSpellingOrShape() {
    CampaignAnswers<List<Box>, ?> boxes = bind("{}");
    ApiException unsorted = refusal(boxes, answer(box(10, 0, 5, 5, "car"), box(0, 0, 5, 5, "car")));
    assertThat(unsorted.code()).isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    assertThat(unsorted.details()).containsEntry("canonical", answer(box(0, 0, 5, 5, "car"), box(10, 0, 5, 5, "car")));
    assertThat(refusal(boxes, "{\"boxes\":[{\"x\":0,\"y\":0,\"w\":5,\"h\":5,\"label\":\"car\"}]}").code())
        .as("keys not sorted").isEqualTo(ErrorCode.ANSWER_NOT_CANONICAL);
    assertThat(refusal(boxes, answer(box(0, 0, 5, 5, "car"), box(0, 0, 5, 5, "car"))).code()).as("repeated")
        .isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(boxes, "{\"boxes\":[{\"h\":5,\"label\":\"car\",\"w\":5.5,\"x\":0,\"y\":0}]}").code())
        .isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(boxes, "{\"boxes\":[{\"h\":5,\"label\":\"car\",\"w\":5,\"x\":0}]}").code())
        .isEqualTo(ErrorCode.ANSWER_MALFORMED);
    assertThat(refusal(boxes, "{\"boxes\":[],\"note\":\"x\"}").code()).isEqualTo(ErrorCode.ANSWER_MALFORMED);
  }

  @Test
  void storesGoldAsItWouldBeSignedAndChecksItAgainstItsItem() {
    CampaignAnswers<List<Box>, ?> boxes = bind("{}");
    String gold = boxes.gold(json(answer(box(10, 0, 5, 5, "dog"), box(0, 0, 5, 5, "car"))));
    assertThat(gold).isEqualTo(answer(box(0, 0, 5, 5, "car"), box(10, 0, 5, 5, "dog")));
    assertThatThrownBy(() -> boxes.gold(json(answer(box(0, 0, 0, 5, "car")))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no area");
  }

  @Test
  void storesTheAggregateWithConfidencesAndReadsItBack() {
    CampaignAnswers<List<Box>, List<ScoredBox>> boxes = bind("{}");
    List<ScoredBox> aggregate = List.of(new ScoredBox(new Box(5, 6, 7, 8, "dog"), 0.87654),
        new ScoredBox(new Box(1, 2, 3, 4, "car"), 1));
    String text = boxes.aggregateText(aggregate);
    assertThat(text).isEqualTo("{\"boxes\":[{\"confidence\":1,\"h\":4,\"label\":\"car\",\"w\":3,\"x\":1,\"y\":2},"
        + "{\"confidence\":0.8765,\"h\":8,\"label\":\"dog\",\"w\":7,\"x\":5,\"y\":6}]}");
    assertThat(boxes.parseAggregate(text)).containsExactly(new ScoredBox(new Box(1, 2, 3, 4, "car"), 1),
        new ScoredBox(new Box(5, 6, 7, 8, "dog"), 0.8765));
    assertThat(boxes.distributionKeys(aggregate)).containsExactlyInAnyOrder("car", "dog");
  }

  @Test
  void agreesWhenF1AtIou05IsAtLeastAHalf() {
    CampaignAnswers<List<Box>, List<ScoredBox>> boxes = bind("{}");
    List<ScoredBox> aggregate = List.of(new ScoredBox(new Box(0, 0, 100, 100, "car"), 0.9),
        new ScoredBox(new Box(200, 200, 50, 50, "dog"), 0.8));
    assertThat(boxes.agrees(List.of(new Box(5, 5, 100, 100, "car"), new Box(200, 200, 50, 50, "dog")), aggregate))
        .isTrue();
    assertThat(boxes.agrees(List.of(new Box(0, 0, 100, 100, "car")), aggregate)).as("F1 2/3").isTrue();
    assertThat(boxes.agrees(List.of(new Box(0, 0, 100, 40, "car")), aggregate)).as("IoU 0.4").isFalse();
    assertThat(boxes.agrees(List.of(new Box(0, 0, 100, 100, "dog")), aggregate)).as("wrong label").isFalse();
    assertThat(boxes.agrees(List.of(), List.of())).isTrue();
  }
}
