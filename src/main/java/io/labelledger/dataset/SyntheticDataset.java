package io.labelledger.dataset;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/**
 * A dataset version of {@code n} synthetic items written straight into the tables (terms, campaign,
 * items, dataset, dataset items with three leaves each), for export benchmarks and tests of the
 * streaming path. Not a real build: no contributions, no chain.
 */
public final class SyntheticDataset {
  private SyntheticDataset() {}

  /** The answer type of a synthetic dataset: single choice, whatever labels its items carry. */
  public static final io.labelledger.answer.CampaignAnswers<?, ?> TYPE =
      new io.labelledger.answer.singlechoice.SingleChoiceType().bind(java.util.List.of("positive", "negative", "neutral"),
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());

  /** Inserts the rows in one transaction; the future gives the dataset id. */
  public static Future<Long> create(Pool pool, long n) {
    return pool.withTransaction(conn -> conn.query("""
            insert into terms (terms_hash, text) values
              ('0x' || encode(sha256(random()::text::bytea), 'hex'), 'synthetic terms') returning terms_hash""")
        .execute()
        .compose(terms -> conn.preparedQuery("""
            insert into campaigns (name, instructions, task_type, overlap, max_overlap, gold_rate, accuracy_floor,
                                   target_confidence, terms_hash, item_count)
            values ('synthetic', 'label it', 'single_choice', 3, 3, 0, 0.5, 0.9, $1, $2) returning id, terms_hash""")
            .execute(Tuple.of(terms.iterator().next().getString(0), n)))
        .compose(campaign -> {
          long campaignId = campaign.iterator().next().getLong(0);
          String terms = campaign.iterator().next().getString(1);
          return conn.preparedQuery("""
              insert into items (campaign_id, external_id, payload, answers_wanted)
              select $1, 'item-' || g, jsonb_build_object('text', 'synthetic review number ' || g || ', fine.',
                                                         'stars', g % 5), 3
                from generate_series(1, $2::bigint) g""").execute(Tuple.of(campaignId, n))
              .compose(v -> conn.preparedQuery("""
                  insert into datasets (campaign_id, version, name, terms_hash, payment_token, price, confidence_bar,
                                        content_root, shares_root, total_shares, item_count, contribution_count,
                                        contributor_count, batch_ids, quality, built_at)
                  values ($1, 1, 'synthetic', $2, '0x' || repeat('11', 20), 1000, 0.9,
                          '0x' || repeat('22', 32), '0x' || repeat('33', 32), $3 * 3, $3, $3 * 3, 1, '{}', '{}', now())
                  returning id""").execute(Tuple.of(campaignId, terms, n)))
              .compose(ds -> {
                long datasetId = ds.iterator().next().getLong(0);
                return conn.preparedQuery("""
                    insert into dataset_items (dataset_id, position, item_id, label, confidence, leaves)
                    select $1, row_number() over (order by i.id) - 1, i.id,
                           case i.id % 3 when 0 then 'positive' when 1 then 'negative' else 'neutral' end,
                           0.9 + (i.id % 10) / 100.0,
                           array[sha256(('a' || i.id)::bytea), sha256(('b' || i.id)::bytea),
                                 sha256(('c' || i.id)::bytea)]
                      from items i where i.campaign_id = $2""").execute(Tuple.of(datasetId, campaignId))
                    .map(datasetId);
              });
        }));
  }
}
