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

/** SQL of contributions. */
public final class ContributionQueries {
  /**
   * The whole acceptance in one statement (one round trip, one implicit transaction): every check
   * that needs the database is computed from one snapshot, and only when all pass is the
   * contribution inserted and its lease deleted. The result row says which check failed.
   */
  private static final String ACCEPT = """
      with camp as (
        select c.terms_hash,
               exists (select 1 from campaign_labels l where l.campaign_id = c.id and l.label = $4) as label_ok
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
        insert into contributions (campaign_id, item_id, contributor, answer, terms_hash, submitted_at, signature, digest)
        select $1, $2, $3, $4, $5, $6, $7, $8 from ok
        on conflict do nothing returning id, status),
      del as (delete from leases where id = (select id from lease) and exists (select 1 from ins))
      select (select id from ins) as new_id, (select status from ins) as new_status,
             (select id from same) as same_id, (select status from same) as same_status,
             (select id from prior) as prior_id,
             (select terms_hash from camp) as campaign_terms, (select label_ok from camp) as label_ok,
             exists (select 1 from consent) as consent_ok,
             (select expires_at from lease) as lease_expires_at
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

  public Future<Outcome> accept(long campaignId, long itemId, String contributor, String answer, String termsHash,
      long submittedAt, byte[] signature, byte[] digest, Instant now) {
    return pool.preparedQuery(ACCEPT)
        .execute(Tuple.from(new Object[] {campaignId, itemId, contributor, answer, termsHash, submittedAt,
            Buffer.buffer(signature), Buffer.buffer(digest), now.atOffset(ZoneOffset.UTC)}))
        .map(rows -> {
          Row r = rows.iterator().next();
          OffsetDateTime lease = r.getOffsetDateTime("lease_expires_at");
          return new Outcome(r.getLong("new_id"), r.getString("new_status"), r.getLong("same_id"),
              r.getString("same_status"), r.getLong("prior_id"), r.getString("campaign_terms"),
              r.getBoolean("label_ok"), r.getBoolean("consent_ok"), lease == null ? null : lease.toInstant());
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
