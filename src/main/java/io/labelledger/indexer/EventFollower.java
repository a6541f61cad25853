package io.labelledger.indexer;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.Map;

/**
 * One kind of chain event the {@link ChainIndexer} follows into PostgreSQL (consents, anchors,
 * marketplace listings, purchases, claims, licences), each with its own cursor.
 */
public interface EventFollower {
  /** The cursor's name in {@code chain_cursor}: stable across releases (a new name re-reads from the start block). */
  String name();

  /**
   * Reads this follower's logs in blocks {@code from..to} (inclusive) and applies them in {@code tx},
   * the transaction that also moves the cursor. Must be idempotent: after a crash the same range is
   * read again (each log is keyed by its transaction hash and log index).
   *
   * @return the hash of every block that held one of the logs applied (block number to the log's
   *     {@code blockHash}): the indexer checks them against the chain in later rounds
   */
  Future<Map<Long, String>> apply(SqlConnection tx, long from, long to);

  /**
   * Undoes, in {@code tx}, everything this follower derived from blocks after {@code lastGoodBlock}
   * (a reorganisation replaced them), with its consequences; the indexer then reads those blocks
   * again from the new branch. Rows derived from earlier blocks must end as they were before the
   * later blocks were applied.
   */
  Future<Void> rollback(SqlConnection tx, long lastGoodBlock);
}
