package io.labelledger.consent;

import io.labelledger.chain.ConsentRegistryGateway;
import io.labelledger.chain.ConsentRegistryGateway.ConsentEvent;
import io.vertx.core.Future;
import io.labelledger.ops.SerialRounds;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows ConsentGranted / ConsentRevoked logs of the ConsentRegistry into {@code consent_state},
 * from a cursor in {@code chain_cursor} that moves in the same transaction as the state it
 * produced. Whoever changed the consent (the relayer, or the contributor directly on-chain), the
 * service sees it within one period. Idempotent: a log is applied once ((tx hash, log index) is
 * unique), and a pair's state only moves forward in nonce order.
 *
 * <p>Several instances are safe: the cursor row is locked {@code FOR UPDATE SKIP LOCKED}; an
 * instance finding it locked skips its round. Reorgs deeper than {@code confirmations} are not
 * handled (Ganache has none; set confirmations on other chains).
 */
public final class ConsentIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(ConsentIndexer.class);
  private static final long MAX_RANGE = 2000;

  private final Pool pool;
  private final ConsentQueries queries;
  private final ConsentRegistryGateway registry;
  private final long startBlock;
  private final int confirmations;
  private final String cursor;
  private final SerialRounds rounds;

  public ConsentIndexer(Vertx vertx, Pool pool, ConsentQueries queries, ConsentRegistryGateway registry,
      long startBlock, int confirmations) {
    this.rounds = new SerialRounds(vertx, "consent indexing", this::oneRound);
    this.pool = pool;
    this.queries = queries;
    this.registry = registry;
    this.startBlock = startBlock;
    this.confirmations = confirmations;
    this.cursor = "ConsentRegistry:" + registry.address();
  }

  public long start(long intervalMs) {
    return rounds.start(intervalMs);
  }

  /**
   * A whole round that starts now or, when one is running, right after it (so everything on the
   * chain and in the database when this is called is seen). Never fails: failures are logged and
   * the next round retries.
   */
  public Future<Void> round() {
    return rounds.round();
  }

  private Future<Void> oneRound() {
    return catchUp();
  }

  private Future<Void> catchUp() {
    return registry.blockNumber().compose(head -> step(head - confirmations));
  }

  private Future<Void> step(long safeHead) {
    return pool.withTransaction(tx -> queries.lockCursor(tx, cursor, startBlock).compose(next -> {
      if (next.isEmpty() || next.get() > safeHead) {
        return Future.succeededFuture(false);
      }
      long from = next.get();
      long to = Math.min(safeHead, from + MAX_RANGE - 1);
      return registry.consentEvents(from, to)
          .compose(events -> apply(tx, events))
          .compose(v -> queries.moveCursor(tx, cursor, to + 1))
          .map(v -> to < safeHead);
    })).compose(more -> more ? step(safeHead) : Future.succeededFuture());
  }

  private Future<Void> apply(SqlConnection tx, List<ConsentEvent> events) {
    Future<Void> chain = Future.succeededFuture();
    for (ConsentEvent e : events) {
      chain = chain.compose(v -> queries.insertEvent(tx, e.txHash(), e.logIndex(), e.block(), e.granted(),
              e.contributor(), e.termsHash(), e.at(), e.expiresAt(), e.nonce())
          .compose(isNew -> {
            if (!isNew) {
              return Future.succeededFuture();
            }
            LOG.debug("consent of {} to {} {} at block {}", e.contributor(), e.termsHash(),
                e.granted() ? "granted" : "revoked", e.block());
            return e.granted()
                ? queries.applyGrant(tx, e.contributor(), e.termsHash(), e.at(), e.expiresAt(), e.nonce(), e.block())
                : queries.applyRevoke(tx, e.contributor(), e.termsHash(), e.at(), e.nonce(), e.block());
          }));
    }
    if (!events.isEmpty()) {
      chain = chain.onSuccess(v -> LOG.info("indexed {} consent event(s) up to block {}", events.size(),
          events.get(events.size() - 1).block()));
    }
    return chain;
  }
}
