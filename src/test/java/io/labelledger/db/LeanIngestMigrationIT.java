package io.labelledger.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * V8 on a database that already holds anchored and waiting work: the anchorer's new cursor starts
 * just before the first contribution still waiting, so nothing waiting is skipped and nothing
 * batched is taken again; anchoring rewrites of a contribution are then HOT updates.
 */
class LeanIngestMigrationIT {
  private static final String TERMS = "0x" + "aa".repeat(32);

  @Test
  void theAnchorCursorStartsBeforeTheFirstWaitingContribution() throws SQLException {
    DatabaseCoordinates db = TestDatabase.freshDatabase("LeanIngestMigrationIT");
    flyway(db).target("7").load().migrate();
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      fixture(s, 5);
      batchTheFirst(s, 2); // the old anchorer took contributions in id order: 1 and 2 batched, 3..5 waiting
    }

    flyway(db).target("8").load().migrate(); // V12 changes the fill factor again

    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      assertThat(value(s, "select string_agg(c.id::text, ',' order by c.txid, c.id) from contributions c, "
          + "anchor_cursor a where a.name = 'anchor' and (c.txid, c.id) > (a.txid, a.last_id)"))
          .as("exactly the waiting ones are ahead of the cursor").isEqualTo("3,4,5");
      assertThat(value(s, "select count(*) from pg_indexes where indexname = 'contributions_unbatched'")).isEqualTo("0");
      assertThat(value(s, "select reloptions::text from pg_class where relname = 'contributions'"))
          .isEqualTo("{fillfactor=50}");
    }
  }

  @Test
  void onADatabaseWithNothingWaitingTheCursorStartsAfterTheLastContribution() throws SQLException {
    DatabaseCoordinates db = TestDatabase.freshDatabase("LeanIngestMigrationIT2");
    flyway(db).target("7").load().migrate();
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      fixture(s, 2);
      batchTheFirst(s, 2);
    }

    flyway(db).load().migrate();

    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      assertThat(value(s, "select count(*) from contributions c, anchor_cursor a where a.name = 'anchor' "
          + "and (c.txid, c.id) > (a.txid, a.last_id)")).isEqualTo("0");
      assertThat(value(s, "select a.last_id from anchor_cursor a")).isEqualTo("2");
    }
  }

  @Test
  void onAnEmptyDatabaseTheCursorStartsAtTheBeginning() throws SQLException {
    DatabaseCoordinates db = TestDatabase.freshDatabase("LeanIngestMigrationIT3");
    flyway(db).load().migrate();
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      assertThat(value(s, "select txid::text || '/' || last_id from anchor_cursor where name = 'anchor'"))
          .isEqualTo("0/0");
    }
  }

  /** One campaign with {@code n} items and one contribution to each, each in its own transaction. */
  private static void fixture(Statement s, int n) throws SQLException {
    s.execute("insert into terms (terms_hash, text) values ('" + TERMS + "', 't')");
    s.execute("insert into campaigns (name, instructions, task_type, overlap, max_overlap, gold_rate, accuracy_floor,"
        + " target_confidence, terms_hash) values ('c', 'i', 'single_choice', 1, 1, 0, 0, 0.9, '" + TERMS + "')");
    for (int i = 1; i <= n; i++) {
      String hex = String.format("%02x", i);
      s.execute("insert into items (campaign_id, external_id, payload, answers_wanted) values (1, 'x" + i
          + "', '{}', 1)");
      s.execute("insert into contributions (campaign_id, item_id, contributor, answer, terms_hash, submitted_at,"
          + " signature, digest) values (1, " + i + ", '0x" + "01".repeat(20) + "', 'yes', '" + TERMS + "', 1, decode('"
          + "11".repeat(65) + "', 'hex'), decode('" + hex.repeat(32) + "', 'hex'))");
    }
  }

  /** Puts contributions 1..{@code n} in one anchor batch, as the anchorer before V8 did. */
  private static void batchTheFirst(Statement s, int n) throws SQLException {
    s.execute("insert into anchor_batches (root, leaf_count, tree) values (decode('" + "ab".repeat(32)
        + "', 'hex'), " + n + ", decode('" + "cd".repeat(32 * (2 * n - 1)) + "', 'hex'))");
    s.execute("update contributions set batch_id = 1, leaf_index = id - 1 where id <= " + n);
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
