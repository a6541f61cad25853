package io.labelledger.dataset;

import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.testsupport.TestDatabase;
import io.labelledger.testsupport.TestApp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the quality work leaves in the database, written with SQL for the dataset tests: the
 * columns it fills in (created here only when its migration is not in this build) and its outcomes,
 * majority labels with confidence and accepted/rejected contributions. Anchoring is the service's
 * own anchorer's ({@link #anchorAll}), now that it is in the build.
 */
public final class DatasetPrerequisites {
  private DatasetPrerequisites() {}

  static void ensureSchema(DatabaseCoordinates db) throws SQLException {
    exec(db, """
        alter table items add column if not exists label text;
        alter table items add column if not exists confidence double precision;
        alter table contributions add column if not exists batch_id bigint;
        alter table contributions add column if not exists leaf_index integer;
        create table if not exists anchor_batches (id bigint primary key, block_number bigint);
        """);
  }

  /** Majority label and its share as confidence per item; contributions agreeing are accepted, others rejected. */
  public static void aggregateByMajority(DatabaseCoordinates db, long campaignId) throws SQLException {
    exec(db, """
        with votes as (
          select item_id, answer, count(*) as n, sum(count(*)) over (partition by item_id) as total,
                 row_number() over (partition by item_id order by count(*) desc, answer) as rank
            from contributions where campaign_id = %1$d group by item_id, answer)
        update items i set label = v.answer, confidence = v.n::double precision / v.total
          from votes v where v.item_id = i.id and v.rank = 1;
        update contributions c set status = case when c.answer = coalesce(i.gold_answer, i.label) then 'accepted'
                                                 else 'rejected' end
          from items i where i.id = c.item_id and c.campaign_id = %1$d;
        """.formatted(campaignId));
  }

  /**
   * Anchors every contribution of the campaign with the service's own anchorer (rounds run until
   * each is in a mined batch; the app needs anchor.maxBatchAgeMs 0 so that small batches close).
   */
  public static void anchorAll(TestApp app, long campaignId) throws SQLException {
    for (int round = 0; round < 20; round++) {
      app.anchor();
      try (Connection c = TestDatabase.connect(app.database());
          PreparedStatement q = c.prepareStatement("select count(*) from contributions c"
              + " left join anchor_batches b on b.id = c.batch_id where c.campaign_id = ? and b.block_number is null")) {
        q.setLong(1, campaignId);
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return;
          }
        }
      }
    }
    throw new AssertionError("the anchorer did not anchor every contribution of campaign " + campaignId);
  }

  private static void exec(DatabaseCoordinates db, String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
