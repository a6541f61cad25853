package io.labelledger.task;

import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** SQL of task allocation: leases on items, and the consent check that gates it. */
public final class TaskQueries {
  /**
   * The first open regular item this contributor may get: not answered by them, not leased to them
   * already, and with fewer answers plus unexpired leases than it wants. Scans the open items
   * index in (available_at, id) order from its start up to {@code now}: closed items are not in
   * it and full ones sit beyond {@code now}, so the cost does not grow with the answered and filled
   * items of the campaign. Locked {@code SKIP LOCKED}, so concurrent allocations take different
   * items instead of waiting.
   *
   * <p>Nobody validates their own upload: a validation item (V19) is never leased to its uploader, and a
   * contribution needs a lease.
   *
   * <p>The per-item checks are scalar subqueries on purpose: written as {@code not exists}, the
   * planner may turn them into anti joins that scan every unexpired lease of the table once per
   * call (seen at 50,000 leases: 200 ms a call), where a lookup per visited item costs microseconds.
   */
  private static final String CANDIDATE_REGULAR = """
      select i.id from items i
      cross join lateral (
        select count(*) as held, count(*) filter (where l.contributor = $2) as mine
        from leases l where l.item_id = i.id and l.expires_at > $3) h
      where i.campaign_id = $1 and i.closed_at is null and not i.is_gold and i.available_at <= $3
        and h.mine = 0 and i.answers + h.held < i.answers_wanted
        and (select count(*) from contributions c where c.item_id = i.id and c.contributor = $2) = 0
        and (i.validates_contribution is null
             or (select u.contributor from contributions u where u.id = i.validates_contribution) <> $2)
      order by i.available_at, i.id limit 1
      for update of i skip locked
      """;

  /**
   * {@link #CANDIDATE_REGULAR} when it found nothing: the same first eligible item, but waiting for
   * its lock instead of skipping it. SKIP LOCKED keeps concurrent allocations apart; yet when every
   * eligible item is locked (the quality worker writing its label, another contributor taking the
   * item's last slot), skipping answered NO_TASK_AVAILABLE for an item that was still open a moment
   * later. Waiting is bounded by the transaction's lock_timeout.
   */
  private static final String CANDIDATE_REGULAR_WAITING = CANDIDATE_REGULAR.replace("for update of i skip locked",
      "for update of i");

  /** The first gold item (in id order) this contributor has neither answered nor holds; gold is exempt from overlap. */
  private static final String CANDIDATE_GOLD = """
      select i.id from items i
      where i.campaign_id = $1 and i.is_gold
        and (select count(*) from contributions c where c.item_id = i.id and c.contributor = $2) = 0
        and (select count(*) from leases l where l.item_id = i.id and l.contributor = $2 and l.expires_at > $3) = 0
      order by i.id limit 1
      for update of i skip locked
      """;

  /**
   * Leases the locked candidate after counting again: this statement's snapshot is taken after the
   * lock was granted, so it sees every lease and answer committed by whoever held the item before
   * (the candidate query may have judged from an older snapshot). When this lease fills the item,
   * the item's available_at moves to the first expiry among its leases, which takes it out of the
   * candidates' range until a slot can free up. Returns the item's payload too.
   */
  private static final String LEASE = """
      with item as (select answers, answers_wanted, payload from items where id = $2),
      held as (
        select count(*) as n, min(expires_at) as first_expiry from leases
        where item_id = $2 and expires_at > $4 and contributor <> $3),
      ins as (
        insert into leases (campaign_id, item_id, contributor, leased_at, expires_at)
        select $1, $2, $3, $4, $5 from item, held
        where $6 or item.answers + held.n < item.answers_wanted
        on conflict (item_id, contributor) do update
          set leased_at = excluded.leased_at, expires_at = excluded.expires_at, campaign_id = excluded.campaign_id
        returning id, expires_at),
      filled as (
        update items set available_at = least(held.first_expiry, $5) from item, held
        where items.id = $2 and not $6 and exists (select 1 from ins)
          and item.answers + held.n + 1 >= item.answers_wanted)
      select ins.id, ins.expires_at, item.payload::text as payload from ins, item
      """;

  private static final int LEASE_ATTEMPTS = 20;

  private final Pool pool;

  public TaskQueries(Pool pool) {
    this.pool = pool;
  }

  /** A lease just taken, with the item it is on. */
  public record Lease(long id, long itemId, Instant expiresAt, String payload) {}

  public Future<Boolean> hasValidConsent(String contributor, String termsHash, Instant now) {
    return pool.preparedQuery("select 1 from consent_state where contributor = $1 and terms_hash = $2 "
            + "and revoked_at is null and expires_at > $3")
        .execute(Tuple.of(contributor, termsHash, utc(now))).map(rows -> rows.size() > 0);
  }

  /** Tries to lease one item of the given kind in {@code tx}; empty when none is available. */
  public Future<Optional<Lease>> lease(SqlClient tx, long campaignId, String contributor, boolean gold,
      Instant now, Instant expiresAt) {
    // Each lost race costs one more scan; concurrent clients lose several in a row when they all
    // pick the first free item, and giving up then answered NO_TASK_AVAILABLE with items still free.
    return lease(tx, campaignId, contributor, gold, now, expiresAt, LEASE_ATTEMPTS);
  }

  private Future<Optional<Lease>> lease(SqlClient tx, long campaignId, String contributor, boolean gold,
      Instant now, Instant expiresAt, int attempts) {
    return tx.preparedQuery(gold ? CANDIDATE_GOLD : CANDIDATE_REGULAR).execute(Tuple.of(campaignId, contributor, utc(now)))
        .compose(rows -> rows.size() > 0 || gold ? Future.succeededFuture(rows)
            : tx.query("set local lock_timeout = '2s'").execute()
                .compose(v -> tx.preparedQuery(CANDIDATE_REGULAR_WAITING)
                    .execute(Tuple.of(campaignId, contributor, utc(now))))
                .recover(err -> Future.failedFuture(err instanceof PgException pg && "55P03".equals(pg.getSqlState())
                    ? new ApiException(ErrorCode.NO_TASK_AVAILABLE, campaignId) : err)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<Lease>empty());
          }
          long itemId = rows.iterator().next().getLong("id");
          return tx.preparedQuery(LEASE)
              .execute(Tuple.from(new Object[] {campaignId, itemId, contributor, utc(now), utc(expiresAt), gold}))
              .compose(leased -> {
                if (leased.size() == 0) {
                  // filled by someone else since the candidate's snapshot: the next scan (a newer
                  // snapshot) no longer picks it
                  return attempts > 1 ? lease(tx, campaignId, contributor, gold, now, expiresAt, attempts - 1)
                      : Future.succeededFuture(Optional.<Lease>empty());
                }
                Row lease = leased.iterator().next();
                return Future.succeededFuture(Optional.of(new Lease(lease.getLong("id"), itemId,
                    lease.getOffsetDateTime("expires_at").toInstant(), lease.getString("payload"))));
              });
        });
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
