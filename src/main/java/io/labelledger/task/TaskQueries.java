package io.labelledger.task;

import io.vertx.core.Future;
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
   * The first item (in id order) this contributor may get: of the wanted kind (gold or not), not
   * answered by them, not leased to them already, and (regular items only) with fewer accepted
   * answers plus active leases than the overlap. Locked {@code SKIP LOCKED}, so concurrent
   * allocations take different items instead of waiting.
   */
  private static final String CANDIDATE = """
      select i.id from items i
      where i.campaign_id = $1 and i.is_gold = $2
        and not exists (select 1 from contributions c where c.item_id = i.id and c.contributor = $3)
        and not exists (select 1 from leases l where l.item_id = i.id and l.contributor = $3 and l.expires_at > $4)
        and ($2 or (select count(*) from contributions c where c.item_id = i.id and c.status = 'accepted')
                 + (select count(*) from leases l where l.item_id = i.id and l.expires_at > $4) < $5)
      order by i.id limit 1
      for update of i skip locked
      """;

  /**
   * Leases the locked candidate after counting again: this statement's snapshot is taken after the
   * lock was granted, so it sees every lease committed by whoever held the item before (the
   * candidate query may have judged from an older snapshot).
   */
  private static final String LEASE = """
      insert into leases (campaign_id, item_id, contributor, leased_at, expires_at)
      select $1, $2, $3, $4, $5
      where $6 or (select count(*) from contributions c where c.item_id = $2 and c.status = 'accepted')
                + (select count(*) from leases l where l.item_id = $2 and l.expires_at > $4 and l.contributor <> $3) < $7
      on conflict (item_id, contributor) do update
        set leased_at = excluded.leased_at, expires_at = excluded.expires_at, campaign_id = excluded.campaign_id
      returning id, expires_at
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
  public Future<Optional<Lease>> lease(SqlClient tx, long campaignId, String contributor, boolean gold, int overlap,
      Instant now, Instant expiresAt) {
    // Each lost race costs one more scan; concurrent clients lose several in a row when they all
    // pick the first free item, and giving up then answered NO_TASK_AVAILABLE with items still free.
    return lease(tx, campaignId, contributor, gold, overlap, now, expiresAt, LEASE_ATTEMPTS);
  }

  private Future<Optional<Lease>> lease(SqlClient tx, long campaignId, String contributor, boolean gold, int overlap,
      Instant now, Instant expiresAt, int attempts) {
    return tx.preparedQuery(CANDIDATE).execute(Tuple.of(campaignId, gold, contributor, utc(now), overlap))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.<Lease>empty());
          }
          long itemId = rows.iterator().next().getLong("id");
          return tx.preparedQuery(LEASE)
              .execute(Tuple.from(new Object[] {campaignId, itemId, contributor, utc(now), utc(expiresAt), gold,
                  overlap}))
              .compose(leased -> {
                if (leased.size() == 0) {
                  // filled by someone else since the candidate's snapshot: the next scan (a newer
                  // snapshot) no longer picks it
                  return attempts > 1 ? lease(tx, campaignId, contributor, gold, overlap, now, expiresAt, attempts - 1)
                      : Future.succeededFuture(Optional.<Lease>empty());
                }
                Row lease = leased.iterator().next();
                return tx.preparedQuery("select payload::text as payload from items where id = $1")
                    .execute(Tuple.of(itemId))
                    .map(item -> Optional.of(new Lease(lease.getLong("id"), itemId,
                        lease.getOffsetDateTime("expires_at").toInstant(),
                        item.iterator().next().getString("payload"))));
              });
        });
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
