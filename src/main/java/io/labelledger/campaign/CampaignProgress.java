package io.labelledger.campaign;

import io.labelledger.auth.Guards;
import io.labelledger.http.ApiModule;
import io.labelledger.http.JsonCodec;
import io.labelledger.http.Params;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/campaigns/{id}/progress} (operator): a campaign's live figures for the console —
 * items open and decided, answers per minute and active contributors over a recent window, the
 * estimated time to completion at that pace, the decided items' label distribution, and a time
 * series of answers, decisions, agreement and confidence in equal buckets. Read from what the
 * service stores (the aggregation worker's labels), so it is as fresh as the worker's last round.
 */
public final class CampaignProgress implements ApiModule {
  /** Pace and active contributors are measured over this many seconds. */
  static final int WINDOW_SECONDS = 300;

  private final CampaignService campaigns;
  private final Pool pool;
  private final JsonCodec json;

  public CampaignProgress(CampaignService campaigns, Pool pool, JsonCodec json) {
    this.campaigns = campaigns;
    this.pool = pool;
    this.json = json;
  }

  /**
   * @param answersPerMinute answers stored per minute over the last {@link #WINDOW_SECONDS}
   * @param activeContributors contributors who answered in that window
   * @param remainingAnswers answers the undecided items still want (at least one each)
   * @param etaSeconds remainingAnswers at the current pace; null when nobody is answering
   */
  public record Progress(long campaignId, long items, long gold, long open, long decided, long answers,
      double answersPerMinute, long activeContributors, long remainingAnswers, Long etaSeconds,
      Map<String, Long> labels, int bucketSeconds, List<Bucket> series, String at) {}

  /**
   * One time bucket, starting at {@code start}: answers stored, non-gold items decided, the share of
   * judged answers stored in it that agree with their item's label (null if none was judged), and
   * the mean confidence of the items decided in it (null if none was).
   */
  public record Bucket(String start, long answers, long decided, Double agreement, Double meanConfidence) {}

  @Override
  public void mount(Router router) {
    router.get("/api/campaigns/:id/progress").handler(Guards.requireOperator()).handler(ctx -> {
      long id = Params.pathId(ctx, "id");
      int bucketSeconds = (int) Params.query(ctx, "bucketSeconds", 60, 5, 86_400);
      int buckets = (int) Params.query(ctx, "buckets", 30, 1, 240);
      json.reply(ctx, 200, campaigns.get(id).compose(c -> progress(id, bucketSeconds, buckets)));
    });
  }

  private Future<Progress> progress(long id, int bucketSeconds, int buckets) {
    Future<Row> counts = pool.preparedQuery("""
            select count(*) filter (where not is_gold) as items,
                   count(*) filter (where is_gold) as gold,
                   count(*) filter (where not is_gold and decided_at is null) as open,
                   count(*) filter (where not is_gold and decided_at is not null) as decided,
                   coalesce(sum(greatest(answers_wanted - answers, 1))
                            filter (where not is_gold and decided_at is null), 0) as remaining,
                   now() as at
              from items where campaign_id = $1""").execute(Tuple.of(id)).map(rows -> rows.iterator().next());
    Future<Row> pace = pool.preparedQuery("""
            select (select count(*) from contributions where campaign_id = $1) as answers,
                   count(*) as recent, count(distinct contributor) as active
              from contributions
             where campaign_id = $1 and created_at > now() - make_interval(secs => $2)""")
        .execute(Tuple.of(id, WINDOW_SECONDS)).map(rows -> rows.iterator().next());
    Future<Map<String, Long>> labels = pool.preparedQuery("""
            select label, count(*) from items
             where campaign_id = $1 and not is_gold and decided_at is not null
             group by label order by count(*) desc, label limit 64""").execute(Tuple.of(id)).map(rows -> {
              Map<String, Long> out = new LinkedHashMap<>();
              rows.forEach(r -> out.put(r.getString(0), r.getLong(1)));
              return out;
            });
    // buckets end at now, aligned to multiples of bucketSeconds since the epoch
    String bucketOf = "floor(extract(epoch from %s) / $2)::bigint";
    Future<List<Bucket>> series = pool.preparedQuery("""
            with slots as (
              select generate_series(floor(extract(epoch from now()) / $2)::bigint - $3 + 1,
                                     floor(extract(epoch from now()) / $2)::bigint) as slot),
            answered as (
              select %s as slot, count(*) as answers,
                     count(*) filter (where status = 'accepted') as agreeing,
                     count(*) filter (where status in ('accepted', 'rejected')) as judged
                from contributions
               where campaign_id = $1 and created_at >= to_timestamp((floor(extract(epoch from now()) / $2) - $3 + 1) * $2)
               group by 1),
            decided as (
              select %s as slot, count(*) as decided, avg(confidence) as confidence
                from items
               where campaign_id = $1 and not is_gold
                 and decided_at >= to_timestamp((floor(extract(epoch from now()) / $2) - $3 + 1) * $2)
               group by 1)
            select s.slot * $2 as start, coalesce(a.answers, 0), coalesce(d.decided, 0),
                   case when a.judged > 0 then a.agreeing::float8 / a.judged end, d.confidence
              from slots s left join answered a on a.slot = s.slot left join decided d on d.slot = s.slot
             order by s.slot""".formatted(bucketOf.formatted("created_at"), bucketOf.formatted("decided_at")))
        .execute(Tuple.of(id, bucketSeconds, buckets)).map(rows -> {
          List<Bucket> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Bucket(java.time.Instant.ofEpochSecond(r.getLong(0)).toString(), r.getLong(1),
              r.getLong(2), r.getDouble(3), r.getDouble(4))));
          return out;
        });
    return Future.all(counts, pace, labels, series).map(all -> {
      Row c = counts.result();
      Row p = pace.result();
      double perMinute = p.getLong("recent") * 60.0 / WINDOW_SECONDS;
      long remaining = c.getLong("remaining");
      Long eta = perMinute > 0 ? Math.round(remaining * 60.0 / perMinute) : null;
      return new Progress(id, c.getLong("items"), c.getLong("gold"), c.getLong("open"), c.getLong("decided"),
          p.getLong("answers"), perMinute, p.getLong("active"), remaining, remaining == 0 ? Long.valueOf(0) : eta,
          labels.result(), bucketSeconds, series.result(), c.getOffsetDateTime("at").toInstant().toString());
    });
  }
}
