package io.labelledger.contribution;

import io.labelledger.chain.Hex;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL of contributions. */
public final class ContributionQueries {
  /**
   * The whole acceptance in one statement (one round trip, one implicit transaction): every check
   * that needs the database is computed from one snapshot, and only when all pass is the
   * contribution inserted, its lease deleted and the item's answers counted (which closes the item
   * when they reach answers_wanted, see V4). The result row says which check failed.
   */
  private static final String ACCEPT = """
      with camp as (
        select c.terms_hash, -- a typed answer's validity was checked by its type before this statement
               c.task_type <> 'single_choice'
                 or exists (select 1 from campaign_labels l where l.campaign_id = c.id and l.label = $4) as label_ok
        from campaigns c where c.id = $1),
      same as (select id, status from contributions where digest = $8),
      prior as (select id from contributions where item_id = $2 and contributor = $3),
      lease as (select id, expires_at from leases where item_id = $2 and contributor = $3 and campaign_id = $1),
      consent as (
        select 1 from consent_state s join camp on s.terms_hash = camp.terms_hash
        where s.contributor = $3 and s.revoked_at is null and s.expires_at > $9),
      ok as (
        select 1 where exists (select 1 from camp where camp.terms_hash = $5 and camp.label_ok)
          and not exists (select 1 from same) and not exists (select 1 from prior)
          and exists (select 1 from consent) and exists (select 1 from lease where expires_at > $9)),
      ins as (
        insert into contributions (campaign_id, item_id, contributor, answer, terms_hash, submitted_at, signature, digest,
                                   answer_key)
        select $1, $2, $3, $4, $5, $6, $7, $8, $10 from ok
        on conflict do nothing returning id, status),
      del as (delete from leases where id = (select id from lease) and exists (select 1 from ins)),
      counted as (update items set answers = answers + 1 where id = $2 and exists (select 1 from ins))
      select (select id from ins) as new_id, (select status from ins) as new_status,
             (select id from same) as same_id, (select status from same) as same_status,
             (select id from prior) as prior_id,
             (select terms_hash from camp) as campaign_terms, (select label_ok from camp) as label_ok,
             exists (select 1 from consent) as consent_ok,
             (select expires_at from lease) as lease_expires_at
      """;

  /**
   * {@link #ACCEPT} for many contributions at once: the same checks, made per input row from one
   * snapshot, and the inserts, lease deletions and answer counts of the rows that pass, in one
   * statement (one transaction, one WAL flush for the whole batch). Rows are judged independently;
   * the caller puts at most one row per (item, contributor) in a batch, so no row of a batch can
   * decide another's fate. {@code on conflict do nothing} covers a concurrent batch or request
   * inserting the same digest or answering the same item first (the row then comes back neither
   * inserted nor refused, and is tried again).
   */
  private static final String ACCEPT_BATCH = """
      with input as (
        select * from unnest($1::int[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[],
                             $8::bytea[], $9::bytea[], $11::text[])
          as t(ord, campaign_id, item_id, contributor, answer, terms_hash, submitted_at, signature, digest, answer_key)),
      checked as (
        select t.*, camp.terms_hash as campaign_terms, camp.label_ok,
               same.id as same_id, same.status as same_status, prior.id as prior_id,
               lease.expires_at as lease_expires_at,
               exists (select 1 from consent_state s where s.contributor = t.contributor
                       and s.terms_hash = camp.terms_hash and s.revoked_at is null and s.expires_at > $10) as consent_ok
        from input t
        left join lateral (
          select c.terms_hash, -- a typed answer's validity was checked by its type before this statement
                 c.task_type <> 'single_choice'
                   or exists (select 1 from campaign_labels l where l.campaign_id = c.id and l.label = t.answer) as label_ok
          from campaigns c where c.id = t.campaign_id) camp on true
        left join lateral (select id, status from contributions where digest = t.digest) same on true
        left join lateral (select id from contributions where item_id = t.item_id and contributor = t.contributor) prior on true
        left join lateral (
          select expires_at from leases
          where item_id = t.item_id and contributor = t.contributor and campaign_id = t.campaign_id) lease on true),
      ok as (
        select * from checked
        where campaign_terms = terms_hash and label_ok and same_id is null and prior_id is null and consent_ok
          and lease_expires_at > $10),
      ins as (
        insert into contributions (campaign_id, item_id, contributor, answer, terms_hash, submitted_at, signature, digest,
                                   answer_key)
        select campaign_id, item_id, contributor, answer, terms_hash, submitted_at, signature, digest, answer_key
        from ok order by ord
        on conflict do nothing returning id, status, digest, item_id, contributor),
      -- the consumed leases, by their key: (item, contributor) is unique, so it names the lease that
      -- was checked; joining ok to ins instead gave a nested loop over both (n² digest comparisons)
      del as (delete from leases l using ins where l.item_id = ins.item_id and l.contributor = ins.contributor),
      counted as (
        update items set answers = items.answers + n.answers
        from (select item_id, count(*) as answers from ins group by item_id) n where items.id = n.item_id)
      select c.ord, ins.id as new_id, ins.status as new_status, c.same_id, c.same_status, c.prior_id,
             c.campaign_terms, c.label_ok, c.consent_ok, c.lease_expires_at
      from checked c left join ins on ins.digest = c.digest
      """;

