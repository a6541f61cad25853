package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.answer.ExportColumn;
import io.labelledger.answer.boxes.Box;
import io.labelledger.answer.boxes.ScoredBox;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportCocoTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ExportRow row(long id, String item, String data, String boxes) {
    return new ExportRow(id, item, data, "{\"boxes\":" + boxes + "}", 0.9,
        Map.of("boxes", new ExportColumn.JsonText(boxes)), List.of(new byte[32]));
  }

  @Test
  void piecesMakeOneCocoDocumentWithCategoriesFromOneAndAnnotationIdsInOrder() throws Exception {
    ExportCoco coco = new ExportCoco(List.of("car", "dog \"big\""));
    List<ExportRow> rows = List.of(
        row(7, "a", "{\"image\":\"https://img.example/x/1.jpg?sig=2\",\"width\":640,\"height\":480}",
            "[{\"confidence\":0.8,\"h\":20,\"label\":\"dog \\\"big\\\"\",\"w\":10,\"x\":1,\"y\":2},"
                + "{\"confidence\":1,\"h\":5,\"label\":\"car\",\"w\":5,\"x\":30,\"y\":40}]"),
        row(9, "b", "{\"image\":\"https://img.example/\",\"width\":10,\"height\":10}", "[]"),
        row(12, "c", "{\"image\":\"https://img.example/3.png\",\"width\":100,\"height\":50}",
            "[{\"confidence\":0.5,\"h\":50,\"label\":\"car\",\"w\":100,\"x\":0,\"y\":0}]"));
    StringBuilder out = new StringBuilder(coco.head("dataset-3-v1"));
    rows.forEach(r -> coco.image(out, r));
    out.append(coco.between());
    List<List<ScoredBox>> boxes = List.of(
        List.of(new ScoredBox(new Box(1, 2, 10, 20, "dog \"big\""), 0.8), new ScoredBox(new Box(30, 40, 5, 5, "car"), 1)),
        List.of(),
        List.of(new ScoredBox(new Box(0, 0, 100, 50, "car"), 0.5)));
    for (int i = 0; i < rows.size(); i++) {
      coco.annotations(out, rows.get(i).itemId(), boxes.get(i));
    }
    out.append(coco.tail());

    JsonNode doc = JSON.readTree(out.toString());
    assertThat(doc.at("/categories/1/id").asInt()).isEqualTo(2);
    assertThat(doc.at("/categories/1/name").asText()).isEqualTo("dog \"big\"");
    assertThat(doc.get("images")).hasSize(3);
    assertThat(doc.at("/images/0/file_name").asText()).as("the path's last segment, no query").isEqualTo("1.jpg");
    assertThat(doc.at("/images/1/file_name").asText()).as("no segment: the item's id").isEqualTo("b");
    assertThat(doc.at("/images/2/labelledger/leaves/0").asText()).isEqualTo("0x" + "00".repeat(32));
    JsonNode annotations = doc.get("annotations");
    assertThat(annotations).hasSize(3);
    assertThat(annotations.findValuesAsText("id")).containsExactly("1", "2", "3");
    assertThat(annotations.get(0).get("category_id").asInt()).isEqualTo(2);
    assertThat(annotations.get(0).get("bbox").toString()).isEqualTo("[1,2,10,20]");
    assertThat(annotations.get(0).get("area").asLong()).isEqualTo(200);
    assertThat(annotations.get(2).get("image_id").asLong()).isEqualTo(12);
    assertThat(annotations.get(2).get("score").asDouble()).isEqualTo(0.5);
  }

  @Test
  void fileNameFallsBackToTheItemForWhatIsNoUrlPath() {
    assertThat(ExportCoco.fileName("https://a.example/p/q/img.webp", "i")).isEqualTo("img.webp");
    assertThat(ExportCoco.fileName("not a uri", "i")).isEqualTo("i");
    assertThat(ExportCoco.fileName("", "i")).isEqualTo("i");
  }
}
