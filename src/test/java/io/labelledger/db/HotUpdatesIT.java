package io.labelledger.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * V12 leaves room on each page for the row versions the workers write. Here the rewrites run with
 * no chance of pruning in between (one transaction, so no old version is dead yet), which is the
 * worst case the room is sized for; PostgreSQL's own per-transaction counters say whether each
 * update was HOT.
 */
class HotUpdatesIT {
  private static final int ROWS = 2_000;
  private static DatabaseCoordinates db;

  @BeforeAll
  static void migrateAndFill() throws SQLException {
    db = TestDatabase.freshDatabase("HotUpdatesIT");
    Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password() == null ? null : db.password().reveal())
        .locations("classpath:db/migration").load().migrate();
    String terms = "'0x" + "ab".repeat(32) + "'";
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      s.execute("insert into terms (terms_hash, text) values (" + terms + ", 't')");
      s.execute("insert into campaigns (name, instructions, task_type, overlap, max_overlap, gold_rate, accuracy_floor,"
          + " target_confidence, terms_hash) values ('c', 'i', 'single_choice', 1, 1, 0, 0, 0.9, " + terms + ")");
      s.execute("insert into items (campaign_id, external_id, payload, answers_wanted)"
          + " select 1, 'item-' || n, '{\"text\": \"a short sentence to label\"}', 1 from generate_series(1, " + ROWS
          + ") n");
      // as the submission path writes them: every signed field, the signature and the digest
      s.execute("insert into contributions (campaign_id, item_id, contributor, answer, terms_hash, submitted_at,"
          + " signature, digest)"
          + " select 1, n, '0x' || lpad(to_hex(n), 40, '0'), 'positive', " + terms + ", 1767225600,"
          + " decode(repeat('ab', 65), 'hex'), sha256(int8send(n)) from generate_series(1, " + ROWS + ") n");
    }
  }

  @Test
  void theAnchorersAndQualitysRewritesOfAContributionAreBothHot() throws SQLException {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("update contributions set batch_id = 1, leaf_index = id - 1"); // the anchorer
      s.execute("update contributions set status = 'accepted'"); // quality
      assertThat(updates(s, "contributions")).containsExactly(2L * ROWS, 2L * ROWS);
      c.rollback();
    }
  }

  @Test
  void qualitysRewriteOfAnItemIsHot() throws SQLException {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.execute("update items set label = 'positive', confidence = 0.8, decided_at = now()");
      assertThat(updates(s, "items")).containsExactly((long) ROWS, (long) ROWS);
      c.rollback();
    }
  }

  /** Rows updated by this transaction, and how many of those updates were HOT. */
  private static long[] updates(Statement s, String table) throws SQLException {
    try (ResultSet rs = s.executeQuery("select pg_stat_get_xact_tuples_updated('" + table + "'::regclass),"
        + " pg_stat_get_xact_tuples_hot_updated('" + table + "'::regclass)")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2)};
    }
  }
}
