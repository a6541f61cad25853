package io.labelledger.campaign;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** SQL of items. Writes run on the upload's transaction. */
public final class ItemQueries {
  /** How many rows of a batch were new, and how many of those are gold. */
  public record Inserted(long items, long gold) {}

  /**
   * Inserts a batch in one statement (four arrays unnested, so the statement is the same for any
   * batch size and is prepared once); items already present for the campaign are skipped. A new
   * item wants as many answers as the campaign's overlap.
   */
  public Future<Inserted> insertBatch(SqlClient tx, long campaignId, List<String> externalIds,
      List<String> payloads, List<String> goldAnswers, List<String> goldKeys) {
    return tx.preparedQuery("with ins as ("
            + "insert into items (campaign_id, external_id, payload, is_gold, gold_answer, gold_key, answers_wanted) "
            + "select $1, t.e, t.p::jsonb, t.g is not null, t.g, t.k, c.overlap "
            + "from unnest($2::text[], $3::text[], $4::text[], $5::text[]) as t(e, p, g, k) join campaigns c on c.id = $1 "
            + "on conflict (campaign_id, external_id) do nothing returning is_gold) "
            + "select count(*) as items, count(*) filter (where is_gold) as gold from ins")
        .execute(Tuple.tuple().addLong(campaignId)
            .addArrayOfString(externalIds.toArray(String[]::new))
            .addArrayOfString(payloads.toArray(String[]::new))
            .addArrayOfString(goldAnswers.toArray(String[]::new))
            .addArrayOfString(goldKeys.toArray(String[]::new)))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Inserted(row.getLong("items"), row.getLong("gold"));
        });
  }

  /** Adds an upload's new items to the campaign's counters (same transaction as the inserts). */
  public Future<Void> addCounts(SqlClient tx, long campaignId, long items, long gold) {
    return tx.preparedQuery("update campaigns set item_count = item_count + $2, gold_count = gold_count + $3 where id = $1")
        .execute(Tuple.of(campaignId, items, gold)).mapEmpty();
  }
}