  private final Pool pool;

  public ContributionQueries(Pool pool) {
    this.pool = pool;
  }

  /**
   * What the acceptance statement found. {@code newId} set: stored now. Otherwise the first
   * non-null of the other fields, in the order of {@link ContributionService}, says why not.
   */
  public record Outcome(Long newId, String newStatus, Long sameId, String sameStatus, Long priorId,
      String campaignTerms, Boolean labelOk, boolean consentOk, Instant leaseExpiresAt) {}

  public Future<Outcome> accept(Candidate c, Instant now) {
    return pool.preparedQuery(ACCEPT)
        .execute(Tuple.from(new Object[] {c.campaignId(), c.itemId(), c.contributor(), c.answer(), c.termsHash(),
            c.submittedAt(), Buffer.buffer(c.signature()), Buffer.buffer(c.digest()), now.atOffset(ZoneOffset.UTC),
            c.answerKey()}))
        .map(rows -> outcome(rows.iterator().next()));
  }

  /**
   * One contribution to accept, its signature already checked; {@code answerKey} is its match key
   * for gold scoring when that is not the answer itself (see V13), else null.
   */
  public record Candidate(long campaignId, long itemId, String contributor, String answer, String termsHash,
      long submittedAt, byte[] signature, byte[] digest, String answerKey) {}

  /** {@link #accept} for several candidates in one statement; the outcomes are in the candidates' order. */
  public Future<List<Outcome>> acceptBatch(List<Candidate> batch, Instant now) {
    int n = batch.size();
    Integer[] ord = new Integer[n];
    Long[] campaign = new Long[n];
    Long[] item = new Long[n];
    String[] contributor = new String[n];
    String[] answer = new String[n];
    String[] terms = new String[n];
    Long[] submittedAt = new Long[n];
    Buffer[] signature = new Buffer[n];
    Buffer[] digest = new Buffer[n];
    String[] answerKey = new String[n];
    for (int i = 0; i < n; i++) {
      Candidate c = batch.get(i);
      ord[i] = i;
      campaign[i] = c.campaignId();
      item[i] = c.itemId();
      contributor[i] = c.contributor();
      answer[i] = c.answer();
      terms[i] = c.termsHash();
      submittedAt[i] = c.submittedAt();
      signature[i] = Buffer.buffer(c.signature());
      digest[i] = Buffer.buffer(c.digest());
      answerKey[i] = c.answerKey();
    }
    Tuple args = Tuple.tuple().addArrayOfInteger(ord).addArrayOfLong(campaign).addArrayOfLong(item)
        .addArrayOfString(contributor).addArrayOfString(answer).addArrayOfString(terms).addArrayOfLong(submittedAt)
        .addValue(signature).addValue(digest).addValue(now.atOffset(ZoneOffset.UTC)).addArrayOfString(answerKey);
    return pool.preparedQuery(ACCEPT_BATCH).execute(args).map(rows -> {
      Outcome[] out = new Outcome[n];
      for (Row r : rows) {
        out[r.getInteger("ord")] = outcome(r);
      }
      return List.of(out);
    });
  }

