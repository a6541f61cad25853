package io.labelledger.indexer;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

/**
 * One kind of chain event the {@link ChainIndexer} follows into PostgreSQL (consents, anchors,
 * marketplace listings, purchases, claims), each with its own cursor.
 */
public interface EventFollower {
  /** The cursor's name in {@code chain_cursor}: stable across releases (a new name re-reads from the start block). */
  String name();

  /**
   * Reads this follower's logs in blocks {@code from..to} (inclusive) and applies them in {@code tx},
   * the transaction that also moves the cursor. Must be idempotent: after a crash the same range is
   * read again (each log is keyed by its transaction hash and log index).
   */
  Future<Void> apply(SqlConnection tx, long from, long to);
}
