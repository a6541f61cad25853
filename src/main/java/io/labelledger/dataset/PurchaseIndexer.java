package io.labelledger.dataset;

import io.labelledger.chain.MarketplaceGateway;
import io.labelledger.ops.SerialRounds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows DataMarketplace's DatasetPurchased logs into {@code dataset_purchases} (the licences),
 * then tells earlier buyers about newer versions. Cursor in {@code chain_cursor}, locked
 * {@code FOR UPDATE SKIP LOCKED} so several instances are safe; a log is applied once by its
 * (tx hash, log index).
 */
public final class PurchaseIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(PurchaseIndexer.class);
  private static final long MAX_RANGE = 2000;

  private final Pool pool;
  private final MarketplaceGateway market;
  private final DatasetService datasets;
  private final long startBlock;
  private final int confirmations;
  private final String cursor;
  private final SerialRounds rounds;

  public PurchaseIndexer(Vertx vertx, Pool pool, MarketplaceGateway market, DatasetService datasets, long startBlock,
      int confirmations) {
    this.pool = pool;
    this.market = market;
    this.datasets = datasets;
    this.startBlock = startBlock;
    this.confirmations = confirmations;
    this.cursor = "DataMarketplace:purchases:" + market.address();
    this.rounds = new SerialRounds(vertx, "purchase indexing", this::oneRound);
  }

  public long start(long intervalMs) {
    return rounds.start(intervalMs);
  }

  /** Stops the timer; completes when the running round, if any, has ended (see {@link SerialRounds#stop}). */
  public Future<Void> stop() {
    return rounds.stop();
  }

  /** A whole round, now or right after the running one. Never fails. */
  public Future<Void> round() {
    return rounds.round();
  }

  private Future<Void> oneRound() {
    return market.blockNumber().compose(head -> step(head - confirmations))
        .compose(v -> datasets.noticeEarlierBuyers())
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("{} notice(s) to buyers of earlier versions", n);
          }
        })
        .mapEmpty();
  }

  private Future<Void> step(long safeHead) {
    return pool.withTransaction(tx -> lockCursor(tx).compose(next -> {
      if (next == null || next > safeHead) {
        return Future.succeededFuture(false);
      }
      long to = Math.min(safeHead, next + MAX_RANGE - 1);
      return market.purchases(next, to)
          .compose(purchases -> apply(tx, purchases))
          .compose(v -> tx.preparedQuery("update chain_cursor set next_block = $2, updated_at = now() where name = $1")
              .execute(Tuple.of(cursor, to + 1)))
          .map(v -> to < safeHead);
    })).compose(more -> more ? step(safeHead) : Future.succeededFuture());
  }

  private Future<Long> lockCursor(SqlConnection tx) {
    return tx.preparedQuery("insert into chain_cursor (name, next_block) values ($1, $2) on conflict do nothing")
        .execute(Tuple.of(cursor, startBlock))
        .compose(v -> tx.preparedQuery("select next_block from chain_cursor where name = $1 for update skip locked")
            .execute(Tuple.of(cursor)))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
  }

  private Future<Void> apply(SqlConnection tx, List<MarketplaceGateway.Purchase> purchases) {
    // purchases come in block order: one block-time read per block, not per purchase
    Map<Long, Future<Long>> blockTimes = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (MarketplaceGateway.Purchase p : purchases) {
      chain = chain.compose(v -> blockTimes.computeIfAbsent(p.block(), market::blockTime))
          .compose(time -> tx.preparedQuery("""
              insert into dataset_purchases (tx_hash, log_index, chain_dataset_id, buyer, price, fee, block_number,
                                             purchased_at)
              values ($1, $2, $3, $4, $5, $6, $7, to_timestamp($8)) on conflict do nothing""")
          .execute(Tuple.from(new Object[] {p.txHash(), p.logIndex(), p.datasetId(), p.buyer(),
              Numeric.create(new BigDecimal(p.price())), Numeric.create(new BigDecimal(p.fee())), p.block(),
              (double) time})).mapEmpty());
    }
    if (!purchases.isEmpty()) {
      chain = chain.onSuccess(v -> LOG.info("indexed {} purchase(s) up to block {}", purchases.size(),
          purchases.get(purchases.size() - 1).block()));
    }
    return chain;
  }
}
