package io.labelledger.campaign;

import static io.labelledger.testsupport.TestApp.OPERATOR_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CampaignIT {
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start() {
    app = TestApp.start("CampaignIT", Map.of());
    terms = app.publishTerms("Campaign terms v1");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  static Map<String, Object> validCampaign(String termsHash) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", "Sentiment");
    body.put("description", "Tweets");
    body.put("instructions", "Pick the sentiment.");
    body.put("taskType", "single_choice");
    body.put("labels", List.of("positive", "negative", "neutral"));
    body.put("overlap", 3);
    body.put("termsHash", termsHash);
    body.put("goldRate", 0.1);
    body.put("accuracyFloor", 0.7);
    body.put("targetConfidence", 0.95);
    body.put("maxOverlap", 7);
    return body;
  }

  private Reply create(Map<String, Object> body) {
    return app.postJson("/api/campaigns", body, OPERATOR_TOKEN);
  }

  private Map<String, Object> with(String field, Object value) {
    Map<String, Object> body = validCampaign(terms);
    body.put(field, value);
    return body;
  }

  private void assertViolation(Reply reply, String field) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.errorCode()).isEqualTo("VALIDATION_FAILED");
    assertThat(reply.json().at("/error/details/violations").findValuesAsText("field")).contains(field);
  }

  @Test
  void operatorCreatesCampaignThatAnyoneCanReadAndList() {
    Reply created = create(validCampaign(terms));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long id = created.json().get("id").asLong();
    assertThat(created.json().get("labels")).hasSize(3);
    assertThat(created.json().get("labels").get(0).asText()).isEqualTo("positive");
    assertThat(created.json().get("termsHash").asText()).isEqualTo(terms);
    assertThat(created.json().get("itemCount").asLong()).isZero();

    Reply read = app.get("/api/campaigns/" + id);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().get("name").asText()).isEqualTo("Sentiment");
    assertThat(read.json().get("maxOverlap").asInt()).isEqualTo(7);

    Reply list = app.get("/api/campaigns?limit=200");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().get("campaigns").findValuesAsText("name")).contains("Sentiment");
  }

  @Test
  void optionalQualitySettingsTakeDefaults() {
    Map<String, Object> body = validCampaign(terms);
    body.remove("goldRate");
    body.remove("maxOverlap");
    body.remove("description");
    Reply created = create(body);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("goldRate").asDouble()).isZero();
    assertThat(created.json().get("maxOverlap").asInt()).isEqualTo(3);
  }

  @Test
  void listPagesByAfterId() {
    create(validCampaign(terms));
    create(validCampaign(terms));
    Reply first = app.get("/api/campaigns?limit=1");
    long next = first.json().get("nextAfterId").asLong();
    Reply second = app.get("/api/campaigns?limit=1&afterId=" + next);
    assertThat(second.json().at("/campaigns/0/id").asLong()).isGreaterThan(next);
    assertThat(app.get("/api/campaigns?limit=0").errorCode()).isEqualTo("INVALID_PARAMETER");
  }

  @Test
  void refusesUnsupportedTaskType() {
    Reply reply = create(with("taskType", "ranking"));
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorCode()).isEqualTo("UNSUPPORTED_TASK_TYPE");
  }

  @Test
  void refusesTooFewRepeatedOrBlankLabels() {
    // how many labels a campaign needs is its task type's rule (single choice: two to choose between)
    Reply one = create(with("labels", List.of("only")));
    assertThat(one.status()).isEqualTo(400);
    assertThat(one.errorCode()).isEqualTo("CAMPAIGN_LABELS_INVALID");
    assertThat(one.json().at("/error/details/min").asInt()).isEqualTo(2);
    assertViolation(create(with("labels", List.of("a", "a"))), "labelsUnique");
    assertViolation(create(with("labels", List.of("a", " "))), "labels[1].<list element>");
  }

  @Test
  void refusesOutOfRangeNumbers() {
    assertViolation(create(with("overlap", 0)), "overlap");
    assertViolation(create(with("overlap", 51)), "overlap");
    assertViolation(create(with("goldRate", 0.6)), "goldRate");
    assertViolation(create(with("accuracyFloor", 1.5)), "accuracyFloor");
    assertViolation(create(with("maxOverlap", 2)), "maxOverlapAtLeastOverlap");
  }

  @Test
  void refusesMissingFields() {
    Map<String, Object> body = validCampaign(terms);
    body.remove("termsHash");
    body.remove("name");
    Reply reply = create(body);
    assertThat(reply.errorCode()).isEqualTo("MISSING_FIELD");
    assertThat(reply.json().at("/error/details/fields").findValuesAsText("")).isEmpty();
    assertThat(reply.json().at("/error/details/fields").toString()).contains("termsHash", "name");
    // labels are required by the task types that have them, so their absence is the type's refusal
    Map<String, Object> unlabelled = validCampaign(terms);
    unlabelled.remove("labels");
    assertThat(create(unlabelled).errorCode()).isEqualTo("CAMPAIGN_LABELS_INVALID");
  }

  @Test
  void refusesTermsThatWereNeverPublished() {
    Reply reply = create(with("termsHash", "0x" + "cd".repeat(32)));
    assertThat(reply.status()).isEqualTo(422);
    assertThat(reply.errorCode()).isEqualTo("TERMS_UNKNOWN");
  }

  @Test
  void creatingNeedsTheOperator() {
    assertThat(app.postJson("/api/campaigns", validCampaign(terms), null).errorCode())
        .isEqualTo("OPERATOR_AUTH_REQUIRED");
  }

  @Test
  void unknownAndMalformedIds() {
    assertThat(app.get("/api/campaigns/999999").errorCode()).isEqualTo("CAMPAIGN_NOT_FOUND");
    assertThat(app.get("/api/campaigns/999999").status()).isEqualTo(404);
    assertThat(app.get("/api/campaigns/abc").errorCode()).isEqualTo("INVALID_PARAMETER");
  }
}
