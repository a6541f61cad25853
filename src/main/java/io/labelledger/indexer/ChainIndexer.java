package io.labelledger.indexer;

import io.labelledger.chain.ChainException;
import io.labelledger.ops.SerialRounds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the contracts' events into PostgreSQL, each {@link EventFollower} from its own cursor in
 * {@code chain_cursor}, only up to {@code head - confirmations} (an event is applied once it is
 * buried that deep). The cursor moves in the same transaction as the rows its range produced, so a
 * crash re-reads at most one range, and followers apply each log once ((tx hash, log index) keys):
 * restarts are harmless. Several instances are safe: a follower's cursor row is locked
 * {@code FOR UPDATE SKIP LOCKED}, and an instance finding it locked skips that follower this round.
 *
 * <p><b>Reorganisations.</b> A follower's ranges leave their block hashes in
 * {@code chain_indexed_blocks}: every block that held one of its logs (the hash the log came with)
 * and the last block of its latest range. Before reading on, the newest of them is compared with
 * the chain's block at that height (one {@code eth_getBlockByNumber}: a block hash commits to all
 * its ancestors, so a match means everything indexed is still canonical). On a mismatch the stored
 * hashes are walked back, newest first, to the last one the chain still has (the fork point; the
 * start block when none is left); the follower undoes what it derived from later blocks
 * ({@link EventFollower#rollback}), the cursor goes back to the block after the fork point, and the
 * new branch is read like any other range, all in the cursor's transaction. A node without a block
 * at that height (an endpoint lagging behind another, or a new branch still shorter) is waited for:
 * nothing is undone or read until it has one.
 */
public final class ChainIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(ChainIndexer.class);
  private static final long MAX_RANGE = 2000;
  private static final int FORK_SEARCH_PAGE = 64;

  private final Pool pool;
  private final CanonicalChain chain;
  private final List<EventFollower> followers;
  private final long startBlock;
  private final int confirmations;
  private final SerialRounds rounds;

  /**
   * @param chain the node: its head and block hashes
   * @param startBlock where a new cursor starts (the contracts' deployment block)
   */
  public ChainIndexer(Vertx vertx, Pool pool, CanonicalChain chain, List<EventFollower> followers,
      long startBlock, int confirmations) {
    this.pool = pool;
    this.chain = chain;
    this.followers = List.copyOf(followers);
    this.startBlock = startBlock;
    this.confirmations = confirmations;
    this.rounds = new SerialRounds(vertx, "chain indexing", this::catchUp);
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

  /**
   * One pass over every follower, unserialised: for owners that run it inside rounds of their own
   * (never two at once from one owner; other instances are kept off by the cursor's row lock). Fails
   * when the node or the database does.
   */
  public Future<Void> catchUp() {
    return chain.head().compose(latest -> {
      long safeHead = latest - confirmations;
      Future<Void> all = Future.succeededFuture();
      for (EventFollower follower : followers) {
        all = all.compose(v -> step(follower, safeHead));
      }
      return all;
    });
  }

  private Future<Void> step(EventFollower follower, long safeHead) {
    String name = follower.name();
    return pool.withTransaction(tx -> lockCursor(tx, name).compose(next -> {
      if (next.isEmpty()) {
        return Future.succeededFuture(false);
      }
      return onCanonicalBranch(tx, follower, next.get()).compose(from -> {
        if (from > safeHead) {
          return Future.succeededFuture(false);
        }
        long to = Math.min(safeHead, from + MAX_RANGE - 1);
        return chain.hashAt(to).compose(tip -> tip.isEmpty()
            ? Future.failedFuture(new ChainException("block " + to + " is gone from the node: it is reorganising"))
            : follower.apply(tx, from, to)
                .compose(hashes -> remember(tx, name, hashes, to, tip.get()))
                .compose(v -> moveCursor(tx, name, to + 1))
                .map(v -> to < safeHead));
      });
    })).compose(more -> more ? step(follower, safeHead) : Future.succeededFuture());
  }

  /**
   * The block to read from: {@code next} when the newest block the follower built on is still the
   * chain's, else the block after the fork point, once what came after it is undone.
   */
  private Future<Long> onCanonicalBranch(SqlConnection tx, EventFollower follower, long next) {
    String name = follower.name();
    return tx.preparedQuery("select block_number, block_hash from chain_indexed_blocks where follower = $1 "
            + "order by block_number desc limit 1").execute(Tuple.of(name))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(next);
          }
          Row newest = rows.iterator().next();
          long block = newest.getLong(0);
          String built = newest.getString(1);
          return chain.hashAt(block).compose(now -> {
            if (now.isPresent() && now.get().equals(built)) {
              return Future.succeededFuture(next);
            }
            if (now.isEmpty()) {
              // the node is behind this block (a lagging endpoint, or a new branch still shorter):
              // nothing is undone until it has a block at that height to compare
              LOG.debug("{}: the node has no block {} yet; waiting", name, block);
              return Future.succeededFuture(Long.MAX_VALUE);
            }
            return forkPoint(tx, name, block).compose(lastGood -> {
              LOG.warn("reorganisation: {} built on block {} {}, the chain now has {}; undoing blocks after {} "
                  + "and reading them again", name, block, built, now.get(), lastGood);
              long resume = Math.min(next, lastGood + 1);
              return follower.rollback(tx, lastGood)
                  .compose(v -> tx.preparedQuery("delete from chain_indexed_blocks where follower = $1 "
                      + "and block_number > $2").execute(Tuple.of(name, lastGood)))
                  .compose(v -> moveCursor(tx, name, resume))
                  .map(resume);
            });
          });
        });
  }

  /** The newest stored block below {@code below} that the chain still has, else the block before the start block. */
  private Future<Long> forkPoint(SqlClient tx, String name, long below) {
    return tx.preparedQuery("select block_number, block_hash from chain_indexed_blocks where follower = $1 "
            + "and block_number < $2 order by block_number desc limit $3")
        .execute(Tuple.of(name, below, FORK_SEARCH_PAGE))
        .compose(rows -> {
          List<Long> numbers = new ArrayList<>();
          List<String> hashes = new ArrayList<>();
          rows.forEach(r -> {
            numbers.add(r.getLong(0));
            hashes.add(r.getString(1));
          });
          if (numbers.isEmpty()) {
            return Future.succeededFuture(startBlock - 1);
          }
          return firstStillCanonical(numbers, hashes, 0).compose(found -> found.isPresent()
              ? Future.succeededFuture(found.get())
              : forkPoint(tx, name, numbers.get(numbers.size() - 1)));
        });
  }

  private Future<Optional<Long>> firstStillCanonical(List<Long> numbers, List<String> hashes, int i) {
    if (i == numbers.size()) {
      return Future.succeededFuture(Optional.empty());
    }
    long block = numbers.get(i);
    return chain.hashAt(block).compose(now -> now.isPresent() && now.get().equals(hashes.get(i))
        ? Future.succeededFuture(Optional.of(block))
        : firstStillCanonical(numbers, hashes, i + 1));
  }

  /**
   * Stores the hashes of the blocks that held logs and of the range's last block ({@code tip}, unless
   * a log already named that block: the log's hash is what the rows were built from), and drops
   * older tip-only rows.
   */
  private static Future<Void> remember(SqlClient tx, String name, Map<Long, String> withLogs, long to, String tip) {
    Long[] numbers = withLogs.keySet().toArray(Long[]::new);
    String[] hashes = new String[numbers.length];
    for (int i = 0; i < numbers.length; i++) {
      hashes[i] = withLogs.get(numbers[i]).toLowerCase();
    }
    Future<Void> logs = numbers.length == 0 ? Future.succeededFuture()
        : tx.preparedQuery("insert into chain_indexed_blocks (follower, block_number, block_hash, has_logs) "
                + "select $1, n, h, true from unnest($2::bigint[], $3::text[]) as t(n, h) "
                + "on conflict (follower, block_number) do update set block_hash = excluded.block_hash, has_logs = true")
            .execute(Tuple.of(name, numbers, hashes)).mapEmpty();
    return logs
        .compose(v -> tx.preparedQuery("insert into chain_indexed_blocks (follower, block_number, block_hash, has_logs) "
                + "values ($1, $2, $3, false) on conflict (follower, block_number) do nothing")
            .execute(Tuple.of(name, to, tip)))
        .compose(v -> tx.preparedQuery("delete from chain_indexed_blocks where follower = $1 and not has_logs "
                + "and block_number < $2")
            .execute(Tuple.of(name, to)))
        .mapEmpty();
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
