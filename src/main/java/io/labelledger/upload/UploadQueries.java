package io.labelledger.upload;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SQL of uploads. Writes that decide whether a blob stays (recording an upload, sweeping one) first
 * take a transaction-scoped advisory lock on the blob's id, so the sweeper never deletes bytes that an
 * upload committed in the meantime still needs.
 */
public final class UploadQueries {
  private static final String LOCK = "select pg_advisory_xact_lock(hashtextextended($1, 0))";

  private static final String INSERT = """
      insert into uploads (file, sha256, bytes, media_type, duration_ms, file_name, campaign_id, item_id, uploader,
                           answer, uploaded_at, expires_at)
      values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id
      """;

  /**
   * Marks the expired, unsigned uploads of one blob swept, and says whether any other upload still
   * needs the bytes: one not swept (pending, or signed: a signed upload is never swept). The outer
   * select sees the rows as they were before the update, hence the exclusion of those just swept.
   */
  private static final String SWEEP_FILE = """
      with swept as (
        update uploads u set swept_at = $2
        where u.file = $1 and u.swept_at is null and u.expires_at < $3
          and not exists (select 1 from contributions c
                          where c.item_id = u.item_id and c.contributor = u.uploader and c.answer = u.answer)
        returning id)
      select (select count(*) from swept) as swept,
             exists (select 1 from uploads u where u.file = $1 and u.swept_at is null
                     and u.id not in (select id from swept)) as needed
      """;

  private final Pool pool;

  public UploadQueries(Pool pool) {
    this.pool = pool;
  }

  /** A new upload's row. */
  public record NewUpload(String file, String sha256, long bytes, String mediaType, Long durationMs, String fileName,
      long campaignId, long itemId, String uploader, String answer, Instant uploadedAt, Instant expiresAt) {}

  /** An upload as the submission check sees it. */
  public record Upload(long campaignId, long itemId, String uploader, long bytes, String mediaType, Instant expiresAt,
      boolean swept) {}

  /** When the contributor's lease on the item expires, if they hold one on it for this campaign. */
  public Future<Optional<Instant>> leaseExpiry(long campaignId, long itemId, String contributor) {
    return pool.preparedQuery("select expires_at from leases where item_id = $1 and contributor = $2 and campaign_id = $3")
        .execute(Tuple.of(itemId, contributor, campaignId))
        .map(rows -> rows.size() == 0 ? Optional.<Instant>empty()
            : Optional.of(rows.iterator().next().getOffsetDateTime(0).toInstant()));
  }

  /** The account's uploads since {@code since}: how many, and the time of the first. */
  public record Recent(long count, Instant first) {}

  public Future<Recent> since(String uploader, Instant since) {
    return pool.preparedQuery("select count(*), min(uploaded_at) from uploads where uploader = $1 and uploaded_at > $2")
        .execute(Tuple.of(uploader, utc(since))).map(rows -> {
          Row row = rows.iterator().next();
          OffsetDateTime first = row.getOffsetDateTime(1);
          return new Recent(row.getLong(0), first == null ? null : first.toInstant());
        });
  }

  /** Records an upload under the blob's lock, in its own transaction; returns its id. */
  public Future<Long> record(NewUpload u) {
    return pool.withTransaction(tx -> lock(tx, u.file()).compose(v -> tx.preparedQuery(INSERT).execute(Tuple.from(
            new Object[] {u.file(), u.sha256(), u.bytes(), u.mediaType(), u.durationMs(), u.fileName(), u.campaignId(),
                u.itemId(), u.uploader(), u.answer(), utc(u.uploadedAt()), utc(u.expiresAt())})))
        .map(rows -> rows.iterator().next().getLong(0)));
  }

  /** Every upload of {@code file} by {@code uploader} (any campaign, swept or not), and whether anyone's is live. */
  public record Uploads(List<Upload> mine, boolean anyLive) {}

  public Future<Uploads> ofFile(String file, String uploader) {
    return pool.preparedQuery("""
            select campaign_id, item_id, uploader, bytes, media_type, expires_at, swept_at is not null as swept
            from uploads where file = $1 and (uploader = $2 or swept_at is null)
            """)
        .execute(Tuple.of(file, uploader)).map(rows -> {
          List<Upload> mine = new ArrayList<>();
          boolean anyLive = false;
          for (Row r : rows) {
            Upload u = new Upload(r.getLong(0), r.getLong(1), r.getString(2), r.getLong(3), r.getString(4),
                r.getOffsetDateTime(5).toInstant(), r.getBoolean(6));
            anyLive |= !u.swept();
            if (u.uploader().equals(uploader)) {
              mine.add(u);
            }
          }
          return new Uploads(mine, anyLive);
        });
  }

  /** Distinct blobs with an unswept upload that expired before {@code cutoff}, at most {@code limit}. */
  public Future<List<String>> expiredFiles(Instant cutoff, int limit) {
    return pool.preparedQuery("""
            select distinct file from (
              select file from uploads where swept_at is null and expires_at < $1 order by expires_at limit $2) e
            """)
        .execute(Tuple.of(utc(cutoff), limit)).map(rows -> {
          List<String> files = new ArrayList<>();
          rows.forEach(r -> files.add(r.getString(0)));
          return files;
        });
  }

  /**
   * In one transaction holding the blob's lock: sweeps the blob's expired unsigned uploads, then, when no
   * upload needs the bytes any more, runs {@code deleteBlob} before committing (a failed delete rolls the
   * sweep back, to be tried again). Returns how many uploads were swept and whether the blob was deleted.
   */
  public record Swept(long uploads, boolean blobDeleted) {}

  public Future<Swept> sweep(String file, Instant now, Instant cutoff, java.util.function.Supplier<Future<Void>> deleteBlob) {
    return pool.withTransaction(tx -> lock(tx, file)
        .compose(v -> tx.preparedQuery(SWEEP_FILE).execute(Tuple.of(file, utc(now), utc(cutoff))))
        .compose(rows -> {
          Row row = rows.iterator().next();
          long swept = row.getLong("swept");
          boolean needed = row.getBoolean("needed");
          return needed ? Future.succeededFuture(new Swept(swept, false))
              : deleteBlob.get().map(d -> new Swept(swept, true));
        }));
  }

  private static Future<Void> lock(SqlClient tx, String file) {
    return tx.preparedQuery(LOCK).execute(Tuple.of(file)).mapEmpty();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
