package io.labelledger.upload;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * SQL of erasure: which contributions of withdrawn contributors still name a stored file, and the
 * erasure of one of them. Consent comes from {@code consent_state} (the indexed chain), so a
 * revocation sent straight to ConsentRegistry counts exactly like one relayed by the service.
 */
public final class ErasureQueries {
  /**
   * Contributions naming a file (upload campaigns) whose contributor's consent to the terms they were
   * signed under is revoked, not erased yet; in id order.
   */
  private static final String WITHDRAWN = """
      select c.id, c.campaign_id, c.item_id, c.contributor, c.answer, c.answer::jsonb ->> 'file', cs.revoked_at
        from consent_state cs
        join contributions c on c.contributor = cs.contributor and c.terms_hash = cs.terms_hash
        join campaigns k on k.id = c.campaign_id and k.task_type = 'upload'
       where cs.revoked_at is not null
         and not exists (select 1 from erasures e where e.contribution_id = c.id)
       order by c.id
       limit $1""";

  /**
   * Records the erasure and sweeps the contributor's upload of the bytes for that item; then says
   * whether any upload still needs the bytes (one not swept: pending, or signed by someone whose
   * contribution is not erased). The outer select sees the uploads as they were before the update,
   * hence the exclusion of those just swept.
   */
  private static final String ERASE = """
      with erased as (
        insert into erasures (contribution_id, campaign_id, contributor, file, revoked_at, erased_at, blob_deleted)
        values ($1, $2, $3, $4, $5, $6, false)
        on conflict (contribution_id) do nothing
        returning contribution_id),
      swept as (
        update uploads u set swept_at = $6
         where u.file = $4 and u.uploader = $3 and u.item_id = $7 and u.answer = $8 and u.swept_at is null
           and exists (select 1 from erased)
        returning id)
      select (select count(*) from erased) as erased,
             exists (select 1 from uploads u where u.file = $4 and u.swept_at is null
                     and u.id not in (select id from swept)) as needed""";

  private final Pool pool;

  public ErasureQueries(Pool pool) {
    this.pool = pool;
  }

  /** A contribution to erase. */
  public record Withdrawn(long contributionId, long campaignId, long itemId, String contributor, String answer,
      String file, Instant revokedAt) {}

  public Future<List<Withdrawn>> withdrawn(int limit) {
    return pool.preparedQuery(WITHDRAWN).execute(Tuple.of(limit)).map(rows -> {
      List<Withdrawn> out = new ArrayList<>();
      for (Row r : rows) {
        out.add(new Withdrawn(r.getLong(0), r.getLong(1), r.getLong(2), r.getString(3), r.getString(4),
            r.getString(5), r.getOffsetDateTime(6).toInstant()));
      }
      return out;
    });
  }

  /** What erasing one contribution did. */
  public record Erased(boolean recorded, boolean blobDeleted) {}

  /**
   * In one transaction holding the blob's lock (the one uploads and the sweeper of unsigned uploads take):
   * records the erasure, sweeps the upload, and when nothing else needs the bytes runs {@code deleteBlob}
   * before committing; a failed delete rolls everything back, to be tried again next round.
   */
  public Future<Erased> erase(Withdrawn w, Instant now, Supplier<Future<Boolean>> deleteBlob) {
    return pool.withTransaction(tx -> tx.preparedQuery("select pg_advisory_xact_lock(hashtextextended($1, 0))")
        .execute(Tuple.of(w.file()))
        .compose(v -> tx.preparedQuery(ERASE).execute(Tuple.from(new Object[] {w.contributionId(), w.campaignId(),
            w.contributor(), w.file(), UploadQueries.utc(w.revokedAt()), UploadQueries.utc(now), w.itemId(),
            w.answer()})))
        .compose(rows -> {
          Row row = rows.iterator().next();
          boolean recorded = row.getLong("erased") > 0;
          if (!recorded || row.getBoolean("needed")) {
            return Future.succeededFuture(new Erased(recorded, false));
          }
          return deleteBlob.get().compose(deleted -> !deleted ? Future.succeededFuture(new Erased(true, false))
              : tx.preparedQuery("update erasures set blob_deleted = true where contribution_id = $1")
                  .execute(Tuple.of(w.contributionId())).map(new Erased(true, true)));
        }));
  }
}
