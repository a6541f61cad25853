package io.labelledger.indexer;

import io.labelledger.chain.ChainException;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.DataMarketplace;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.abi.EventEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;

/**
 * Follows DataMarketplace's listings (DatasetListed, DatasetRepriced, DatasetDelisted), purchases
 * (DatasetPurchased) and claims (Claimed) into {@code chain_listings}, {@code chain_purchases} and
 * {@code chain_claims}. Idempotent: purchases, claims and listing changes are keyed by (tx hash, log
 * index); a listing row is created once and changed only by a change applied for the first time.
 */
public final class MarketFollower implements EventFollower {
  private static final Logger LOG = LoggerFactory.getLogger(MarketFollower.class);
  private static final String LISTED = EventEncoder.encode(DataMarketplace.DATASETLISTED_EVENT);
  private static final String REPRICED = EventEncoder.encode(DataMarketplace.DATASETREPRICED_EVENT);
  private static final String DELISTED = EventEncoder.encode(DataMarketplace.DATASETDELISTED_EVENT);
  private static final String PURCHASED = EventEncoder.encode(DataMarketplace.DATASETPURCHASED_EVENT);
  private static final String CLAIMED = EventEncoder.encode(DataMarketplace.CLAIMED_EVENT);

  private final Web3j web3j;
  private final String address;

  public MarketFollower(Web3j web3j, String marketplace) {
    this.web3j = web3j;
    this.address = marketplace.toLowerCase();
  }

  @Override
  public String name() {
    return "DataMarketplace:" + address;
  }

  @Override
  public Future<Map<Long, String>> apply(SqlConnection tx, long from, long to) {
    return logs(from, to, LISTED, REPRICED, DELISTED, PURCHASED, CLAIMED).compose(logs -> {
      Map<Long, String> blocks = new HashMap<>();
      Future<Void> chain = Future.succeededFuture();
      for (Log log : logs) {
        blocks.put(log.getBlockNumber().longValueExact(), log.getBlockHash());
        chain = chain.compose(v -> applyOne(tx, log));
      }
      if (!logs.isEmpty()) {
        chain = chain.onSuccess(v -> LOG.info("indexed {} marketplace event(s) up to block {}", logs.size(),
            logs.get(logs.size() - 1).getBlockNumber()));
      }
      return chain.map(blocks);
    });
  }

  /**
   * Forgets the purchases, claims and listing changes of the replaced blocks and the listings made
   * in them; a listing made earlier is re-derived: its price as listed (read again from its
   * DatasetListed log, a block the chain still has) with the changes that are left applied in order.
   */
  @Override
  public Future<Void> rollback(SqlConnection tx, long lastGoodBlock) {
    Tuple after = Tuple.of(lastGoodBlock);
    return tx.preparedQuery("delete from chain_purchases where block_number > $1").execute(after)
        .compose(v -> tx.preparedQuery("delete from chain_claims where block_number > $1").execute(after))
        .compose(v -> tx.preparedQuery("delete from chain_listings where listed_block > $1").execute(after))
        .compose(v -> tx.preparedQuery("with gone as (delete from chain_listing_changes where block_number > $1 "
                + "returning dataset_id) select l.dataset_id, l.listed_block from chain_listings l "
                + "where l.dataset_id in (select dataset_id from gone)").execute(after))
        .compose(rows -> {
          Future<Void> chain = Future.succeededFuture();
          for (var row : rows) {
            BigInteger dataset = row.getNumeric(0).bigIntegerValue();
            long listedBlock = row.getLong(1);
            chain = chain.compose(v -> rederive(tx, dataset, listedBlock));
          }
          return chain;
        });
  }

  private Future<Void> rederive(SqlConnection tx, BigInteger dataset, long listedBlock) {
    return logs(listedBlock, listedBlock, LISTED).compose(logs -> {
      for (Log log : logs) {
        var e = DataMarketplace.getDatasetListedEventFromLog(log);
        if (e.datasetId.equals(dataset)) {
          LOG.warn("listing {} re-derived after a reorganisation", dataset);
          return tx.preparedQuery("update chain_listings l set "
                  + "price = coalesce((select c.new_price from chain_listing_changes c where c.dataset_id = l.dataset_id "
                  + "and c.kind = 'repriced' order by c.block_number desc, c.log_index desc limit 1), $2), "
                  + "delisted = exists (select 1 from chain_listing_changes c where c.dataset_id = l.dataset_id "
                  + "and c.kind = 'delisted'), "
                  + "updated_block = greatest(l.listed_block, (select max(c.block_number) from chain_listing_changes c "
                  + "where c.dataset_id = l.dataset_id)) where l.dataset_id = $1")
              .execute(Tuple.of(num(dataset), num(e.price))).mapEmpty();
        }
      }
      return Future.failedFuture(new ChainException("no DatasetListed log of dataset " + dataset + " in block "
          + listedBlock + ": the chain is still reorganising"));
    });
  }

