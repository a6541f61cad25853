package io.labelledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * When every database connection is busy and the wait queue is full, a request is refused at once
 * with 503 SERVICE_BUSY and Retry-After, never left hanging or answered 500, and the requests that
 * did get in line are answered once the database frees up.
 */
class PoolSaturationIT {
  private static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start("PoolSaturationIT", Map.of("LABELLEDGER_DB_POOL_SIZE", "1",
        "LABELLEDGER_DB_POOL_WAIT_QUEUE", "1", "LABELLEDGER_QUALITY_INTERVAL_MS", "3600000"));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void aFullWaitQueueGets503WithRetryAfterAndTheQueuedRequestsAreServedLater() throws Exception {
    assertThat(app.get("/api/campaigns").status()).isEqualTo(200);
    try (Connection blocker = TestDatabase.connect(app.database()); Statement s = blocker.createStatement()) {
      blocker.setAutoCommit(false);
      s.execute("lock table campaigns in access exclusive mode");

      // the pool's one connection: blocked in PostgreSQL behind the lock
      CompletableFuture<Reply> holding = CompletableFuture.supplyAsync(() -> app.get("/api/campaigns"));
      awaitTrue("a request waiting on the lock", () -> lockWaiters(s) == 1);
      // the one place in the wait queue
      CompletableFuture<Reply> queued = CompletableFuture.supplyAsync(() -> app.get("/api/campaigns"));
      awaitTrue("a request in the pool's wait queue", () -> queuePending() == 1);

      Reply refused = app.get("/api/campaigns");
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.errorCode()).isEqualTo("SERVICE_BUSY");
      assertThat(refused.header("Retry-After")).isEqualTo("1");
      assertThat(refused.json().at("/error/details/retryAfterSeconds").asLong()).isEqualTo(1);
      assertThat(holding).isNotDone();
      assertThat(queued).isNotDone();

      blocker.rollback();
      assertThat(holding.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(queued.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
    assertThat(app.get("/api/campaigns").status()).isEqualTo(200);
  }

  private static int lockWaiters(Statement s) {
    try (ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity where wait_event_type = 'Lock' "
        + "and datname = current_database()")) {
      rs.next();
      return rs.getInt(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The pool's waiters, from the service's own Prometheus metrics. */
  private static double queuePending() {
    for (String line : app.get("/metrics").body().split("\n")) {
      if (line.startsWith("vertx_pool_queue_pending{") && line.contains("pool_name=\"labelledger\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("waiting for " + what).isBefore(deadline);
      Thread.sleep(20);
    }
  }
}
