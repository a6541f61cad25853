package io.labelledger.campaign;

import io.labelledger.answer.CanonicalJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** SQL of campaigns and their labels. */
public final class CampaignQueries {
  private static final String SELECT = "select c.id, c.name, c.description, c.instructions, c.task_type, "
      + "c.overlap, c.max_overlap, c.gold_rate, c.accuracy_floor, c.target_confidence, c.terms_hash, "
      + "c.settings::text as settings, c.item_count, c.gold_count, c.created_at, c.validates_campaign, "
      + "(select v.id from campaigns v where v.validates_campaign = c.id) as validation_campaign, "
      + "array(select l.label from campaign_labels l where l.campaign_id = c.id order by l.position) as labels "
      + "from campaigns c ";

  private final Pool pool;

  public CampaignQueries(Pool pool) {
    this.pool = pool;
  }

  /** Inserts the campaign and its labels (in order) on {@code tx}; returns the new id. */
  public Future<Long> insert(SqlClient tx, CreateCampaignRequest c) {
    return tx.preparedQuery("insert into campaigns (name, description, instructions, task_type, overlap, "
            + "max_overlap, gold_rate, accuracy_floor, target_confidence, terms_hash, settings) "
            + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::text::jsonb) returning id")
        .execute(Tuple.from(Arrays.asList(c.name(), c.description(), c.instructions(), c.taskType(),
            c.overlap(), c.maxOverlap(), c.goldRate(), c.accuracyFloor(), c.targetConfidence(), c.termsHash(),
            c.settings().toString())))
        .compose(rows -> {
          long id = rows.iterator().next().getLong("id");
          return tx.preparedQuery("insert into campaign_labels (campaign_id, position, label) "
                  + "select $1, (t.ord - 1)::smallint, t.label from unnest($2::text[]) with ordinality as t(label, ord)")
              .execute(Tuple.tuple().addLong(id).addArrayOfString(c.labels().toArray(String[]::new)))
              .map(v -> id);
        });
  }

  /** Links the validation campaign {@code validationId} to the upload campaign it validates, on {@code tx}. */
  public Future<Void> linkValidation(SqlClient tx, long validationId, long uploadCampaignId) {
    return tx.preparedQuery("update campaigns set validates_campaign = $2 where id = $1")
        .execute(Tuple.of(validationId, uploadCampaignId)).mapEmpty();
  }

  public Future<Optional<Campaign>> find(long id) {
    return find(pool, id);
  }

  public Future<Optional<Campaign>> find(SqlClient client, long id) {
    return client.preparedQuery(SELECT + "where c.id = $1").execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toCampaign(rows.iterator().next())));
  }

  /** Campaigns in id order after {@code afterId} (keyset pagination). */
  public Future<List<Campaign>> list(long afterId, int limit) {
    return pool.preparedQuery(SELECT + "where c.id > $1 order by c.id limit $2").execute(Tuple.of(afterId, limit))
        .map(rows -> {
          List<Campaign> out = new ArrayList<>();
          rows.forEach(row -> out.add(toCampaign(row)));
          return out;
        });
  }

  private static Campaign toCampaign(Row row) {
    return new Campaign(row.getLong("id"), row.getString("name"), row.getString("description"),
        row.getString("instructions"), row.getString("task_type"), List.of(row.getArrayOfStrings("labels")),
        row.getInteger("overlap"), row.getInteger("max_overlap"), row.getDouble("gold_rate"),
        row.getDouble("accuracy_floor"), row.getDouble("target_confidence"), row.getString("terms_hash"),
        CanonicalJson.read(row.getString("settings")),
        row.getLong("item_count"), row.getLong("gold_count"), row.getOffsetDateTime("created_at").toInstant(),
        row.getLong("validation_campaign"), row.getLong("validates_campaign"));
  }
}