  /** This marketplace's logs with one of {@code topics} in blocks {@code from..to}, in chain order. */
  private Future<List<Log>> logs(long from, long to, String... topics) {
    EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
        DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), address);
    filter.addOptionalTopics(topics);
    return Future.fromCompletionStage(web3j.ethGetLogs(filter).sendAsync()).compose(r -> {
      if (r.hasError()) {
        return Future.failedFuture(new ChainException("eth_getLogs failed: " + r.getError().getMessage()));
      }
      List<Log> logs = new ArrayList<>();
      for (EthLog.LogResult<?> result : r.getLogs()) {
        Log log = (Log) result.get();
        if (!log.isRemoved() && address.equalsIgnoreCase(log.getAddress()) && !log.getTopics().isEmpty()) {
          logs.add(log);
        }
      }
      logs.sort((a, b) -> a.getBlockNumber().equals(b.getBlockNumber())
          ? a.getLogIndex().compareTo(b.getLogIndex()) : a.getBlockNumber().compareTo(b.getBlockNumber()));
      return Future.succeededFuture(logs);
    });
  }

  private Future<Void> applyOne(SqlConnection tx, Log log) {
    String topic = log.getTopics().get(0).toLowerCase();
    String txHash = log.getTransactionHash();
    int logIndex = log.getLogIndex().intValueExact();
    long block = log.getBlockNumber().longValueExact();
    if (topic.equals(LISTED)) {
      var e = DataMarketplace.getDatasetListedEventFromLog(log);
      return tx.preparedQuery("insert into chain_listings (dataset_id, curator, payment_token, content_root, "
              + "shares_root, total_shares, price, fee_bps, terms_hash, parent_id, listed_block, updated_block, tx_hash) "
              + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) on conflict do nothing")
          .execute(Tuple.from(new Object[] {num(e.datasetId), e.curator.toLowerCase(), e.paymentToken.toLowerCase(),
              Buffer.buffer(e.contentRoot), Buffer.buffer(e.sharesRoot), num(e.totalShares), num(e.price),
              e.feeBps.intValueExact(), Hex.encode(e.termsHash), num(e.parentId), block, txHash}))
          .mapEmpty();
    }
    if (topic.equals(REPRICED) || topic.equals(DELISTED)) {
      boolean repriced = topic.equals(REPRICED);
      BigInteger dataset;
      BigInteger newPrice = null;
      if (repriced) {
        var e = DataMarketplace.getDatasetRepricedEventFromLog(log);
        dataset = e.datasetId;
        newPrice = e.newPrice;
      } else {
        dataset = DataMarketplace.getDatasetDelistedEventFromLog(log).datasetId;
      }
      BigInteger price = newPrice;
      return tx.preparedQuery("insert into chain_listing_changes (tx_hash, log_index, dataset_id, kind, new_price, "
              + "block_number) values ($1, $2, $3, $4, $5, $6) on conflict do nothing")
          .execute(Tuple.of(txHash, logIndex, num(dataset), repriced ? "repriced" : "delisted",
              price == null ? null : num(price), block))
          .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture()
              : tx.preparedQuery(repriced
                      ? "update chain_listings set price = $2, updated_block = $3 where dataset_id = $1"
                      : "update chain_listings set delisted = true, updated_block = $3 where dataset_id = $1 and $2::numeric is null")
                  .execute(Tuple.of(num(dataset), price == null ? null : num(price), block)).mapEmpty());
    }
    if (topic.equals(PURCHASED)) {
      var e = DataMarketplace.getDatasetPurchasedEventFromLog(log);
      return tx.preparedQuery("insert into chain_purchases (tx_hash, log_index, dataset_id, buyer, price, fee, "
              + "block_number) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing")
          .execute(Tuple.from(new Object[] {txHash, logIndex, num(e.datasetId), e.buyer.toLowerCase(), num(e.price),
              num(e.fee), block}))
          .mapEmpty();
    }
    if (topic.equals(CLAIMED)) {
      var e = DataMarketplace.getClaimedEventFromLog(log);
      return tx.preparedQuery("insert into chain_claims (tx_hash, log_index, dataset_id, leaf_index, account, amount, "
              + "block_number) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing")
          .execute(Tuple.from(new Object[] {txHash, logIndex, num(e.datasetId), num(e.index), e.account.toLowerCase(),
              num(e.amount), block}))
          .mapEmpty();
    }
    return Future.succeededFuture();
  }

  private static Numeric num(BigInteger value) {
    return Numeric.create(value);
  }
}
