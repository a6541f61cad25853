package io.labelledger.dataset;

import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the quality and anchoring work leaves in the database, written with SQL for the dataset
 * tests: the columns they fill in (created here only when their migrations are not in this build)
 * and their outcomes: majority labels with confidence, accepted/rejected contributions, and every
 * contribution in a mined anchor batch.
 */
final class DatasetPrerequisites {
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
  static void aggregateByMajority(DatabaseCoordinates db, long campaignId) throws SQLException {
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

  /** Puts every contribution of the campaign in one anchor batch mined at block 1. */
  static void anchorAll(DatabaseCoordinates db, long campaignId) throws SQLException {
    exec(db, """
        insert into anchor_batches (id, block_number) values (%1$d, 1) on conflict do nothing;
        update contributions set batch_id = %1$d, leaf_index = id where campaign_id = %1$d;
        """.formatted(campaignId));
  }

  private static void exec(DatabaseCoordinates db, String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
