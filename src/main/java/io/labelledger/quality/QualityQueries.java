package io.labelledger.quality;

import io.labelledger.answer.AnswerTypes;
import io.labelledger.answer.CanonicalJson;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL of the aggregation worker and of the quality views (V6). Nothing here runs on the
 * submission path: the worker follows the contributions table behind a cursor ({@link #CLAIM}),
 * so taking an answer in costs no write to it.
 *
 * <p>Coordination between instances: taking answers in is serialised by the cursor row (each
 * answer is taken in exactly once, with the cursor move in the same transaction, so gold counts
 * are exact); item writes carry the number of answers they were computed from and apply only while
 * the item still has that many ({@link #WRITE_ITEMS}), so a re-estimate computed before a newer
 * answer never overwrites the label that answer gave (the answer is taken in after, or was, and
 * relabels the item); re-estimates claim their campaign in {@code campaign_quality.reestimating_since}.
 *
 * <p>Lock order: a statement that updates several items or contributions locks them first, in key
 * order ({@code order by id for no key update}), as the submission path and the anchorer do. Locked
 * in whatever order a join produced, the status update and the anchorer's batch update deadlocked
 * (4 times in a 7-second benchmark run), each time costing both a second and one of them its work.
 */
public final class QualityQueries {
  /**
   * Takes up to $1 new answers in, after the cursor in (txid, id) order and only from transactions
   * older than every running one (so none can still commit behind the cursor); moves the cursor
   * past them; accepts or rejects the answers to gold items against the gold answer; adds them to
   * their contributors' gold records and answer counts and to their campaigns' counters. Returns
   * the touched items. The cursor row is locked {@code SKIP LOCKED}: while one instance holds it,
   * another takes nothing in.
   */
  private static final String CLAIM = """
      with cur as (select txid, last_id from quality_cursor where name = 'aggregation' for update skip locked),
      batch as (
        -- answer and gold as their match keys (V13: the text itself but for normalised free text)
        select c.id, c.txid, c.campaign_id, c.item_id, c.contributor, coalesce(c.answer_key, c.answer) as answer,
               i.is_gold, coalesce(i.gold_key, i.gold_answer) as gold_answer
        from contributions c
        -- each item by its key (limit 1 keeps the lateral from being flattened): as a plain join it
        -- was a hash join over a sequential scan of every item, whose cost grew with the campaign
        cross join lateral (select is_gold, gold_answer, gold_key from items where id = c.item_id limit 1) i
        -- both bounds as index bounds: taken from cur as a join, the lower one was only a filter,
        -- and every round read the index from its first entry (cost growing with the table)
        where (c.txid, c.id) > ((select txid from cur), (select last_id from cur)) -- no row when cur is locked
          and (c.txid, c.id) < (pg_snapshot_xmin(pg_current_snapshot()), 0) -- txid < xmin
        order by c.txid, c.id limit $1),
      moved as (
        update quality_cursor q set txid = b.txid, last_id = b.id
        from (select txid, id from batch order by txid desc, id desc limit 1) b where q.name = 'aggregation'),
      gold_locked as ( -- lock order
        select c.id, case when b.answer = b.gold_answer then 'accepted' else 'rejected' end as status
        from contributions c join batch b on b.id = c.id where b.is_gold order by c.id for no key update of c),
      gold as (update contributions c set status = g.status from gold_locked g where c.id = g.id),
      scored as (
        insert into contributor_quality as q (campaign_id, contributor, answers, gold_seen, gold_correct, updated_at)
        select b.campaign_id, b.contributor, count(*), count(*) filter (where b.is_gold),
               count(*) filter (where b.is_gold and b.answer = b.gold_answer), $2
        from batch b
        group by b.campaign_id, b.contributor
        on conflict (campaign_id, contributor) do update
          set answers = q.answers + excluded.answers, gold_seen = q.gold_seen + excluded.gold_seen,
              gold_correct = q.gold_correct + excluded.gold_correct, updated_at = excluded.updated_at),
      counted as (
        insert into campaign_quality as q (campaign_id, answers_aggregated)
        select campaign_id, count(*) from batch group by campaign_id
        on conflict (campaign_id) do update set answers_aggregated = q.answers_aggregated + excluded.answers_aggregated)
      select count(*) as claimed, coalesce(array_agg(distinct item_id), '{}') as items from batch
      """;

  private static final String ITEMS = """
      select id, campaign_id, is_gold, gold_answer, answers_wanted, decided_at is not null as decided, label, confidence
      from items where id = any($1)
      """;

  /** Every answer of the items, with what is known of its contributor in the item's campaign. */
  private static final String ANSWERS = """
      select c.item_id, c.answer, q.confusion, coalesce(q.gold_seen, 0) as gold_seen,
             coalesce(q.gold_correct, 0) as gold_correct
      from contributions c
      left join contributor_quality q on q.campaign_id = c.campaign_id and q.contributor = c.contributor
      where c.item_id = any($1)
      """;

  /** Every answer of the items of typed campaigns, with its contributor's fitted parameters. */
  private static final String TYPED_ANSWERS = """
      select c.id, c.item_id, c.answer, q.confusion as params
      from contributions c
      left join contributor_quality q on q.campaign_id = c.campaign_id and q.contributor = c.contributor
      where c.item_id = any($1)
      """;

  private static final String CAMPAIGNS = """
      select c.id, c.task_type, c.settings::text as settings, c.overlap, c.max_overlap, c.target_confidence, q.prior,
             q.mean_accuracy,
             array(select l.label from campaign_labels l where l.campaign_id = c.id order by l.position) as labels
      from campaigns c left join campaign_quality q on q.campaign_id = c.id
      where c.id = any($1)
      """;

  /**
   * Writes labels and overlap decisions, each only while the item has exactly the answers it was
   * computed from (a gold item's label, its gold answer, is always current). RAISE asks for one
   * answer more than the item has now (at most max_overlap); DECIDE stops buying: answers_wanted drops to the answers it has, which closes it (V4's
   * trigger), and decided_at is set. A decided or gold item's answers_wanted is left alone.
   */
  private static final String WRITE_ITEMS = """
      with writes as ( -- lock order
        select w.* from items i
        join unnest($2::bigint[], $3::int[], $4::text[], $5::float8[], $6::text[], $7::int[])
          as w(id, answers, label, confidence, action, max_overlap) on w.id = i.id
        order by i.id for no key update of i)
      update items i set label = t.label, confidence = t.confidence,
        answers_wanted = case
          when i.decided_at is not null or i.is_gold then i.answers_wanted
          when t.action = 'RAISE' then greatest(i.answers_wanted, least(t.max_overlap, i.answers + 1))
          when t.action = 'DECIDE' then least(i.answers_wanted, greatest(i.answers, 1))
          else i.answers_wanted end,
        decided_at = case when t.action = 'DECIDE' then coalesce(i.decided_at, $1) else i.decided_at end
      from writes t
      where i.id = t.id and (i.answers = t.answers or i.is_gold)
      """;

  /**
   * Accepted or rejected against the item's label, for every answer of the decided single-choice
   * items among $1 (a typed answer agrees by its type's rule, decided in Java: {@link #WRITE_STATUSES}).
   */
  private static final String DECIDE_STATUSES = """
      with d as (
        select c2.id, case when c2.answer = i.label then 'accepted' else 'rejected' end as status
        from items i join contributions c2 on c2.item_id = i.id
        where i.id = any($1) and i.decided_at is not null and i.label is not null
          and (select task_type from campaigns where id = i.campaign_id) = 'single_choice'),
      locked as ( -- lock order
        select c.id, d.status from contributions c join d on d.id = c.id where c.status <> d.status
        order by c.id for no key update of c)
      update contributions c set status = l.status from locked l where c.id = l.id
      """;

  /**
   * Statuses of typed answers, each applied only while its item is decided and still has the answers
   * the status was computed from. An upload under peer validation (it has a validation item, V19) is
   * accepted only once its validation decided it valid, rejected once decided invalid, pending before:
   * the validation's decision, not the collection type's, is its status.
   */
  private static final String WRITE_STATUSES = """
      with s as (select * from unnest($1::bigint[], $2::bigint[], $3::int[], $4::text[]) as s(id, item_id, answers, status)),
      d as (
        select s.id, s.item_id, s.answers, case when v.id is null then s.status
                                              when v.validation = 'valid' then 'accepted'
                                              when v.validation = 'invalid' then 'rejected'
                                              else 'pending' end as status
          from s left join items v on v.validates_contribution = s.id),
      locked as ( -- lock order
        select c.id, d.status from contributions c
        join d on d.id = c.id
        join items i on i.id = d.item_id and i.answers = d.answers and i.decided_at is not null
        where c.status <> d.status
        order by c.id for no key update of c)
      update contributions c set status = l.status from locked l where c.id = l.id
      """;

  private static final String CLAIM_DUE_CAMPAIGN = """
      update campaign_quality q set reestimating_since = $1
      where q.campaign_id = (
        select campaign_id from campaign_quality
        where answers_aggregated > estimated_answers
          and (estimated_at is null or estimated_at <= $2)
          and (reestimating_since is null or reestimating_since <= $3)
        order by estimated_at nulls first, campaign_id limit 1
        for update skip locked)
      returning q.campaign_id
      """;

  private static final String CLAIM_CAMPAIGN = """
      insert into campaign_quality as q (campaign_id, reestimating_since) select id, $2 from campaigns where id = $1
      on conflict (campaign_id) do update set reestimating_since = excluded.reestimating_since
      returning q.campaign_id
      """;

  private static final String WRITE_CONTRIBUTORS = """
      insert into contributor_quality as q (campaign_id, contributor, confusion, estimated_accuracy, estimated_at, updated_at)
      select $1, t.contributor, t.confusion::float8[], t.accuracy, $2, $2
      from unnest($3::text[], $4::text[], $5::float8[]) as t(contributor, confusion, accuracy)
      on conflict (campaign_id, contributor) do update
        set confusion = excluded.confusion, estimated_accuracy = excluded.estimated_accuracy,
            estimated_at = excluded.estimated_at, updated_at = excluded.updated_at
      """;

  private static final String WRITE_CAMPAIGN_MODEL = """
      update campaign_quality set prior = $2, mean_accuracy = $3, estimated_answers = $4, iterations = $5,
        converged = $6, estimated_at = $7, reestimating_since = null
      where campaign_id = $1
      """;

  private final Pool pool;

  public QualityQueries(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** Answers taken in by one {@link #claim}, and the items they touched. */
  public record Claimed(int count, long[] items) {}

  public Future<Claimed> claim(SqlClient tx, int limit, Instant now) {
    return tx.preparedQuery(CLAIM).execute(Tuple.of(limit, utc(now))).map(rows -> {
      Row row = rows.iterator().next();
      Long[] items = row.getArrayOfLongs("items");
      return new Claimed(row.getInteger("claimed"), Arrays.stream(items).mapToLong(Long::longValue).toArray());
    });
  }

  /** An item as the worker labels it; {@code label}/{@code confidence} as stored (null before any). */
  public record ItemState(long id, long campaignId, boolean gold, String goldAnswer, int answersWanted,
      boolean decided, String label, Double confidence) {}

  public Future<List<ItemState>> items(SqlClient client, long[] ids) {
    return client.preparedQuery(ITEMS).execute(Tuple.of(boxed(ids))).map(rows -> {
      List<ItemState> out = new ArrayList<>();
      rows.forEach(r -> out.add(new ItemState(r.getLong("id"), r.getLong("campaign_id"), r.getBoolean("is_gold"),
          r.getString("gold_answer"), r.getInteger("answers_wanted"), r.getBoolean("decided"), r.getString("label"),
          r.getDouble("confidence"))));
      return out;
    });
  }

  /** Every answer of the items, by item id. */
  public Future<Map<Long, List<CampaignModel.Answer>>> answers(SqlClient client, long[] ids) {
    return client.preparedQuery(ANSWERS).execute(Tuple.of(boxed(ids))).map(rows -> {
      Map<Long, List<CampaignModel.Answer>> out = new HashMap<>();
      rows.forEach(r -> {
        Double[] confusion = r.getArrayOfDoubles("confusion");
        out.computeIfAbsent(r.getLong("item_id"), id -> new ArrayList<>()).add(new CampaignModel.Answer(
            r.getString("answer"), confusion == null ? null : unboxed(confusion),
            new GoldScore(r.getInteger("gold_seen"), r.getInteger("gold_correct"))));
      });
      return out;
    });
  }

  /** The campaigns' models by id: single-choice ones in {@code choice}, every other type in {@code typed}. */
  public record Models(Map<Long, CampaignModel> choice, Map<Long, TypedCampaign> typed) {}

  /** The models of the campaigns; {@code defaultAccuracy} before a single-choice campaign's first re-estimate. */
  public Future<Models> models(SqlClient client, long[] campaignIds, double defaultAccuracy) {
    return client.preparedQuery(CAMPAIGNS).execute(Tuple.of(boxed(campaignIds))).map(rows -> {
      Map<Long, CampaignModel> choice = new HashMap<>();
      Map<Long, TypedCampaign> typed = new HashMap<>();
      rows.forEach(r -> {
        OverlapPolicy policy = new OverlapPolicy(r.getInteger("overlap"), r.getInteger("max_overlap"),
            r.getDouble("target_confidence"));
        List<String> labels = List.of(r.getArrayOfStrings("labels"));
        String type = r.getString("task_type");
        if (!AnswerTypes.SINGLE_CHOICE.equals(type)) {
          typed.put(r.getLong("id"), new TypedCampaign(
              AnswerTypes.of(type).bind(labels, CanonicalJson.read(r.getString("settings"))), policy));
          return;
        }
        Double[] prior = r.getArrayOfDoubles("prior");
        Double mean = r.getDouble("mean_accuracy");
        choice.put(r.getLong("id"), new CampaignModel(labels, prior == null ? null : unboxed(prior),
            mean == null || !(mean > 0 && mean < 1) ? defaultAccuracy : mean, policy));
      });
      return new Models(choice, typed);
    });
  }

  /** An answer of a typed campaign with its contributor's fitted parameters (null before any fit). */
  public record TypedAnswer(long id, String answer, double[] params) {}

  /** Every answer of the items, by item id. */
  public Future<Map<Long, List<TypedAnswer>>> typedAnswers(SqlClient client, long[] ids) {
    return client.preparedQuery(TYPED_ANSWERS).execute(Tuple.of(boxed(ids))).map(rows -> {
      Map<Long, List<TypedAnswer>> out = new HashMap<>();
      rows.forEach(r -> {
        Double[] params = r.getArrayOfDoubles("params");
        out.computeIfAbsent(r.getLong("item_id"), id -> new ArrayList<>()).add(new TypedAnswer(r.getLong("id"),
            r.getString("answer"), params == null ? null : unboxed(params)));
      });
      return out;
    });
  }

  /** A typed answer's status, computed from its item's {@code answers} answers. */
  public record StatusWrite(long contribution, long item, int answers, boolean accepted) {}

  /**
   * One item's new label and what to do with it; {@code answers} is what it was computed from
   * (ignored for gold items, whose label does not depend on their answers).
   */
  public record ItemWrite(long id, int answers, String label, double confidence, CampaignModel.Action action,
      int maxOverlap) {}

  /**
   * Applies the writes that are still current (see {@link #WRITE_ITEMS}), then the statuses of decided
   * items: by label equality for single-choice items, as given in {@code statuses} for typed ones.
   */
  public Future<Void> writeItems(SqlClient client, List<ItemWrite> writes, List<StatusWrite> statuses,
      Instant now) {
    if (writes.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = writes.size();
    Long[] ids = new Long[n];
    Integer[] answers = new Integer[n];
    String[] labels = new String[n];
    Double[] confidences = new Double[n];
    String[] actions = new String[n];
    Integer[] maxOverlaps = new Integer[n];
    for (int i = 0; i < n; i++) {
      ItemWrite w = writes.get(i);
      ids[i] = w.id();
      answers[i] = w.answers();
      labels[i] = w.label();
      confidences[i] = w.confidence();
      actions[i] = w.action().name();
      maxOverlaps[i] = w.maxOverlap();
    }
    return client.preparedQuery(WRITE_ITEMS)
        .execute(Tuple.from(new Object[] {utc(now), ids, answers, labels, confidences, actions, maxOverlaps}))
        .compose(v -> client.preparedQuery(DECIDE_STATUSES).execute(Tuple.of(ids)))
        .compose(v -> writeStatuses(client, statuses));
  }

  /** Applies typed answers' statuses that are still current (see {@link #WRITE_STATUSES}). */
  public Future<Void> writeStatuses(SqlClient client, List<StatusWrite> statuses) {
    if (statuses.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = statuses.size();
    Long[] ids = new Long[n];
    Long[] items = new Long[n];
    Integer[] answers = new Integer[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      StatusWrite w = statuses.get(i);
      ids[i] = w.contribution();
      items[i] = w.item();
      answers[i] = w.answers();
      values[i] = w.accepted() ? "accepted" : "rejected";
    }
    return client.preparedQuery(WRITE_STATUSES).execute(Tuple.of(ids, items, answers, values)).mapEmpty();
  }

  /** Claims the campaign most overdue for a re-estimate, if any is due. */
  public Future<Optional<Long>> claimDueCampaign(Instant now, Instant estimatedBefore, Instant abandonedBefore) {
    return pool.preparedQuery(CLAIM_DUE_CAMPAIGN)
        .execute(Tuple.of(utc(now), utc(estimatedBefore), utc(abandonedBefore)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("campaign_id")));
  }

  /** Claims {@code campaignId} for a re-estimate now, due or not; empty when there is no such campaign. */
  public Future<Optional<Long>> claimCampaign(long campaignId, Instant now) {
    return pool.preparedQuery(CLAIM_CAMPAIGN).execute(Tuple.of(campaignId, utc(now)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("campaign_id")));
  }

  /**
   * What a re-estimate reads first about its campaign: its model (single choice) or its bound type
   * (the others; {@code model} is then null), and its gold answers.
   */
  public record CampaignInput(CampaignModel model, TypedCampaign typed, Map<Long, String> gold) {}

  public Future<CampaignInput> campaignInput(long campaignId, double defaultAccuracy) {
    return models(pool, new long[] {campaignId}, defaultAccuracy).compose(models -> pool
        .preparedQuery("select id, gold_answer from items where campaign_id = $1 and is_gold")
        .execute(Tuple.of(campaignId)).map(rows -> {
          Map<Long, String> gold = new HashMap<>();
          rows.forEach(r -> gold.put(r.getLong("id"), r.getString("gold_answer")));
          return new CampaignInput(models.choice().get(campaignId), models.typed().get(campaignId), gold);
        }));
  }

  /** One stored answer as a re-estimate reads it. */
  public record StoredAnswer(long id, long itemId, String contributor, String answer) {}

  /**
   * Reads every answer of the campaign committed so far, in id order, in pages of {@code page};
   * completes with the highest id read (0 for none).
   */
  public Future<Long> readAnswers(long campaignId, java.util.function.Consumer<StoredAnswer> into, int page) {
    return readAnswers(campaignId, into, page, 0);
  }

  private Future<Long> readAnswers(long campaignId, java.util.function.Consumer<StoredAnswer> into, int page,
      long afterId) {
    return pool.preparedQuery("select id, item_id, contributor, answer from contributions "
            + "where campaign_id = $1 and id > $2 order by id limit $3")
        .execute(Tuple.of(campaignId, afterId, page)).compose(rows -> {
          long last = afterId;
          for (Row r : rows) {
            into.accept(new StoredAnswer(r.getLong("id"), r.getLong("item_id"), r.getString("contributor"),
                r.getString("answer")));
            last = r.getLong("id");
          }
          return rows.size() < page ? Future.succeededFuture(last) : readAnswers(campaignId, into, page, last);
        });
  }

  /** Answers wanted and decided state of the campaign's items that have answers, by id. */
  public Future<Map<Long, ItemState>> answeredItems(long campaignId) {
    return pool.preparedQuery("select id, campaign_id, is_gold, gold_answer, answers_wanted, "
            + "decided_at is not null as decided, label, confidence from items where campaign_id = $1 and answers > 0")
        .execute(Tuple.of(campaignId)).map(rows -> {
          Map<Long, ItemState> out = new HashMap<>();
          rows.forEach(r -> out.put(r.getLong("id"), new ItemState(r.getLong("id"), campaignId, r.getBoolean("is_gold"),
              r.getString("gold_answer"), r.getInteger("answers_wanted"), r.getBoolean("decided"),
              r.getString("label"), r.getDouble("confidence"))));
          return out;
        });
  }

  /** Stores a re-estimate's model: every contributor's confusion matrix and accuracy, the campaign's priors. */
  public Future<Void> writeModel(long campaignId, Reestimate.Result result, Instant now) {
    int n = result.contributors().size();
    String[] contributors = new String[n];
    String[] confusions = new String[n];
    Double[] accuracies = new Double[n];
    for (int i = 0; i < n; i++) {
      Reestimate.ContributorEstimate c = result.contributors().get(i);
      contributors[i] = c.contributor();
      confusions[i] = arrayLiteral(c.confusion());
      accuracies[i] = c.accuracy();
    }
    Double[] prior = Arrays.stream(result.prior()).boxed().toArray(Double[]::new);
    return pool.withTransaction(tx -> tx.preparedQuery(WRITE_CONTRIBUTORS)
            .execute(Tuple.of(campaignId, utc(now), contributors, confusions, accuracies))
            .compose(v -> tx.preparedQuery(WRITE_CAMPAIGN_MODEL).execute(Tuple.from(new Object[] {campaignId, prior,
                Double.isNaN(result.meanAccuracy()) ? null : result.meanAccuracy(), (long) result.answerCount(),
                result.iterations(), result.converged(), utc(now)}))))
        .mapEmpty();
  }

  /** Gives up a claim (the re-estimate failed), so the campaign can be retried. */
  public Future<Void> releaseCampaign(long campaignId) {
    return pool.preparedQuery("update campaign_quality set reestimating_since = null where campaign_id = $1")
        .execute(Tuple.of(campaignId)).mapEmpty();
  }

  private static String arrayLiteral(double[] values) {
    StringBuilder s = new StringBuilder("{");
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "" : ",").append(values[i]); // Double.toString round-trips exactly
    }
    return s.append('}').toString();
  }

  private static Long[] boxed(long[] values) {
    return Arrays.stream(values).boxed().toArray(Long[]::new);
  }

  private static double[] unboxed(Double[] values) {
    return Arrays.stream(values).mapToDouble(Double::doubleValue).toArray();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
