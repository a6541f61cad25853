package io.labelledger.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * Operators named in {@code auth.operators} sign in with their wallet (SIWE) and get operator
 * rights on their session, each recorded under their own address in the activity log beside the
 * shared token's actions; any other account is refused with NOT_AN_OPERATOR and records nothing.
 */
class OperatorSignInIT {
  private static Credentials alice;
  private static Credentials bob;
  private static Credentials mallory;
  private static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    alice = Credentials.create(Keys.createEcKeyPair());
    bob = Credentials.create(Keys.createEcKeyPair());
    mallory = Credentials.create(Keys.createEcKeyPair());
    // mixed case and spaces, as people write lists
    String operators = Keys.toChecksumAddress(alice.getAddress()) + " , " + bob.getAddress().toUpperCase()
        .replace("0X", "0x");
    app = TestApp.start("operator_sign_in", Map.of("LABELLEDGER_OPERATORS", operators));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static Reply terms(String text, String bearer) {
    return app.postJson("/api/terms", Map.of("text", text), bearer);
  }

  private static Reply campaign(String terms, String name, String bearer) {
    return app.postJson("/api/campaigns", Map.of("name", name, "instructions", "Pick one.", "taskType", "single_choice", "labels",
        List.of("yes", "no"), "termsHash", terms, "overlap", 1), bearer);
  }

  @Test
  void operatorsActUnderTheirOwnAddressAndOthersAreRefused() {
    String aliceSession = app.signIn(alice);
    String bobSession = app.signIn(bob);
    String mallorySession = app.signIn(mallory);
    assertThat(app.get("/api/me", aliceSession).json().get("operator").asBoolean()).isTrue();
    assertThat(app.get("/api/me", mallorySession).json().get("operator").asBoolean()).isFalse();

    Reply refused = terms("Mallory's terms", mallorySession);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("NOT_AN_OPERATOR");
    assertThat(refused.json().at("/error/message").asText()).contains(mallory.getAddress().toLowerCase());
    assertThat(app.get("/api/operator/activity", mallorySession).errorCode()).isEqualTo("NOT_AN_OPERATOR");
    assertThat(app.get("/api/operator/activity").errorCode()).isEqualTo("OPERATOR_AUTH_REQUIRED");

    Reply published = terms("Alice's terms", aliceSession);
    assertThat(published.status()).as(published.body()).isEqualTo(201);
    String hash = published.json().get("termsHash").asText();
    Reply created = campaign(hash, "Bob's campaign", bobSession);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    Reply scripted = campaign(hash, "A script's campaign", TestApp.OPERATOR_TOKEN);
    assertThat(scripted.status()).isEqualTo(201);
    assertThat(campaign(hash, "Mallory's campaign", mallorySession).status()).isEqualTo(403);

    JsonNode entries = app.get("/api/operator/activity", aliceSession).json().get("entries");
    List<String> log = new ArrayList<>();
    entries.forEach(e -> log.add(e.get("actor").asText() + " " + e.get("action").asText()));
    assertThat(log).as("newest first, nothing of Mallory's").containsExactly(
        "operator-token campaign.created",
        bob.getAddress().toLowerCase() + " campaign.created",
        alice.getAddress().toLowerCase() + " terms.published");
    assertThat(entries.get(1).at("/subject/campaignId").asLong()).isEqualTo(created.json().get("id").asLong());
    assertThat(entries.get(2).at("/subject/termsHash").asText()).isEqualTo(hash);
    assertThat(entries.get(0).get("at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    JsonNode page = app.get("/api/operator/activity?limit=2", TestApp.OPERATOR_TOKEN).json();
    assertThat(page.get("entries")).hasSize(2);
    JsonNode rest = app.get("/api/operator/activity?limit=2&beforeId=" + page.get("nextBeforeId").asLong(),
        TestApp.OPERATOR_TOKEN).json().get("entries");
    assertThat(rest).hasSize(1);
    assertThat(rest.get(0).get("action").asText()).isEqualTo("terms.published");

    app.postJson("/api/auth/logout", Map.of(), aliceSession);
    assertThat(terms("After logout", aliceSession).status()).isEqualTo(403);
  }

  @Test
  void aMalformedOperatorListStopsTheStartNamingTheSetting() {
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> TestApp.start("operator_list_bad",
        Map.of("LABELLEDGER_OPERATORS", "0x1234,not-an-address")))).hasMessageContaining("auth.operators");
  }
}
