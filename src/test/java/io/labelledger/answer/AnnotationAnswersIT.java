package io.labelledger.answer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedFixtures;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Span and box answers through the real service: campaigns of both types, items and gold checked
 * against their text or image, each refusal of a signed answer with its own code (checked against
 * the item it answers, and nothing stored), and aggregation with statuses by each type's rule.
 */
@ExtendWith(ChainExtension.class)
class AnnotationAnswersIT {
  /** 16 code points, 17 UTF-16 units: "😀" is one code point; London is [10, 16). */
  private static final String TEXT = "Ada met 😀 London";
  private static final String SPAN_ITEM = "{\"text\":\"" + TEXT + "\"}";
  private static final String BOX_ITEM = "{\"image\":\"https://img.example/1.jpg\",\"width\":640,\"height\":480}";

  private static TestChain chain;
  private static TestApp app;
  private static String terms;
  private static List<Contributor> crowd;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("AnnotationAnswersIT", Map.of(), chain);
    terms = app.publishTerms("Annotation answers IT terms");
    crowd = WorkFixtures.consentingMany(app, chain, terms, 3);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static Reply create(String type, List<String> labels, Map<String, Object> settings) {
    return TypedFixtures.create(app, terms, type, labels, settings, 3);
  }

  private static long campaign(String type, List<String> labels, Map<String, Object> settings) {
    Reply reply = create(type, labels, settings);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("id").asLong();
  }

  private static Reply upload(long campaign, String lines) {
    return TypedFixtures.upload(app, campaign, lines);
  }

  private static JsonNode next(Contributor c, long campaign) {
    return TypedFixtures.next(app, c, campaign);
  }

  private static Reply submit(Contributor c, JsonNode task, String answer) {
    return TypedFixtures.submit(app, c, task, answer);
  }

  private static long stored(long campaign) {
    return TypedFixtures.stored(app, campaign);
  }

  private static String spans(String... spans) {
    return "{\"spans\":[" + String.join(",", spans) + "]}";
  }

  private static String span(int start, int end, String label) {
    return "{\"end\":" + end + ",\"label\":\"" + label + "\",\"start\":" + start + "}";
  }

  private static String boxes(String... boxes) {
    return "{\"boxes\":[" + String.join(",", boxes) + "]}";
  }

  private static String box(int x, int y, int w, int h, String label) {
    return "{\"h\":" + h + ",\"label\":\"" + label + "\",\"w\":" + w + ",\"x\":" + x + ",\"y\":" + y + "}";
  }

  @Test
  void createsCampaignsOfBothTypesWithTheirSettingsCompleted() {
    Reply spans = create("spans", List.of("LOC", "PER"), Map.of("maxSpans", 10));
    assertThat(spans.status()).as(spans.body()).isEqualTo(201);
    assertThat(spans.json().at("/settings/allowOverlap").asBoolean()).isFalse();
    assertThat(spans.json().at("/settings/maxSpans").asInt()).isEqualTo(10);
    Reply boxes = create("boxes", List.of("car"), null);
    assertThat(boxes.status()).as(boxes.body()).isEqualTo(201);
    assertThat(boxes.json().at("/settings/maxBoxes").asInt()).isEqualTo(50);
    assertThat(boxes.json().at("/settings/minSize").asInt()).isEqualTo(1);

    assertThat(create("spans", null, null).errorCode()).isEqualTo("CAMPAIGN_LABELS_INVALID");
    Reply unknown = create("boxes", List.of("car"), Map.of("minSide", 4));
    assertThat(unknown.errorCode()).isEqualTo("CAMPAIGN_SETTINGS_INVALID");
    assertThat(unknown.json().at("/error/details/setting").asText()).isEqualTo("minSide");
    JsonNode eip712 = app.get("/api/eip712").json().get("contributionAnswers");
    assertThat(eip712.get("spans").asText()).contains("code points");
    assertThat(eip712.get("boxes").asText()).contains("pixels");
  }

