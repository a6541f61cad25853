package io.labelledger.upload;

import io.labelledger.blob.BlobId;
import io.labelledger.blob.BlobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consent withdrawn = data erased: each round finds the contributions naming a stored file whose
 * contributor's consent to the campaign's terms is revoked (in {@code consent_state}, so a revocation
 * made directly on-chain counts as soon as the indexer has it), records their erasure (exports of every
 * version leave them out from then on) and deletes the blob unless another upload still needs the same
 * bytes. A file is therefore gone at most one indexer lag ({@code work.confirmations} blocks) plus
 * {@code blobs.erasureIntervalMs} after the revocation is mined.
 *
 * <p>Works through PostgreSQL only (the blob's advisory lock orders it against uploads and the sweeper of
 * unsigned uploads), so any number of instances may run it; erasing twice is harmless.
 */
public final class ErasureSweeper {
  private static final Logger LOG = LoggerFactory.getLogger(ErasureSweeper.class);
  private static final int BATCH = 500;

  private final Vertx vertx;
  private final ErasureQueries queries;
  private final BlobStore store;
  private final Clock clock;
  private long timer = -1;
  private Future<Round> running = Future.succeededFuture(new Round(0, 0));

  public ErasureSweeper(Vertx vertx, ErasureQueries queries, BlobStore store, Clock clock) {
    this.vertx = vertx;
    this.queries = queries;
    this.store = store;
    this.clock = clock;
  }

  /** What a round did: contributions erased, blobs deleted. */
  public record Round(long contributionsErased, long blobsDeleted) {}

  public void start(long intervalMs) {
    timer = vertx.setPeriodic(intervalMs, id -> {
      if (running.isComplete()) {
        round().onFailure(err -> LOG.warn("erasing withdrawn contributions failed: {}", err.toString()));
      }
    });
  }

  public Future<Void> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return running.<Void>mapEmpty().recover(err -> Future.succeededFuture());
  }

  /** One round: every withdrawn contribution found, in batches, one transaction each. */
  public Future<Round> round() {
    running = batches(new Round(0, 0)).onSuccess(r -> {
      if (r.contributionsErased() > 0) {
        LOG.info("erased {} contribution(s) of withdrawn contributors, deleted {} blob(s)", r.contributionsErased(),
            r.blobsDeleted());
      }
    });
    return running;
  }

  private Future<Round> batches(Round sofar) {
    return queries.withdrawn(BATCH).compose(list -> erase(list, 0, sofar)
        .compose(r -> list.size() < BATCH ? Future.succeededFuture(r) : batches(r)));
  }

  private Future<Round> erase(List<ErasureQueries.Withdrawn> list, int index, Round sofar) {
    if (index == list.size()) {
      return Future.succeededFuture(sofar);
    }
    ErasureQueries.Withdrawn w = list.get(index);
    Instant now = clock.instant();
    return queries.erase(w, now, () -> vertx.executeBlocking(() -> store.delete(new BlobId(w.file())), false))
        .compose(e -> erase(list, index + 1, new Round(sofar.contributionsErased() + (e.recorded() ? 1 : 0),
            sofar.blobsDeleted() + (e.blobDeleted() ? 1 : 0))));
  }
}
