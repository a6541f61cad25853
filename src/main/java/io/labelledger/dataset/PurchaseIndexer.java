package io.labelledger.dataset;

import io.labelledger.chain.MarketplaceGateway;
import io.labelledger.indexer.CanonicalChain;
import io.labelledger.indexer.ChainIndexer;
import io.labelledger.indexer.EventFollower;
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
 * then tells earlier buyers about newer versions. Run by a {@link ChainIndexer} of its own: cursor in
 * {@code chain_cursor}, locked {@code FOR UPDATE SKIP LOCKED} so several instances are safe, a log
 * applied once by its (tx hash, log index), and a purchase whose block a reorganisation replaced is
 * removed with the licence it gave (downloads then answer as for no purchase) and read again from the
 * new branch.
 */
public final class PurchaseIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(PurchaseIndexer.class);

  private final DatasetService datasets;
  private final ChainIndexer indexer;
  private final SerialRounds rounds;

  public PurchaseIndexer(Vertx vertx, Pool pool, CanonicalChain chain, MarketplaceGateway market,
      DatasetService datasets, long startBlock, int confirmations) {
    this.datasets = datasets;
    this.indexer = new ChainIndexer(vertx, pool, chain, List.of(new Licences(market)), startBlock, confirmations);
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
    return indexer.catchUp()
        .compose(v -> datasets.noticeEarlierBuyers())
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("{} notice(s) to buyers of earlier versions", n);
          }
        })
        .mapEmpty();
  }

  /** DatasetPurchased logs into {@code dataset_purchases}. */
  private static final class Licences implements EventFollower {
    private final MarketplaceGateway market;

    Licences(MarketplaceGateway market) {
      this.market = market;
    }

    @Override
    public String name() {
      return "DataMarketplace:purchases:" + market.address();
    }

    @Override
    public Future<Map<Long, String>> apply(SqlConnection tx, long from, long to) {
      return market.purchases(from, to).compose(purchases -> {
        // purchases come in block order: one block-time read per block, not per purchase
        Map<Long, Future<Long>> blockTimes = new HashMap<>();
        Map<Long, String> blocks = new HashMap<>();
        Future<Void> chain = Future.succeededFuture();
        for (MarketplaceGateway.Purchase p : purchases) {
          blocks.put(p.block(), p.blockHash());
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
        return chain.map(blocks);
      });
    }

    /**
     * Removes the licences of the replaced blocks, and the notices sent to those buyers as buyers of
     * that version (a buyer whose purchase is read again from the new branch is told again).
     */
    @Override
    public Future<Void> rollback(SqlConnection tx, long lastGoodBlock) {
      return tx.preparedQuery("""
              with gone as (delete from dataset_purchases where block_number > $1
                            returning chain_dataset_id, buyer)
              delete from dataset_notices n using datasets d, gone g
               where n.dataset_id = d.id and d.chain_dataset_id = g.chain_dataset_id and n.buyer = g.buyer
                 and not exists (select 1 from dataset_purchases p
                                  where p.chain_dataset_id = g.chain_dataset_id and p.buyer = g.buyer
                                    and p.block_number <= $1)
              returning n.id""").execute(Tuple.of(lastGoodBlock))
          .map(notices -> notices.rowCount())
          .onSuccess(n -> LOG.warn("reorganisation past block {}: licences of later blocks removed ({} notice(s) "
              + "withdrawn)", lastGoodBlock, n))
          .mapEmpty();
    }
  }
}
