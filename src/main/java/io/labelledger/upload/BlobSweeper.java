package io.labelledger.upload;

import io.labelledger.blob.BlobId;
import io.labelledger.blob.BlobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes files nobody signed: an upload whose lease time has passed without a contribution of its
 * uploader naming it is swept, and its blob deleted unless another upload still needs the same bytes
 * (pending, or signed). Works through PostgreSQL only (a per-blob advisory lock orders it against
 * uploads of the same bytes), so any number of service instances may run it.
 *
 * <p>An upload is swept {@link #GRACE} after it expired: a submission checked just before the
 * expiry (which it must be, see {@link UploadService#check}) is committed well within that.
 */
public final class BlobSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(BlobSweeper.class);
  static final Duration GRACE = Duration.ofMinutes(1);
  private static final int BATCH = 500;

  private final Vertx vertx;
  private final UploadQueries queries;
  private final BlobStore store;
  private final Clock clock;
  private long timer = -1;
  private Future<Sweep> running = Future.succeededFuture(new Sweep(0, 0));

  public BlobSweeper(Vertx vertx, UploadQueries queries, BlobStore store, Clock clock) {
    this.vertx = vertx;
    this.queries = queries;
    this.store = store;
    this.clock = clock;
  }

  /** What a round did. */
  public record Sweep(long uploadsSwept, long blobsDeleted) {}

  public void start(long intervalMs) {
    timer = vertx.setPeriodic(intervalMs, id -> {
      if (running.isComplete()) {
        round().onFailure(err -> LOG.warn("sweeping unsigned uploads failed: {}", err.toString()));
      }
    });
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return running.<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  /** One round: every blob with an upload expired for longer than the grace, one transaction each. */
  public Future<Sweep> round() {
    Instant now = clock.instant();
    Instant cutoff = now.minus(GRACE);
    running = queries.expiredFiles(cutoff, BATCH).compose(files -> sweep(files, 0, now, cutoff, new Sweep(0, 0)))
        .onSuccess(s -> {
          if (s.uploadsSwept() > 0) {
            LOG.info("swept {} unsigned upload(s), deleted {} blob(s)", s.uploadsSwept(), s.blobsDeleted());
          }
        });
    return running;
  }

  private Future<Sweep> sweep(List<String> files, int index, Instant now, Instant cutoff, Sweep sofar) {
    if (index == files.size()) {
      return Future.succeededFuture(sofar);
    }
    String file = files.get(index);
    return queries.sweep(file, now, cutoff,
            () -> vertx.executeBlocking(() -> store.delete(new BlobId(file)), false).mapEmpty())
        .compose(s -> sweep(files, index + 1, now, cutoff,
            new Sweep(sofar.uploadsSwept() + s.uploads(), sofar.blobsDeleted() + (s.blobDeleted() ? 1 : 0))));
  }
}
