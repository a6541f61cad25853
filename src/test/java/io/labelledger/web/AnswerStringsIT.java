package io.labelledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
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
