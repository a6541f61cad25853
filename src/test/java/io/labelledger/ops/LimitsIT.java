package io.labelledger.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-client rate limit, with a bucket small enough to empty in a test. */
class LimitsIT {
  private static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start("LimitsIT", Map.of(
        "LABELLEDGER_RATE_LIMIT_PER_SECOND", "1",
        "LABELLEDGER_RATE_LIMIT_BURST", "3"));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void anonymousClientOverItsBurstGets429WithRetryAfterWhileOperatorHasItsOwnBucket() {
    for (int i = 0; i < 3; i++) {
      assertThat(app.get("/api/campaigns").status()).isEqualTo(200);
    }
    Reply limited = app.get("/api/campaigns");
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.errorCode()).isEqualTo("RATE_LIMITED");
    assertThat(Long.parseLong(limited.header("Retry-After"))).isBetween(1L, 2L);

    // another key (the operator), and the routes outside /api, are not affected
    assertThat(app.get("/api/campaigns", TestApp.OPERATOR_TOKEN).status()).isEqualTo(200);
    assertThat(app.get("/health/live").status()).isEqualTo(200);
  }
}
