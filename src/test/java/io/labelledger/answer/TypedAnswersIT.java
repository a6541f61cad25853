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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Typed answers through the real service: campaigns of each type, their items and gold, signed
 * answers refused with a precise code (and nothing stored) or accepted, and aggregation with each
 * type's model and "agrees with the aggregate" rule.
 */
@ExtendWith(ChainExtension.class)
class TypedAnswersIT {
  private static TestChain chain;
  private static TestApp app;
  private static String terms;
  private static List<Contributor> crowd;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("TypedAnswersIT", Map.of(), chain);
    terms = app.publishTerms("Typed answers IT terms");
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

  @Test
  void createsACampaignOfEachTypeWithItsSettingsCompleted() {
    Reply rating = create("rating", null, Map.of("min", 0, "max", 10, "minLabel", "awful"));
    assertThat(rating.status()).as(rating.body()).isEqualTo(201);
    assertThat(rating.json().get("taskType").asText()).isEqualTo("rating");
    assertThat(rating.json().at("/settings/max").asInt()).isEqualTo(10);
    assertThat(rating.json().at("/settings/maxLabel").asText()).isEqualTo("");
    assertThat(rating.json().get("labels")).isEmpty();
    Reply tags = create("multi_choice", List.of("cat"), null);
    assertThat(tags.status()).as("one tag is enough for tags").isEqualTo(201);
    assertThat(tags.json().at("/settings/maxPicks").asInt()).isEqualTo(1);
    long id = rating.json().get("id").asLong();
    assertThat(app.get("/api/campaigns/" + id).json().at("/settings/min").asInt()).isZero();
  }

