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
import java.util.List;
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
  public Future<Void> apply(SqlConnection tx, long from, long to) {
    EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
        DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), address);
    filter.addOptionalTopics(LISTED, REPRICED, DELISTED, PURCHASED, CLAIMED);
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
      Future<Void> chain = Future.succeededFuture();
      for (Log log : logs) {
        chain = chain.compose(v -> applyOne(tx, log));
      }
      if (!logs.isEmpty()) {
        chain = chain.onSuccess(v -> LOG.info("indexed {} marketplace event(s) up to block {}", logs.size(),
            logs.get(logs.size() - 1).getBlockNumber()));
      }
      return chain;
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
