package io.labelledger.indexer;

import io.labelledger.ops.SerialRounds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Follows the contracts' events into PostgreSQL, each {@link EventFollower} from its own cursor in
 * {@code chain_cursor}, only up to {@code head - confirmations} (an event is applied once it is
 * buried that deep). The cursor moves in the same transaction as the rows its range produced, so a
 * crash re-reads at most one range, and followers apply each log once ((tx hash, log index) keys):
 * restarts are harmless. Several instances are safe: a follower's cursor row is locked
 * {@code FOR UPDATE SKIP LOCKED}, and an instance finding it locked skips that follower this round.
 * Reorganisations deeper than {@code confirmations} are not undone (set confirmations to the
 * chain's finality).
 */
public final class ChainIndexer {
  private static final long MAX_RANGE = 2000;

  private final Pool pool;
  private final Supplier<Future<Long>> head;
  private final List<EventFollower> followers;
  private final long startBlock;
  private final int confirmations;
  private final SerialRounds rounds;

  /**
   * @param head the chain's latest block number
   * @param startBlock where a new cursor starts (the contracts' deployment block)
   */
  public ChainIndexer(Vertx vertx, Pool pool, Supplier<Future<Long>> head, List<EventFollower> followers,
      long startBlock, int confirmations) {
    this.pool = pool;
    this.head = head;
    this.followers = List.copyOf(followers);
    this.startBlock = startBlock;
    this.confirmations = confirmations;
    this.rounds = new SerialRounds(vertx, "chain indexing", this::oneRound);
  }

  public long start(long intervalMs) {
    return rounds.start(intervalMs);
  }

  /** Stops the timer; completes when the running round, if any, has ended (see {@link SerialRounds#stop}). */
  public Future<Void> stop() {
    return rounds.stop();
  }

  /**
   * A whole round that starts now or, when one is running, right after it (so everything on the
   * chain when this is called, and deep enough, is seen). Never fails: failures are logged and the
   * next round retries.
   */
  public Future<Void> round() {
    return rounds.round();
  }

  private Future<Void> oneRound() {
    return head.get().compose(latest -> {
      long safeHead = latest - confirmations;
      Future<Void> chain = Future.succeededFuture();
      for (EventFollower follower : followers) {
        chain = chain.compose(v -> step(follower, safeHead));
      }
      return chain;
    });
  }

  private Future<Void> step(EventFollower follower, long safeHead) {
    return pool.withTransaction(tx -> lockCursor(tx, follower.name()).compose(next -> {
      if (next.isEmpty() || next.get() > safeHead) {
        return Future.succeededFuture(false);
      }
      long from = next.get();
      long to = Math.min(safeHead, from + MAX_RANGE - 1);
      return follower.apply(tx, from, to)
          .compose(v -> moveCursor(tx, follower.name(), to + 1))
          .map(v -> to < safeHead);
    })).compose(more -> more ? step(follower, safeHead) : Future.succeededFuture());
  }

  /** Locks a cursor (creating it at the start block); empty when another instance holds it. */
  private Future<Optional<Long>> lockCursor(SqlClient tx, String name) {
    return tx.preparedQuery("insert into chain_cursor (name, next_block) values ($1, $2) on conflict do nothing")
        .execute(Tuple.of(name, startBlock))
        .compose(v -> tx.preparedQuery("select next_block from chain_cursor where name = $1 for update skip locked")
            .execute(Tuple.of(name)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong("next_block")));
  }

  private static Future<Void> moveCursor(SqlClient tx, String name, long nextBlock) {
    return tx.preparedQuery("update chain_cursor set next_block = $2, updated_at = now() where name = $1")
        .execute(Tuple.of(name, nextBlock)).mapEmpty();
  }
}