  @Test
  void refusesCampaignsWhoseLabelsOrSettingsDoNotFitTheirType() {
    Reply labelled = create("rating", List.of("a", "b"), null);
    assertThat(labelled.status()).isEqualTo(400);
    assertThat(labelled.errorCode()).isEqualTo("CAMPAIGN_LABELS_INVALID");
    assertThat(create("single_choice", List.of("only"), null).errorCode()).isEqualTo("CAMPAIGN_LABELS_INVALID");
    assertThat(create("multi_choice", null, null).errorCode()).isEqualTo("CAMPAIGN_LABELS_INVALID");
    Reply unknown = create("pairwise", null, Map.of("allowTies", true));
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.errorCode()).isEqualTo("CAMPAIGN_SETTINGS_INVALID");
    assertThat(unknown.json().at("/error/details/setting").asText()).isEqualTo("allowTies");
    assertThat(create("rating", null, Map.of("min", 3, "max", 2)).errorCode()).isEqualTo("CAMPAIGN_SETTINGS_INVALID");
    assertThat(create("free_text", null, Map.of("maxLength", 100_000)).errorCode())
        .isEqualTo("CAMPAIGN_SETTINGS_INVALID");
    assertThat(create("ranking", null, null).errorCode()).isEqualTo("UNSUPPORTED_TASK_TYPE");
  }

  @Test
  void uploadRejectsItemsAndGoldThatDoNotFitTheType() {
    long pairs = campaign("pairwise", null, Map.of("allowTie", false));
    Reply reply = upload(pairs, """
        {"id":"ok","data":{"prompt":"2+2?","a":{"text":"4"},"b":{"text":"5"}},"gold":{"choice":"a"}}
        {"id":"one-sided","data":{"prompt":"2+2?","a":{"text":"4"}}}
        {"id":"tie-gold","data":{"prompt":"1+1?","a":{"text":"2"},"b":{"text":"two"}},"gold":{"choice":"tie"}}
        """);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().get("inserted").asLong()).isEqualTo(1);
    assertThat(reply.json().get("rejected").findValuesAsText("error"))
        .anySatisfy(r -> assertThat(r).contains("data.b"))
        .anySatisfy(r -> assertThat(r).contains("tie"));
    assertThat(WorkFixtures.queryValue(app, "select gold_answer from items where campaign_id = " + pairs))
        .isEqualTo("{\"choice\":\"a\"}");
  }

  @Test
  void aTaskAndTheEip712RouteTellAWalletWhatToSign() {
    long rating = campaign("rating", null, Map.of("min", 1, "max", 7));
    assertThat(upload(rating, "{\"id\":\"r\",\"data\":{\"text\":\"a film\"}}\n").status()).isEqualTo(200);
    JsonNode task = next(crowd.get(0), rating);
    assertThat(task.get("taskType").asText()).isEqualTo("rating");
    assertThat(task.at("/settings/max").asInt()).isEqualTo(7);
    assertThat(task.at("/answerSchema/properties/rating/maximum").asInt()).isEqualTo(7);
    JsonNode eip712 = app.get("/api/eip712").json().get("contributionAnswers");
    assertThat(eip712.fieldNames()).toIterable()
        .containsExactly("single_choice", "multi_choice", "rating", "free_text", "pairwise", "spans", "boxes", "upload");
    assertThat(eip712.get("rating").asText()).contains("RFC 8785");
  }

  @Test
  void refusesEveryMalformedTypedAnswerWithItsCodeAndStoresNothing() {
    record Bad(String answer, String code) {}
    Map<Long, List<Bad>> cases = new java.util.LinkedHashMap<>();
    long tags = campaign("multi_choice", List.of("cat", "dog", "owl"), Map.of("maxPicks", 2));
    long rating = campaign("rating", null, Map.of("min", 1, "max", 5));
    long text = campaign("free_text", null, Map.of("maxLength", 20));
    long pairs = campaign("pairwise", null, Map.of("allowTie", false));
    cases.put(tags, List.of(new Bad("{\"labels\":[\"eel\"]}", "ANSWER_NOT_IN_LABEL_SET"),
        new Bad("{\"labels\":[\"cat\",\"dog\",\"owl\"]}", "PICKS_OUT_OF_RANGE"),
        new Bad("{\"labels\":[\"dog\",\"cat\"]}", "ANSWER_NOT_CANONICAL"),
        new Bad("cat", "ANSWER_MALFORMED")));
    cases.put(rating, List.of(new Bad("{\"rating\":9}", "RATING_OUT_OF_RANGE"),
        new Bad("{\"rating\": 4}", "ANSWER_NOT_CANONICAL"),
        new Bad("{\"rating\":2.5}", "ANSWER_MALFORMED")));
    cases.put(text, List.of(new Bad("{\"text\":\"" + "x".repeat(21) + "\"}", "TEXT_TOO_LONG"),
        new Bad("{\"text\":\" \"}", "TEXT_EMPTY"),
        new Bad("{\"note\":\"b\",\"text\":\"a\"}", "ANSWER_MALFORMED")));
    cases.put(pairs, List.of(new Bad("{\"choice\":\"tie\"}", "TIE_NOT_ALLOWED"),
        new Bad("{\"choice\":\"left\"}", "ANSWER_MALFORMED"),
        new Bad("{\"choice\":\"a\"", "ANSWER_MALFORMED")));
    String pair = "{\"prompt\":\"p\",\"a\":{\"text\":\"x\"},\"b\":{\"text\":\"y\"}}";
    cases.forEach((campaign, bad) -> {
      String data = campaign == pairs ? pair : "{\"text\":\"t\"}";
      assertThat(upload(campaign, "{\"id\":\"i\",\"data\":" + data + "}\n").status()).isEqualTo(200);
      JsonNode task = next(crowd.get(1), campaign);
      for (Bad b : bad) {
        Reply reply = submit(crowd.get(1), task, b.answer());
        assertThat(reply.status()).as(b.answer() + ": " + reply.body()).isEqualTo(422);
        assertThat(reply.errorCode()).as(b.answer()).isEqualTo(b.code());
        assertThat(reply.json().at("/error/message").asText()).isNotBlank();
      }
      assertThat(stored(campaign)).as("nothing stored in campaign %s", campaign).isZero();
    });
    // the canonical-form refusal names what to sign instead
    JsonNode task = next(crowd.get(2), rating);
    Reply spaced = submit(crowd.get(2), task, "{\"rating\": 4}");
    assertThat(spaced.json().at("/error/details/canonical").asText()).isEqualTo("{\"rating\":4}");
    assertThat(submit(crowd.get(2), task, "{\"rating\":4}").status()).isEqualTo(201);
  }

  @Test
  void aggregatesEachTypeWithItsModelAndAcceptsTheAnswersThatAgree() {
    long tags = campaign("multi_choice", List.of("cat", "dog", "owl"), null);
    long rating = campaign("rating", null, null);
    long text = campaign("free_text", null, Map.of("normalize", Map.of("case", true, "punctuation", true)));
    long pairs = campaign("pairwise", null, null);
    Map<Long, List<String>> answers = new java.util.LinkedHashMap<>();
    answers.put(tags, List.of("{\"labels\":[\"cat\",\"dog\"]}", "{\"labels\":[\"cat\",\"dog\"]}",
        "{\"labels\":[\"owl\"]}"));
    answers.put(rating, List.of("{\"rating\":4}", "{\"rating\":4}", "{\"rating\":1}"));
    answers.put(text, List.of("{\"text\":\"The cat sat on the mat.\"}", "{\"text\":\"the cat sat on the mat\"}",
        "{\"text\":\"a dog ran\"}"));
    answers.put(pairs, List.of("{\"choice\":\"b\"}", "{\"choice\":\"b\"}", "{\"choice\":\"a\"}"));
    String pair = "{\"prompt\":\"p\",\"a\":{\"text\":\"x\"},\"b\":{\"text\":\"y\"}}";
    answers.forEach((campaign, given) -> {
      String data = campaign == pairs ? pair : "{\"text\":\"t\"}";
      assertThat(upload(campaign, "{\"id\":\"i\",\"data\":" + data + "}\n").status()).isEqualTo(200);
      for (int c = 0; c < 3; c++) {
        assertThat(submit(crowd.get(c), next(crowd.get(c), campaign), given.get(c)).status()).isEqualTo(201);
      }
    });
    app.aggregate();
    assertThat(label(tags)).isEqualTo("{\"labels\":[\"cat\",\"dog\"]}");
    assertThat(CanonicalJson.read(label(rating)).get("rating").asDouble()).isBetween(3.0, 4.5);
    assertThat(CanonicalJson.read(label(text)).get("text").asText()).containsIgnoringCase("the cat sat on the mat");
    assertThat(label(pairs)).isEqualTo("{\"choice\":\"b\"}");
    for (long campaign : answers.keySet()) {
      assertThat(statuses(campaign)).as("campaign %s", campaign).containsExactly("accepted", "accepted", "rejected");
    }
  }

  private static String label(long campaign) {
    return (String) WorkFixtures.queryValue(app, "select label from items where campaign_id = " + campaign
        + " and decided_at is not null");
  }

  private static List<String> statuses(long campaign) {
    List<String> out = new java.util.ArrayList<>();
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
