package io.labelledger.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.contribution.ContributionQueries;
import io.labelledger.testsupport.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's pool keeps its statements prepared on each connection, so PostgreSQL parses and
 * plans them once, the longest included: the client caches only statements up to a length, and
 * the submission path's batch statement, longer than the client's default, was planned again on
 * every execution.
 */
class PreparedStatementCacheIT {
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    DatabaseCoordinates db = TestDatabase.freshDatabase("PreparedStatementCacheIT");
    Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password() == null ? null : db.password().reveal())
        .locations("classpath:db/migration").load().migrate();
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 1); // one connection: every statement below runs on the same one
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theSubmissionBatchStatementIsPlannedOncePerConnection() throws Exception {
    var queries = new ContributionQueries(pool);
    var candidate = new ContributionQueries.Candidate(1, 1, "0x" + "01".repeat(20), "yes", "0x" + "aa".repeat(32),
        1, new byte[65], new byte[32]);
    for (int i = 0; i < 3; i++) { // refused (no such campaign), but executed in full each time
      var outcomes = queries.acceptBatch(List.of(candidate), Instant.now()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(outcomes).allSatisfy(o -> assertThat(o.newId()).isNull());
    }

    var rows = pool.query("select length(statement) as length from pg_prepared_statements "
        + "where statement like '%insert into contributions%' and statement like '%unnest%'")
        .execute().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(rows.size()).as("the batch statement, kept prepared on the connection").isEqualTo(1);
    assertThat(rows.iterator().next().getInteger("length"))
        .as("it is longer than the client's default limit (2,048), which is why the limit is raised")
        .isGreaterThan(2048);
  }
}