  @Test
  void uploadChecksItemsAndTheirGoldAgainstTheirTextOrImage() {
    long spans = campaign("spans", List.of("LOC", "PER"), null);
    Reply reply = upload(spans, "{\"id\":\"ok\",\"data\":" + SPAN_ITEM + ",\"gold\":"
        + spans(span(10, 16, "LOC"), span(0, 3, "PER")) + "}\n"
        + "{\"id\":\"no-text\",\"data\":{\"body\":\"x\"}}\n"
        + "{\"id\":\"past\",\"data\":" + SPAN_ITEM + ",\"gold\":" + spans(span(10, 17, "LOC")) + "}\n");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().get("inserted").asLong()).isEqualTo(1);
    assertThat(reply.json().get("rejected").findValuesAsText("error"))
        .anySatisfy(r -> assertThat(r).contains("data.text"))
        .anySatisfy(r -> assertThat(r).contains("outside the text"));
    assertThat(WorkFixtures.queryValue(app, "select gold_answer from items where campaign_id = " + spans))
        .as("stored as it would be signed").isEqualTo(spans(span(0, 3, "PER"), span(10, 16, "LOC")));

    long boxes = campaign("boxes", List.of("car"), null);
    reply = upload(boxes, "{\"id\":\"ok\",\"data\":" + BOX_ITEM + "}\n"
        + "{\"id\":\"no-size\",\"data\":{\"image\":\"https://img.example/2.jpg\"}}\n"
        + "{\"id\":\"off\",\"data\":" + BOX_ITEM + ",\"gold\":" + boxes(box(600, 0, 41, 10, "car")) + "}\n");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().get("inserted").asLong()).isEqualTo(1);
    assertThat(reply.json().get("rejected").findValuesAsText("error"))
        .anySatisfy(r -> assertThat(r).contains("data.width"))
        .anySatisfy(r -> assertThat(r).contains("not inside the image"));
  }

  @Test
  void refusesEveryBadAnnotationWithItsCodeCheckedAgainstItsItemAndStoresNothing() {
    record Bad(String answer, String code) {}
    long spanCampaign = campaign("spans", List.of("LOC", "PER"), Map.of("maxSpans", 2));
    long boxCampaign = campaign("boxes", List.of("car", "dog"), Map.of("maxBoxes", 2, "minSize", 4));
    Map<Long, List<Bad>> cases = new LinkedHashMap<>();
    cases.put(spanCampaign, List.of(
        new Bad(spans(span(10, 17, "LOC")), "SPAN_OUT_OF_TEXT"),
        new Bad(spans(span(-1, 3, "PER")), "SPAN_OUT_OF_TEXT"),
        new Bad(spans(span(3, 3, "PER")), "SPAN_WIDTH_INVALID"),
        new Bad(spans(span(5, 2, "PER")), "SPAN_WIDTH_INVALID"),
        new Bad(spans(span(0, 7, "PER"), span(4, 16, "LOC")), "SPANS_OVERLAP"),
        new Bad(spans(span(0, 3, "ORG")), "ANSWER_NOT_IN_LABEL_SET"),
        new Bad(spans(span(0, 1, "PER"), span(2, 3, "PER"), span(4, 5, "PER")), "ANNOTATIONS_TOO_MANY"),
        new Bad(spans(span(10, 16, "LOC"), span(0, 3, "PER")), "ANSWER_NOT_CANONICAL"),
        new Bad(spans(span(0, 3, "PER"), span(0, 3, "PER")), "ANSWER_MALFORMED"),
        new Bad("{\"spans\":[{\"end\":3,\"label\":\"PER\",\"start\":0.5}]}", "ANSWER_MALFORMED")));
    cases.put(boxCampaign, List.of(
        new Bad(boxes(box(600, 0, 41, 10, "car")), "BOX_OUTSIDE_IMAGE"),
        new Bad(boxes(box(0, 470, 10, 11, "car")), "BOX_OUTSIDE_IMAGE"),
        new Bad(boxes(box(-1, 0, 10, 10, "car")), "BOX_OUTSIDE_IMAGE"),
        new Bad(boxes(box(0, 0, 0, 10, "car")), "BOX_SIZE_INVALID"),
        new Bad(boxes(box(0, 0, 10, -4, "car")), "BOX_SIZE_INVALID"),
        new Bad(boxes(box(0, 0, 3, 10, "car")), "BOX_TOO_SMALL"),
        new Bad(boxes(box(0, 0, 10, 10, "cat")), "ANSWER_NOT_IN_LABEL_SET"),
        new Bad(boxes(box(0, 0, 10, 10, "car"), box(1, 0, 10, 10, "car"), box(2, 0, 10, 10, "car")),
            "ANNOTATIONS_TOO_MANY"),
        new Bad(boxes(box(10, 0, 10, 10, "car"), box(0, 0, 10, 10, "car")), "ANSWER_NOT_CANONICAL"),
        new Bad("{\"boxes\":[{\"label\":\"car\",\"h\":10,\"w\":10,\"x\":0,\"y\":0}]}", "ANSWER_NOT_CANONICAL")));
    Map<Long, JsonNode> tasks = new HashMap<>();
    cases.forEach((campaign, bad) -> {
      String data = campaign == spanCampaign ? SPAN_ITEM : BOX_ITEM;
      assertThat(upload(campaign, "{\"id\":\"i\",\"data\":" + data + "}\n").status()).isEqualTo(200);
      JsonNode task = next(crowd.get(1), campaign);
      tasks.put(campaign, task);
      for (Bad b : bad) {
        Reply reply = submit(crowd.get(1), task, b.answer());
        assertThat(reply.status()).as(b.answer() + ": " + reply.body()).isEqualTo(422);
        assertThat(reply.errorCode()).as(b.answer()).isEqualTo(b.code());
        assertThat(reply.json().at("/error/message").asText()).isNotBlank();
      }
      assertThat(stored(campaign)).as("nothing stored in campaign %s", campaign).isZero();
    });
    JsonNode spanTask = tasks.get(spanCampaign);
    Reply past = submit(crowd.get(1), spanTask, spans(span(10, 17, "LOC")));
    assertThat(past.json().at("/error/details/textLength").asInt()).as("code points, not UTF-16 units").isEqualTo(16);
    assertThat(submit(crowd.get(1), spanTask, spans(span(8, 9, "PER"), span(10, 16, "LOC"))).status())
        .as("the emoji alone, then London").isEqualTo(201);
    JsonNode boxTask = tasks.get(boxCampaign);
    Reply unsorted = submit(crowd.get(1), boxTask, boxes(box(10, 0, 10, 10, "car"), box(0, 0, 10, 10, "car")));
    assertThat(unsorted.json().at("/error/details/canonical").asText())
        .isEqualTo(boxes(box(0, 0, 10, 10, "car"), box(10, 0, 10, 10, "car")));
    assertThat(submit(crowd.get(1), boxTask, boxes(box(0, 0, 640, 480, "dog"))).status()).isEqualTo(201);
    assertThat(stored(spanCampaign) + stored(boxCampaign)).isEqualTo(2);
  }

  @Test
  void aggregatesBothTypesAndAcceptsTheAnswersThatAgree() {
    long spanCampaign = campaign("spans", List.of("LOC", "PER"), null);
    long boxCampaign = campaign("boxes", List.of("car", "dog"), null);
    Map<Long, List<String>> answers = new LinkedHashMap<>();
    answers.put(spanCampaign, List.of(spans(span(0, 3, "PER"), span(10, 16, "LOC")),
        spans(span(0, 3, "PER"), span(10, 16, "LOC")), spans(span(4, 7, "LOC"))));
    answers.put(boxCampaign, List.of(boxes(box(10, 20, 100, 50, "car"), box(300, 200, 60, 80, "dog")),
        boxes(box(12, 18, 98, 54, "car"), box(302, 201, 58, 78, "dog")), boxes(box(500, 400, 30, 30, "car"))));
    answers.forEach((campaign, given) -> {
      String data = campaign == spanCampaign ? SPAN_ITEM : BOX_ITEM;
      assertThat(upload(campaign, "{\"id\":\"i\",\"data\":" + data + "}\n").status()).isEqualTo(200);
      for (int c = 0; c < 3; c++) {
        JsonNode task = next(crowd.get(c), campaign);
        assertThat(task.get("taskType").asText()).isIn("spans", "boxes");
        assertThat(task.at("/answerSchema/properties").has(campaign == spanCampaign ? "spans" : "boxes")).isTrue();
        Reply reply = submit(crowd.get(c), task, given.get(c));
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
      }
    });
    app.aggregate();

    JsonNode spansLabel = CanonicalJson.read(label(spanCampaign)).get("spans");
    assertThat(spansLabel).hasSize(2);
    assertThat(spansLabel.get(0).get("start").asInt()).isZero();
    assertThat(spansLabel.get(0).get("end").asInt()).isEqualTo(3);
    assertThat(spansLabel.get(0).get("label").asText()).isEqualTo("PER");
    assertThat(spansLabel.get(1).get("label").asText()).isEqualTo("LOC");
    assertThat(spansLabel.get(1).get("start").asInt()).isEqualTo(10);
    assertThat(spansLabel.get(1).get("end").asInt()).isEqualTo(16);
    assertThat(spansLabel.get(0).get("confidence").asDouble()).isGreaterThan(0.5).isLessThanOrEqualTo(1);

    JsonNode boxesLabel = CanonicalJson.read(label(boxCampaign)).get("boxes");
    assertThat(boxesLabel).hasSize(2);
    assertThat(boxesLabel.get(0).get("label").asText()).isEqualTo("car");
    assertThat(boxesLabel.get(0).get("x").asInt()).isBetween(10, 12);
    assertThat(boxesLabel.get(0).get("w").asInt()).isBetween(98, 100);
    assertThat(boxesLabel.get(1).get("label").asText()).isEqualTo("dog");

    for (long campaign : answers.keySet()) {
      assertThat(statuses(campaign)).as("campaign %s", campaign).containsExactly("accepted", "accepted", "rejected");
    }
  }

  @Test
  void scoresGoldOfBothTypesByF1RatherThanByExactEquality() {
    long spanCampaign = goldCampaign("spans", List.of("LOC", "PER"));
    long boxCampaign = goldCampaign("boxes", List.of("car", "dog"));
    Map<Long, String> gold = Map.of(spanCampaign, spans(span(0, 3, "PER"), span(10, 16, "LOC")),
        boxCampaign, boxes(box(10, 20, 100, 50, "car"), box(300, 200, 60, 80, "dog")));
    Map<Long, List<String>> answers = new LinkedHashMap<>();
    answers.put(spanCampaign, List.of(gold.get(spanCampaign),
        spans(span(0, 3, "PER"), span(10, 15, "LOC")), // LOC one code point short: IoU 5/6, F1 1
        spans(span(4, 7, "LOC"))));                     // F1 0
    answers.put(boxCampaign, List.of(gold.get(boxCampaign),
        boxes(box(14, 22, 96, 50, "car")),               // IoU 0.92 with the car, misses the dog: F1 2/3
        boxes(box(300, 200, 60, 80, "car"))));          // the dog's box labelled car: F1 0
    answers.forEach((campaign, given) -> {
      String data = campaign == spanCampaign ? SPAN_ITEM : BOX_ITEM;
      Reply up = upload(campaign, "{\"id\":\"g\",\"data\":" + data + ",\"gold\":" + gold.get(campaign) + "}\n");
      assertThat(up.json().get("inserted").asLong()).as(up.body()).isEqualTo(1);
      for (int c = 0; c < 3; c++) {
        Reply reply = submit(crowd.get(c), next(crowd.get(c), campaign), given.get(c));
        assertThat(reply.status()).as(reply.body()).isEqualTo(201);
      }
    });
    app.aggregate();
    for (long campaign : answers.keySet()) {
      assertThat(statuses(campaign)).as("campaign %s", campaign).containsExactly("accepted", "accepted", "rejected");
      assertThat(WorkFixtures.queryValue(app, "select string_agg(gold_correct::text, ',' order by contributor)"
          + " from contributor_quality where campaign_id = " + campaign)).isEqualTo(goldCorrect(campaign));
    }
  }

  /** A campaign with gold: holding nothing else, it serves its gold. */
  private static long goldCampaign(String type, List<String> labels) {
    Reply reply = TypedFixtures.create(app, terms, type, labels, null, 3, Map.of("goldRate", 0.5));
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("id").asLong();
  }

  /** The crowd's gold records in address order: 1 for the first two, 0 for the third. */
  private static String goldCorrect(long campaign) {
    List<String> out = new ArrayList<>();
    crowd.stream().sorted((a, b) -> a.address().compareTo(b.address()))
        .forEach(c -> out.add(crowd.indexOf(c) < 2 ? "1" : "0"));
    return String.join(",", out);
  }

  private static String label(long campaign) {
    return (String) WorkFixtures.queryValue(app, "select label from items where campaign_id = " + campaign
        + " and decided_at is not null");
  }

  private static List<String> statuses(long campaign) {
    List<String> out = new ArrayList<>();
    try (var c = io.labelledger.testsupport.TestDatabase.connect(app.database()); var s = c.createStatement();
         var rs = s.executeQuery("select status from contributions where campaign_id = " + campaign + " order by id")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
