package io.labelledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input of every kind becomes a 4xx in the one JSON error shape, never a 5xx. */
class HttpEdgeIT {
  private static TestApp app;
  private static final String OP = TestApp.OPERATOR_TOKEN;

  @BeforeAll
  static void start() {
    app = TestApp.start("HttpEdgeIT", Map.of());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static void assertError(Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(reply.errorCode()).as(reply.body()).isEqualTo(code);
    assertThat(reply.json().at("/error/message").asText()).isNotBlank();
  }

  @Test
  void malformedJsonIsRefused() {
    assertError(app.postJson("/api/terms", "{\"text\": ", OP), 400, "MALFORMED_JSON");
  }

  @Test
  void trailingGarbageAfterJsonIsRefused() {
    assertError(app.postJson("/api/terms", "{\"text\":\"t\"} x", OP), 400, "MALFORMED_JSON");
  }

  @Test
  void unknownFieldIsNamed() {
    Reply reply = app.postJson("/api/terms", "{\"text\":\"t\",\"colour\":\"red\"}", OP);
    assertError(reply, 400, "UNKNOWN_FIELD");
    assertThat(reply.json().at("/error/details/field").asText()).isEqualTo("colour");
  }

  @Test
  void missingFieldIsNamed() {
    Reply reply = app.postJson("/api/auth/siwe", "{\"message\":\"m\"}", null);
    assertError(reply, 400, "MISSING_FIELD");
    assertThat(reply.json().at("/error/details/fields/0").asText()).isEqualTo("signature");
  }

  @Test
  void wrongTypeIsNamed() {
    Reply reply = app.postJson("/api/terms", "{\"text\": 42}", OP);
    assertError(reply, 400, "WRONG_TYPE");
    assertThat(reply.json().at("/error/details/field").asText()).isEqualTo("text");
  }

  @Test
  void numberAsStringIsAWrongType() {
    Reply reply = app.postJson("/api/campaigns", "{\"overlap\": \"3\"}", OP);
    assertError(reply, 400, "WRONG_TYPE");
    assertThat(reply.json().at("/error/details/field").asText()).isEqualTo("overlap");
  }

  @Test
  void arrayInsteadOfObjectIsAWrongType() {
    assertError(app.postJson("/api/terms", "[1,2]", OP), 400, "WRONG_TYPE");
  }

  @Test
  void emptyBodyIsRefused() {
    assertError(app.postJson("/api/terms", "", OP), 400, "BODY_REQUIRED");
    assertError(app.postJson("/api/terms", "null", OP), 400, "BODY_REQUIRED");
  }

  @Test
  void bodyOverTheLimitGets413() {
    String big = "{\"text\":\"" + "a".repeat(app.config().limits().jsonBodyBytes()) + "\"}";
    assertError(app.postJson("/api/terms", big, OP), 413, "BODY_TOO_LARGE");
  }

  @Test
  void wrongContentTypeGets415() {
    assertError(app.send("POST", "/api/terms", OP, "text/plain", BodyPublishers.ofString("{\"text\":\"t\"}")),
        415, "UNSUPPORTED_MEDIA_TYPE");
  }

  @Test
  void unknownRouteGets404Json() {
    assertError(app.get("/api/nothing-here"), 404, "ROUTE_NOT_FOUND");
    assertError(app.get("/nothing-at-all"), 404, "ROUTE_NOT_FOUND");
  }

  @Test
  void wrongMethodGets405Json() {
    assertError(app.send("DELETE", "/api/campaigns", null, null, null), 405, "METHOD_NOT_ALLOWED");
  }

  @Test
  void operatorRouteWithoutTokenGets401() {
    assertError(app.postJson("/api/terms", Map.of("text", "t"), null), 401, "OPERATOR_AUTH_REQUIRED");
  }

  @Test
  void operatorRouteWithWrongTokenGets403() {
    assertError(app.postJson("/api/terms", Map.of("text", "t"), "not-the-operator-token"), 403,
        "OPERATOR_TOKEN_INVALID");
  }

  @Test
  void sessionTokenIsNotAnOperatorToken() {
    String session = app.signIn(org.web3j.crypto.Credentials.create(
        "0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d"));
    assertError(app.postJson("/api/terms", Map.of("text", "t"), session), 403, "NOT_AN_OPERATOR"); // signed in, but not in auth.operators
  }

  @Test
  void livenessAnswers() {
    Reply reply = app.get("/health/live");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("status").asText()).isEqualTo("up");
  }

  @Test
  void readinessReportsDatabaseUpAndChainUnknown() {
    Reply reply = app.get("/health/ready");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().at("/checks/db").asText()).isEqualTo("up");
    assertThat(reply.json().at("/checks/chain").asText()).isEqualTo("unknown");
  }

  @Test
  void healthIsReadiness() {
    Reply reply = app.get("/health");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().at("/checks/db").asText()).isEqualTo("up");
    assertThat(reply.json().at("/checks/chain").asText()).isEqualTo("unknown");
  }

  @Test
  void metricsArePrometheusTextWithHttpServerRequests() {
    app.get("/api/campaigns");
    Reply reply = app.get("/metrics");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("text/plain");
    assertThat(reply.body()).contains("vertx_http_server_requests_total");
  }
}
