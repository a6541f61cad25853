package io.labelledger.contribution;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit of contributions: submissions that arrive while earlier ones are being written are
 * queued and written together, as one multi-row statement (one transaction, one WAL flush), by
 * {@link ContributionQueries#acceptBatch}. Each submission is still judged on its own, and its
 * caller hears the outcome only after the statement that stored it has committed.
 *
 * <p>No timer and no waiting for a batch to fill: a submission finding a free slot (fewer than
 * {@code maxInFlight} statements running) is written at once, alone if it is alone; batches grow
 * only while the database is busy, so latency at low load is that of one statement and throughput
 * under load is several submissions per commit.
 *
 * <p>At most one submission per (item, contributor) goes into a batch; a second one (a repeat of
 * the same signed contribution, or another answer to the same item) waits for the next batch, where
 * it sees the first one's result. When a batch statement fails as a whole (e.g. a deadlock with a
 * concurrent batch), its submissions are written one by one, so no submission fails for another's
 * sake. Thread-safe: submissions arrive from every event loop; outcomes are delivered on the
 * submitter's context.
 */
final class GroupCommit {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private record Pending(ContributionQueries.Candidate candidate, Context context,
      Promise<ContributionQueries.Outcome> promise) {}

  private final Vertx vertx;
  private final ContributionQueries queries;
  private final Clock clock;
  private final int maxInFlight;
  private final int maxBatch;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private int inFlight;

  GroupCommit(Vertx vertx, ContributionQueries queries, Clock clock, int maxInFlight, int maxBatch) {
    this.vertx = vertx;
    this.queries = queries;
    this.clock = clock;
    this.maxInFlight = maxInFlight;
    this.maxBatch = maxBatch;
  }

  /** The outcome of accepting {@code c}, once the statement that judged it has committed. */
  Future<ContributionQueries.Outcome> accept(ContributionQueries.Candidate c) {
    Context context = vertx.getOrCreateContext();
    Promise<ContributionQueries.Outcome> promise = Promise.promise();
    List<Pending> batch;
    synchronized (this) {
      queue.add(new Pending(c, context, promise));
      batch = nextBatch();
    }
    if (batch != null) {
      write(batch);
    }
    return promise.future();
  }

  /** Takes the next batch when a slot is free; call holding the lock. */
  private List<Pending> nextBatch() {
    if (inFlight >= maxInFlight || queue.isEmpty()) {
      return null;
    }
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), maxBatch));
    Set<String> keys = new HashSet<>();
    for (Iterator<Pending> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
      Pending p = it.next();
      if (keys.add(p.candidate().itemId() + "/" + p.candidate().contributor())) {
        batch.add(p);
        it.remove();
      }
    }
    inFlight++;
    return batch;
  }

  private void write(List<Pending> batch) {
    Future<List<ContributionQueries.Outcome>> written = batch.size() == 1
        ? queries.accept(one(batch.get(0)), clock.instant()).map(List::of)
        : queries.acceptBatch(batch.stream().map(Pending::candidate).toList(), clock.instant());
    written.onComplete(ar -> {
      List<Pending> next;
      synchronized (this) {
        inFlight--;
        next = nextBatch();
      }
      if (next != null) {
        write(next);
      }
      if (ar.succeeded()) {
        for (int i = 0; i < batch.size(); i++) {
          deliver(batch.get(i), ar.result().get(i));
        }
      } else if (batch.size() == 1) {
        Pending p = batch.get(0);
        p.context().runOnContext(v -> p.promise().fail(ar.cause()));
      } else {
        LOG.warn("a batch of {} contributions failed as a whole ({}); writing them one by one", batch.size(),
            ar.cause().toString());
        for (Pending p : batch) {
          queries.accept(one(p), clock.instant()).onComplete(single ->
              p.context().runOnContext(v -> p.promise().handle(single)));
        }
      }
    });
  }

  private static void deliver(Pending p, ContributionQueries.Outcome outcome) {
    p.context().runOnContext(v -> p.promise().complete(outcome));
  }

  private static ContributionQueries.Candidate one(Pending p) {
    return p.candidate();
  }
}
