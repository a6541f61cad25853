package io.labelledger.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** V6 on a database that already holds work: stored answers go back to pending, ahead of the worker's cursor. */
class QualityMigrationIT {
  private static final String TERMS = "0x" + "aa".repeat(32);

  @Test
  void storedAnswersBecomePendingAndQueuedForTheAggregationWorker() throws SQLException {
    DatabaseCoordinates db = TestDatabase.freshDatabase("QualityMigrationIT");
    flyway(db).target("4").load().migrate();
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      s.execute("insert into terms (terms_hash, text) values ('" + TERMS + "', 't')");
      s.execute("insert into campaigns (name, instructions, task_type, overlap, max_overlap, gold_rate, accuracy_floor,"
          + " target_confidence, terms_hash) values ('c', 'i', 'single_choice', 1, 1, 0, 0, 0.9, '" + TERMS + "')");
      s.execute("insert into items (campaign_id, external_id, payload, answers_wanted) values (1, 'x', '{}', 1)");
      for (String who : new String[] {"01", "02"}) {
        s.execute("insert into contributions (campaign_id, item_id, contributor, answer, terms_hash, submitted_at,"
            + " signature, digest) values (1, 1, '0x" + who.repeat(20) + "', 'yes', '" + TERMS + "', 1, decode('"
            + "11".repeat(65) + "', 'hex'), decode('" + who.repeat(32) + "', 'hex'))");
      }
      assertThat(value(s, "select string_agg(distinct status, ',') from contributions")).isEqualTo("accepted");
    }

    flyway(db).load().migrate();

    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      assertThat(value(s, "select string_agg(distinct status, ',') from contributions")).isEqualTo("pending");
      assertThat(value(s, "select count(*) from contributions c, quality_cursor q where q.name = 'aggregation' "
          + "and (c.txid, c.id) > (q.txid, q.last_id)")).as("both still to be taken in").isEqualTo("2");
      assertThat(value(s, "select count(*) from items where label is null and decided_at is null")).isEqualTo("1");
      assertThatThrownBy(() -> s.execute("update contributions set status = 'maybe'"))
          .hasMessageContaining("contributions_status_check");
      assertThatThrownBy(() -> s.execute("update items set label = 'yes'"))
          .as("a label comes with its confidence").hasMessageContaining("items_label_with_confidence");
    }
  }

  private static String value(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DatabaseCoordinates db) {
    return Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password() == null ? null : db.password().reveal())
        .locations("classpath:db/migration");
  }
}
