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

  /**
   * Records an upload in one statement, and so in one round trip and one implicit transaction: the CTE
   * takes the blob's advisory lock before the row is inserted, and the lock is held until that
   * transaction commits. (Parameters are cast because an {@code insert ... select} does not type them
   * from the target columns.)
   */
  private static final String INSERT = """
      with locked as (select pg_advisory_xact_lock(hashtextextended($1::text, 0)))
      insert into uploads (file, sha256, bytes, media_type, duration_ms, file_name, campaign_id, item_id, uploader,
                           answer, uploaded_at, expires_at)
      select $1::text, $2::text, $3::bigint, $4::text, $5::bigint, $6::text, $7::bigint, $8::bigint, $9::text,
             $10::text, $11::timestamptz, $12::timestamptz
      from locked returning id
      """;

  /**
   * What admitting an upload needs to know, in one round trip: the expiry of the uploader's lease on
   * the item (null without one), and how many uploads the account made since the window opened, with
   * the time of the first of them.
   */
  private static final String ADMISSION = """
      select (select expires_at from leases where item_id = $1 and contributor = $2 and campaign_id = $3) as lease,
             count(*) as recent, min(uploaded_at) as first
      from uploads where uploader = $2 and uploaded_at > $4
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

  /** The account's uploads since the window opened: how many, and the time of the first (null when none). */
  public record Recent(long count, Instant first) {}

  /** What {@link #admission} found: the lease's expiry, if the uploader holds one on the item, and the recent uploads. */
  public record Admission(Optional<Instant> lease, Recent recent) {}

  /** The uploader's lease on the campaign's item, and their uploads since {@code since}. */
  public Future<Admission> admission(long campaignId, long itemId, String uploader, Instant since) {
    return pool.preparedQuery(ADMISSION).execute(Tuple.of(itemId, uploader, campaignId, utc(since))).map(rows -> {
      Row row = rows.iterator().next();
      OffsetDateTime lease = row.getOffsetDateTime("lease");
      OffsetDateTime first = row.getOffsetDateTime("first");
      return new Admission(Optional.ofNullable(lease).map(OffsetDateTime::toInstant),
          new Recent(row.getLong("recent"), first == null ? null : first.toInstant()));
    });
  }

  /** Records an upload under the blob's lock (see {@link #INSERT}); returns its id. */
  public Future<Long> record(NewUpload u) {
    return pool.preparedQuery(INSERT).execute(Tuple.from(new Object[] {u.file(), u.sha256(), u.bytes(), u.mediaType(),
            u.durationMs(), u.fileName(), u.campaignId(), u.itemId(), u.uploader(), u.answer(), utc(u.uploadedAt()),
            utc(u.expiresAt())}))
        .map(rows -> rows.iterator().next().getLong(0));
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