  private static Outcome outcome(Row r) {
    OffsetDateTime lease = r.getOffsetDateTime("lease_expires_at");
    return new Outcome(r.getLong("new_id"), r.getString("new_status"), r.getLong("same_id"),
        r.getString("same_status"), r.getLong("prior_id"), r.getString("campaign_terms"),
        r.getBoolean("label_ok"), Boolean.TRUE.equals(r.getBoolean("consent_ok")),
        lease == null ? null : lease.toInstant());
  }

  /** The data of item {@code itemId} of campaign {@code campaignId} as JSON text, or empty when it has no such item. */
  /** What the submission path reads of an item whose answers point into it: its data, and its gold answer if any. */
  public record ItemData(String data, String goldAnswer) {}

  public Future<Optional<ItemData>> itemData(long campaignId, long itemId) {
    return pool.preparedQuery("select payload::text, case when is_gold then gold_answer end from items"
            + " where id = $1 and campaign_id = $2")
        .execute(Tuple.of(itemId, campaignId))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new ItemData(row.getString(0), row.getString(1)));
        });
  }

  public Future<List<String>> labels(long campaignId) {
    return pool.preparedQuery("select label from campaign_labels where campaign_id = $1 order by position")
        .execute(Tuple.of(campaignId)).map(rows -> {
          List<String> out = new ArrayList<>();
          rows.forEach(row -> out.add(row.getString("label")));
          return out;
        });
  }

  /**
   * A stored contribution as its contributor sees it, with where its anchor stands: {@code anchor}
   * is pending (not in a batch yet), batched, sent, mined (waiting for confirmations) or anchored;
   * {@code batchId} is the contract's batch id once mined. The proof is at
   * {@code GET /api/contributions/{id}/proof}.
   */
  public record View(long id, long campaignId, long itemId, String answer, String termsHash, long submittedAt,
      String digest, String status, Instant createdAt, String anchor, Long batchId, String txHash, Long blockNumber) {}

  public Future<List<View>> byContributor(String contributor, long afterId, int limit) {
    return pool.preparedQuery("select c.id, c.campaign_id, c.item_id, c.answer, c.terms_hash, c.submitted_at, c.digest, "
            + "c.status, c.created_at, b.state as batch_state, b.chain_batch_id, b.tx_hash, b.block_number "
            + "from contributions c left join anchor_batches b on b.id = c.batch_id "
            + "where c.contributor = $1 and c.id > $2 order by c.id limit $3")
        .execute(Tuple.of(contributor, afterId, limit)).map(rows -> {
          List<View> out = new ArrayList<>();
          rows.forEach(row -> {
            String batchState = row.getString("batch_state");
            out.add(new View(row.getLong("id"), row.getLong("campaign_id"), row.getLong("item_id"),
                row.getString("answer"), row.getString("terms_hash"), row.getLong("submitted_at"),
                Hex.encode(row.getBuffer("digest").getBytes()), row.getString("status"),
                row.getOffsetDateTime("created_at").toInstant(),
                batchState == null ? "pending" : "built".equals(batchState) ? "batched" : batchState,
                row.getLong("chain_batch_id"), row.getString("tx_hash"), row.getLong("block_number")));
          });
          return out;
        });
  }
}
