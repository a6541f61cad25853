package io.labelledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import io.labelledger.answer.boxes.BoxesType;
import io.labelledger.answer.spans.SpansType;
import io.labelledger.testsupport.NodeScript;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;

/**
 * The answer strings the browser app signs, computed by its own modules in node
 * ({@code node/answer-strings.js}): canonical JSON exactly as the service's RFC 8785 canonicalizer
 * writes it, each answer type's string as the wire contract spells it, and the answers a campaign's
 * settings refuse refused in the page already.
 */
class AnswerStringsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void canonicalJsonIsWhatTheServicesCanonicalizerWrites() throws IOException {
    List<String> values = List.of(
        "{\"b\":1,\"a\":2}",
        // keys sorted by UTF-16 code units: U+1F600 (a surrogate pair, 0xD83D...) sorts before U+FB33
        "{\"\uFB33\":1,\"\uD83D\uDE00\":2,\"\u00e9\":3,\"Z\":4,\"a\":5,\"\":6}",
        "{\"text\":\"He said \\\"hi\\\" \\\\ \\/ \\u0001\\u001f\\u007f \\b\\f\\n\\r\\t "
            + "\u2028\u2029 \u00e9\uD83D\uDE00\"}",
        "{\"rating\":4,\"n\":[0,-0,1,-1,1.5,0.1,1e21,1e-7,123456789012,9007199254740991,5e-324,333333333.33333329]}",
        "{\"labels\":[\"zebra\",\"Apple\"],\"nested\":{\"y\":[],\"x\":{}},\"t\":true,\"f\":false,\"z\":null}");
    JsonNode reply = run(Map.of("canonical", parsed(values)));
    for (int i = 0; i < values.size(); i++) {
      String expected = new JsonCanonicalizer(values.get(i)).getEncodedString();
      assertThat(reply.at("/canonical/" + i + "/json").asText()).as(values.get(i)).isEqualTo(expected);
    }
  }

  @Test
  void eachAnswerTypeWritesTheStringOfTheWireContract() throws IOException {
    List<String> labels = List.of("zebra", "Apple", "ant", "\u00e9clair");
    List<Map<String, Object>> cases = List.of(
        answer("single_choice", "ant", labels, Map.of()),
        // sorted by UTF-16 code units ("A" < "a" < "z" < "é"), repeats dropped
        answer("multi_choice", List.of("\u00e9clair", "zebra", "Apple", "zebra"), labels, Map.of()),
        answer("multi_choice", List.of(), labels, Map.of()),
        answer("rating", 4, List.of(), Map.of("min", 1, "max", 5)),
        answer("rating", -2, List.of(), Map.of("min", -3, "max", 3)),
        answer("free_text", "He said \"hi\" \\ \uD83D\uDE00\nsecond line", List.of(), Map.of()),
        answer("pairwise", "a", List.of(), Map.of()),
        answer("pairwise", "b", List.of(), Map.of("allowTie", false)),
        answer("pairwise", "tie", List.of(), Map.of()));
    List<String> expected = List.of(
        "ant",
        "{\"labels\":[\"Apple\",\"zebra\",\"\u00e9clair\"]}",
        "{\"labels\":[]}",
        "{\"rating\":4}",
        "{\"rating\":-2}",
        "{\"text\":\"He said \\\"hi\\\" \\\\ \uD83D\uDE00\\nsecond line\"}",
        "{\"choice\":\"a\"}",
        "{\"choice\":\"b\"}",
        "{\"choice\":\"tie\"}");

    JsonNode reply = run(Map.of("answers", cases));

    for (int i = 0; i < cases.size(); i++) {
      String answer = reply.at("/answers/" + i + "/answer").asText();
      assertThat(answer).as("%s: %s", cases.get(i), reply.at("/answers/" + i)).isEqualTo(expected.get(i));
      if (!"single_choice".equals(cases.get(i).get("type"))) {
        assertThat(new JsonCanonicalizer(answer).getEncodedString()).as("canonical").isEqualTo(answer);
      }
    }
  }

  @Test
  void answersTheSettingsForbidAreRefusedWithAMessage() throws IOException {
    List<String> labels = List.of("a", "b", "c");
    List<Map<String, Object>> cases = List.of(
        answer("single_choice", "d", labels, Map.of()),
        answer("multi_choice", List.of(), labels, Map.of("minPicks", 1, "maxPicks", 2)),
        answer("multi_choice", List.of("a", "b", "c"), labels, Map.of("minPicks", 1, "maxPicks", 2)),
        answer("multi_choice", List.of("a", "x"), labels, Map.of()),
        answer("rating", 0, List.of(), Map.of()),
        answer("rating", 6, List.of(), Map.of()),
        answer("free_text", "  \n ", List.of(), Map.of()),
        answer("free_text", "x".repeat(11), List.of(), Map.of("maxLength", 10)),
        // escaped in the request: a Java string with a lone surrogate has no UTF-8 form to send
        answer("free_text", new RawValue("\"lone \\ud800 surrogate\""), List.of(), Map.of()),
        answer("pairwise", "tie", List.of(), Map.of("allowTie", false)));
    List<String> messages = List.of(
        "not one of this campaign's labels",
        "Pick at least 1 label (you picked 0)",
        "Pick at most 2 labels (you picked 3)",
        "“x” is not one of this campaign's labels",
        "from 1 to 5",
        "from 1 to 5",
        "Type an answer first",
        "at most 10 characters; this one has 11",
        "unpaired surrogate",
        "does not allow a tie");

    JsonNode reply = run(Map.of("answers", cases));

    for (int i = 0; i < cases.size(); i++) {
      assertThat(reply.at("/answers/" + i + "/problem").asText()).as("%s: %s", cases.get(i), reply.at("/answers/" + i))
          .contains(messages.get(i));
    }
    // twenty emoji are twenty characters, as JSON Schema's maxLength counts them (not forty UTF-16 units)
    JsonNode emoji = run(Map.of("answers", List.of(
        answer("free_text", "\uD83D\uDE00".repeat(20), List.of(), Map.of("maxLength", 20)))));
    assertThat(emoji.at("/answers/0/answer").asText()).isEqualTo("{\"text\":\"" + "\uD83D\uDE00".repeat(20) + "\"}");
  }

  @Test
  void spansAndBoxesAreSortedAsTheServiceSortsThemAndItTakesThemAsSigned() throws IOException {
    // labels of one range sorted by UTF-16 code units: "LOC" < "PER" < "Z" < "\u00e9t\u00e9"; U+1F600 (0xD83D...) < U+FB33
    List<String> labels = List.of("PER", "LOC", "Z", "\u00e9t\u00e9", "\uFB33", "\uD83D\uDE00");
    List<Map<String, Object>> spans = List.of(span(7, 19, "PER"), span(7, 10, "Z"), span(0, 3, "LOC"),
        span(7, 19, "LOC"), span(7, 19, "\u00e9t\u00e9"), span(7, 10, "Z"));
    List<Map<String, Object>> boxes = List.of(box(400, 50, 100, 100, "\uFB33"), box(123, 100, 181, 150, "PER"),
        box(123, 100, 181, 150, "\uD83D\uDE00"), box(123, 100, 9, 150, "PER"), box(20, 300, 100, 80, "Z"),
        box(400, 50, 100, 100, "\uFB33"));
    JsonNode reply = run(Map.of("answers", List.of(
        answer("spans", spans, labels, Map.of("allowOverlap", true)),
        answer("boxes", boxes, labels, Map.of()),
        answer("spans", List.of(), labels, Map.of()))));

    String spansAnswer = reply.at("/answers/0/answer").asText();
    assertThat(spansAnswer).as(reply.toString()).isEqualTo("{\"spans\":[{\"end\":3,\"label\":\"LOC\",\"start\":0},"
        + "{\"end\":10,\"label\":\"Z\",\"start\":7},{\"end\":19,\"label\":\"LOC\",\"start\":7},"
        + "{\"end\":19,\"label\":\"PER\",\"start\":7},{\"end\":19,\"label\":\"\u00e9t\u00e9\",\"start\":7}]}");
    String boxesAnswer = reply.at("/answers/1/answer").asText();
    assertThat(boxesAnswer).as(reply.toString()).isEqualTo("{\"boxes\":[{\"h\":80,\"label\":\"Z\",\"w\":100,\"x\":20,\"y\":300},"
        + "{\"h\":150,\"label\":\"PER\",\"w\":9,\"x\":123,\"y\":100},"
        + "{\"h\":150,\"label\":\"PER\",\"w\":181,\"x\":123,\"y\":100},"
        + "{\"h\":150,\"label\":\"\uD83D\uDE00\",\"w\":181,\"x\":123,\"y\":100},"
        + "{\"h\":100,\"label\":\"\uFB33\",\"w\":100,\"x\":400,\"y\":50}]}");
    assertThat(reply.at("/answers/2/answer").asText()).isEqualTo("{\"spans\":[]}");

    // the service's own types take each string as it is signed: canonical, sorted, no repeats
    JsonNode spansSettings = new SpansType().settings(JSON.createObjectNode().put("allowOverlap", true), labels);
    assertThat(new SpansType().bind(labels, spansSettings).parse(spansAnswer)).hasSize(5);
    JsonNode boxesSettings = new BoxesType().settings(JSON.createObjectNode(), labels);
    assertThat(new BoxesType().bind(labels, boxesSettings).parse(boxesAnswer)).hasSize(5);
  }

  @Test
  void spansAndBoxesTheSettingsForbidAreRefusedWithAMessage() throws IOException {
    List<String> labels = List.of("PER", "LOC");
    List<Map<String, Object>> cases = List.of(
        answer("spans", List.of(span(0, 5, "PER"), span(3, 8, "LOC")), labels, Map.of()),
        answer("spans", List.of(span(0, 5, "PER"), span(6, 8, "LOC")), labels, Map.of("maxSpans", 1)),
        answer("spans", List.of(span(0, 5, "ORG")), labels, Map.of()),
        answer("spans", List.of(span(5, 5, "PER")), labels, Map.of()),
        answer("boxes", List.of(box(0, 0, 3, 10, "PER")), labels, Map.of("minSize", 4)),
        answer("boxes", List.of(box(0, 0, 5, 5, "PER"), box(1, 1, 5, 5, "LOC")), labels, Map.of("maxBoxes", 1)),
        answer("boxes", List.of(box(0, 0, 5, 5, "ORG")), labels, Map.of()));
    List<String> messages = List.of(
        "Spans may not overlap in this campaign (0–5 and 3–8)",
        "at most 1 span; this one has 2",
        "“ORG” is not one of this campaign's labels",
        "from one character to a later one",
        "at least 4 × 4 pixels (one is 3 × 10)",
        "at most 1 box; this one has 2",
        "“ORG” is not one of this campaign's labels");

    JsonNode reply = run(Map.of("answers", cases));

    for (int i = 0; i < cases.size(); i++) {
      assertThat(reply.at("/answers/" + i + "/problem").asText()).as("%s: %s", cases.get(i), reply.at("/answers/" + i))
          .contains(messages.get(i));
    }
  }

  private static Map<String, Object> span(int start, int end, String label) {
    return Map.of("start", start, "end", end, "label", label);
  }

  /** A box as the page holds it: with its own id, which is not part of the answer. */
  private static Map<String, Object> box(int x, int y, int w, int h, String label) {
    return Map.of("id", x * 1000 + y, "x", x, "y", y, "w", w, "h", h, "label", label);
  }

  private static Map<String, Object> answer(String type, Object value, List<String> labels,
      Map<String, Object> settings) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("type", type);
    c.put("value", value);
    c.put("labels", labels);
    c.put("settings", settings);
    return c;
  }

  private static List<JsonNode> parsed(List<String> values) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String v : values) {
      out.add(JSON.readTree(v));
    }
    return out;
  }

  private static JsonNode run(Map<String, Object> request) {
    JsonNode reply = NodeScript.run("answer-strings.js", request);
    assertThat(reply.has("error")).as(reply.toString()).isFalse();
    return reply;
  }
}
