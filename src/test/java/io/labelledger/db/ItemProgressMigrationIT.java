package io.labelledger.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** V4 on a database that already holds work: every item gets its progress from what is stored. */
class ItemProgressMigrationIT {
  @Test
  void existingItemsGetTheirAnswersTheirCampaignsOverlapAndClosedWhenFull() throws SQLException {
    DatabaseCoordinates db = TestDatabase.freshDatabase("ItemProgressMigrationIT");
    flyway(db).target("3").load().migrate();
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      s.execute("insert into terms (terms_hash, text) values ('0x" + "aa".repeat(32) + "', 't')");
      s.execute("insert into campaigns (name, instructions, task_type, overlap, max_overlap, gold_rate, accuracy_floor,"
          + " target_confidence, terms_hash) values ('c', 'i', 'single_choice', 2, 3, 0.1, 0.5, 0.9, '0x"
          + "aa".repeat(32) + "')");
      s.execute("insert into items (campaign_id, external_id, payload, is_gold, gold_answer) values "
          + "(1, 'full', '{}', false, null), (1, 'half', '{}', false, null), (1, 'none', '{}', false, null), "
          + "(1, 'gold', '{}', true, 'yes')");
      String[][] answers = {{"1", "01"}, {"1", "02"}, {"2", "03"}, {"4", "04"}, {"4", "05"}};
      for (String[] a : answers) {
        s.execute("insert into contributions (campaign_id, item_id, contributor, answer, terms_hash, submitted_at,"
            + " signature, digest) values (1, " + a[0] + ", '0x" + a[1].repeat(20) + "', 'yes', '0x" + "aa".repeat(32)
            + "', 1, decode('" + "11".repeat(65) + "', 'hex'), decode('" + a[1].repeat(32) + "', 'hex'))");
      }
    }

    flyway(db).load().migrate();

    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("select external_id, answers || '/' || answers_wanted || ' ' || "
             + "case when closed_at is null then 'open' else 'closed' end, available_at = '-infinity' "
             + "from items order by id")) {
      Map<String, String> progress = new LinkedHashMap<>();
      while (rs.next()) {
        progress.put(rs.getString(1), rs.getString(2));
        assertThat(rs.getBoolean(3)).as("no item is known full yet").isTrue();
      }
      assertThat(progress).containsExactly(Map.entry("full", "2/2 closed"), Map.entry("half", "1/2 open"),
          Map.entry("none", "0/2 open"), Map.entry("gold", "2/2 open"));
    }
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DatabaseCoordinates db) {
    return Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password() == null ? null : db.password().reveal())
        .locations("classpath:db/migration");
  }
}
