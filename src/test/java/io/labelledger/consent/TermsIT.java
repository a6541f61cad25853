package io.labelledger.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TermsIT {
  private static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start("TermsIT", Map.of());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void publishedTermsAreStoredUnderKeccakOfTheirTextAndServedToAnyone() {
    String text = "Labels may be used to train models. Ünïcödé counts as UTF-8.";
    Reply published = app.postJson("/api/terms", Map.of("text", text, "uri", "https://example.org/terms/1"),
        TestApp.OPERATOR_TOKEN);
    assertThat(published.status()).as(published.body()).isEqualTo(201);
    String hash = published.json().get("termsHash").asText();
    assertThat(hash).isEqualTo(Hex.encode(Eip712.keccak(text)));
    assertThat(published.json().get("chainStatus").asText()).isEqualTo("pending");
    assertThat(published.json().has("text")).isFalse();

    Reply read = app.get("/api/terms/" + hash);
    assertThat(read.status()).isEqualTo(200);
    assertThat(read.json().get("text").asText()).isEqualTo(text);
    assertThat(read.json().get("uri").asText()).isEqualTo("https://example.org/terms/1");
    assertThat(app.get("/api/terms/" + hash.toUpperCase().replace("0X", "0x")).status()).isEqualTo(200);
  }

  @Test
  void publishingTheSameTextAgainReturnsTheExistingTerms() {
    String text = "Same terms twice";
    assertThat(app.postJson("/api/terms", Map.of("text", text), TestApp.OPERATOR_TOKEN).status()).isEqualTo(201);
    Reply again = app.postJson("/api/terms", Map.of("text", text), TestApp.OPERATOR_TOKEN);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("termsHash").asText()).isEqualTo(Hex.encode(Eip712.keccak(text)));
  }

  @Test
  void unknownTermsAre404() {
    Reply reply = app.get("/api/terms/0x" + "ab".repeat(32));
    assertThat(reply.status()).isEqualTo(404);
    assertThat(reply.errorCode()).isEqualTo("TERMS_NOT_FOUND");
  }

  @Test
  void malformedHashIs400() {
    Reply reply = app.get("/api/terms/0x1234");
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorCode()).isEqualTo("INVALID_PARAMETER");
  }

  @Test
  void blankTextAndBadUriAreRefused() {
    Reply blank = app.postJson("/api/terms", Map.of("text", "  "), TestApp.OPERATOR_TOKEN);
    assertThat(blank.errorCode()).isEqualTo("VALIDATION_FAILED");
    Reply badUri = app.postJson("/api/terms", Map.of("text", "t", "uri", "javascript:alert(1)"), TestApp.OPERATOR_TOKEN);
    assertThat(badUri.errorCode()).isEqualTo("VALIDATION_FAILED");
    assertThat(badUri.json().at("/error/details/violations/0/field").asText()).isEqualTo("uri");
  }
}
