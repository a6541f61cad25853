package io.labelledger.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TestDatabase;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The last open item of a campaign, locked for a moment by another transaction (as the quality
 * worker locks items while it writes their labels), is still handed out: {@code tasks/next} waits
 * for the lock instead of answering NO_TASK_AVAILABLE for an item that is open. It answered 404
 * before, and a story's contributors walked away from a sentence one answer short.
 */
@ExtendWith(ChainExtension.class)
class TaskLockIT {
  private static TestApp app;
  private static Contributor contributor;
  private static long campaign;

  @BeforeAll
  static void start(TestChain chain) {
    app = TestApp.start("task_lock", Map.of(), chain);
    String terms = app.publishTerms("Task lock IT terms");
    contributor = WorkFixtures.consenting(app, chain, terms);
    campaign = WorkFixtures.campaign(app, terms, 1, 0.0);
    WorkFixtures.items(app, campaign, 1, 0);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void theLastOpenItemLockedForAMomentIsStillHandedOut() throws Exception {
    try (Connection worker = TestDatabase.connect(app.database()); Statement s = worker.createStatement()) {
      worker.setAutoCommit(false);
      s.execute("select id from items where campaign_id = " + campaign + " for no key update");
      CompletableFuture<Reply> next = CompletableFuture.supplyAsync(() ->
          app.postJson("/api/campaigns/" + campaign + "/tasks/next", Map.of(), contributor.token()));
      Thread.sleep(400);
      assertThat(next).as("waiting for the lock, not answered").isNotDone();
      worker.commit();
      Reply reply = next.get();
      assertThat(reply.status()).as(reply.body()).isEqualTo(200);
      assertThat(reply.json().get("itemId").asLong()).isPositive();
    }
    Reply none = app.postJson("/api/campaigns/" + campaign + "/tasks/next", Map.of(), contributor.token());
    assertThat(none.errorCode()).as("nothing else is open for them").isEqualTo("NO_TASK_AVAILABLE");
  }

  @Test
  void aLockHeldLongerThanTheTimeoutStillGetsAClearAnswer() throws Exception {
    long other = WorkFixtures.campaign(app, app.publishTerms("Task lock IT terms, second"), 1, 0.0);
    WorkFixtures.items(app, other, 1, 0);
    try (Connection worker = TestDatabase.connect(app.database()); Statement s = worker.createStatement()) {
      worker.setAutoCommit(false);
      s.execute("select id from items where campaign_id = " + other + " for no key update");
      Reply reply = app.postJson("/api/campaigns/" + other + "/tasks/next", Map.of(), contributor.token());
      assertThat(reply.status()).as(reply.body()).isIn(403, 404);
      worker.rollback();
    }
  }
}
