package io.labelledger.dataset;

import io.labelledger.chain.ChainException;
import io.labelledger.chain.Hex;
import io.labelledger.chain.MarketplaceGateway;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.labelledger.market.SharesTree;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A contributor's earnings per listed dataset, from the contract's own views (so the figures are
 * what a claim pays), with the proofs and the {@code claimMany} call that claims them all; and
 * claims the operator sends for a contributor (the operator pays the gas, the contract pays only
 * the account in the leaf), at most once per {@code claimIntervalSeconds} per account.
 */
public final class Earnings {
  private static final Logger LOG = LoggerFactory.getLogger(Earnings.class);
  private static final int TREE_CACHE = 64;

  private final Pool pool;
  private final MarketplaceGateway market;
  private final long claimIntervalSeconds;
  /** Shares trees of listed versions: immutable, so cached (bounded; cleared when full). */
  private final Map<Long, SharesTree> trees = new ConcurrentHashMap<>();

  public Earnings(Pool pool, MarketplaceGateway market, long claimIntervalSeconds) {
    this.pool = pool;
    this.market = market;
    this.claimIntervalSeconds = claimIntervalSeconds;
  }

  /** One dataset's position for the account. Amounts are token units as decimal strings. */
  public record DatasetEarnings(long datasetId, long chainDatasetId, String name, long index, long shares,
      long totalShares, String revenue, String entitled, String claimed, String owed, List<String> proof) {}

  /** The claim a wallet sends: {@code to} and {@code data} of claimMany over the datasets with something owed. */
  public record ClaimCall(String to, String function, String data, List<Long> chainDatasetIds) {}

  public record Statement(String account, List<DatasetEarnings> datasets, String totalOwed, String paymentToken,
      ClaimCall claimCall, String rule) {}

  public Future<Statement> statement(String account) {
    return pool.preparedQuery("""
            select d.id, d.chain_dataset_id, d.name, d.total_shares, d.payment_token, s.leaf_index, s.shares
              from dataset_shares s join datasets d on d.id = s.dataset_id
             where s.account = $1 and d.status = 'listed' order by d.id""").execute(Tuple.of(account))
        .compose(rows -> {
          List<Future<DatasetEarnings>> each = new ArrayList<>();
          String token = null;
          for (Row r : rows) {
            token = r.getString("payment_token");
            each.add(one(account, r));
          }
          String paymentToken = token;
          return Future.all(each).map(all -> {
            List<DatasetEarnings> list = new ArrayList<>();
            BigInteger total = BigInteger.ZERO;
            List<MarketplaceGateway.Claim> claims = new ArrayList<>();
            for (int i = 0; i < each.size(); i++) {
              DatasetEarnings e = each.get(i).result();
              list.add(e);
              BigInteger owed = new BigInteger(e.owed());
              total = total.add(owed);
              if (owed.signum() > 0) {
                claims.add(new MarketplaceGateway.Claim(e.chainDatasetId(), e.index(), account,
                    BigInteger.valueOf(e.shares()), e.proof().stream().map(Hex::decode).toList()));
              }
            }
            ClaimCall call = claims.isEmpty() ? null : new ClaimCall(market.address(),
                "claimMany((uint256 datasetId, uint256 index, address account, uint256 shares, bytes32[] proof)[])",
                MarketplaceGateway.claimManyData(claims), claims.stream().map(MarketplaceGateway.Claim::datasetId)
                    .toList());
            return new Statement(account, list, total.toString(), paymentToken, call, DatasetService.SHARES_RULE);
          });
        });
  }

  private Future<DatasetEarnings> one(String account, Row r) {
    long datasetId = r.getLong("id");
    long chainId = r.getLong("chain_dataset_id");
    long index = r.getInteger("leaf_index");
    long shares = r.getLong("shares");
    long totalShares = r.getLong("total_shares");
    return Future.all(tree(datasetId), market.dataset(chainId), market.position(chainId, index,
        BigInteger.valueOf(shares))).map(all -> {
          SharesTree tree = all.resultAt(0);
          MarketplaceGateway.OnChainDataset onChain = all.resultAt(1);
          MarketplaceGateway.LeafPosition position = all.resultAt(2);
          if (!tree.entry((int) index).account().equalsIgnoreCase(account)) {
            throw new IllegalStateException("shares leaf " + index + " of dataset " + datasetId + " is not " + account);
          }
          BigInteger entitled = onChain.revenue().multiply(BigInteger.valueOf(shares))
              .divide(BigInteger.valueOf(totalShares));
          return new DatasetEarnings(datasetId, chainId, r.getString("name"), index, shares, totalShares,
              onChain.revenue().toString(), entitled.toString(), position.claimed().toString(),
              position.owed().toString(), tree.proof((int) index).stream().map(Hex::encode).toList());
        });
  }

  private Future<SharesTree> tree(long datasetId) {
    SharesTree cached = trees.get(datasetId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return pool.preparedQuery("select account, shares from dataset_shares where dataset_id = $1 order by leaf_index")
        .execute(Tuple.of(datasetId)).map(rows -> {
          List<SharesTree.Entry> entries = new ArrayList<>();
          rows.forEach(row -> entries.add(new SharesTree.Entry(row.getString(0), BigInteger.valueOf(row.getLong(1)))));
          SharesTree tree = SharesTree.of(entries);
          if (trees.size() >= TREE_CACHE) {
            trees.clear();
          }
          trees.put(datasetId, tree);
          return tree;
        });
  }

  /** What the operator's claim paid. */
  public record ClaimResult(long claimId, String account, String txHash, String paid, List<Long> chainDatasetIds) {}

  /**
   * Sends {@code claimMany} for everything owed to {@code account}, from the operator key. Refused
   * with 429 when the account's previous operator claim is younger than the interval (a failed one
   * does not count), and with 409 when nothing is owed.
   */
  public Future<ClaimResult> claimForAccount(String account, Instant now) {
    return statement(account).compose(statement -> {
      if (statement.claimCall() == null) {
        return Future.failedFuture(new ApiException(ErrorCode.NOTHING_TO_CLAIM, account));
      }
      List<Long> ids = statement.claimCall().chainDatasetIds();
      return reserve(account, ids, now).compose(claimId -> market.send(statement.claimCall().data(),
              hash -> pool.preparedQuery("update operator_claims set tx_hash = $2, status = 'sent' where id = $1")
                  .execute(Tuple.of(claimId, hash)).mapEmpty(), DatasetService.RECEIPT_TIMEOUT_MS)
          .compose(receipt -> {
            BigInteger paid = market.claimedIn(receipt);
            LOG.info("operator claim {} for {} paid {} in {}", claimId, account, paid, receipt.getTransactionHash());
            return pool.preparedQuery("update operator_claims set status = 'confirmed', amount = $2::numeric"
                    + " where id = $1").execute(Tuple.of(claimId, io.vertx.sqlclient.data.Numeric.create(new java.math.BigDecimal(paid))))
                .map(new ClaimResult(claimId, account, receipt.getTransactionHash(), paid.toString(), ids));
          })
          .recover(err -> pool.preparedQuery("update operator_claims set status = 'failed', failure = $2 where id = $1")
              .execute(Tuple.of(claimId, String.valueOf(err.getMessage())))
              .transform(ignored -> Future.failedFuture(err instanceof ChainException c
                  ? new ApiException(ErrorCode.CHAIN_UNAVAILABLE, c.getMessage()) : err))));
    });
  }

  /** Inserts the claim row unless a recent one exists; per-account advisory lock against races. */
  private Future<Long> reserve(String account, List<Long> ids, Instant now) {
    return pool.withTransaction(tx -> tx.preparedQuery("select pg_advisory_xact_lock(hashtext($1))")
        .execute(Tuple.of("operator-claim:" + account))
        .compose(v -> tx.preparedQuery("""
                select created_at from operator_claims
                 where account = $1 and status <> 'failed' and created_at > to_timestamp($2)
                 order by created_at desc limit 1""")
            .execute(Tuple.of(account, (double) (now.getEpochSecond() - claimIntervalSeconds))))
        .compose(recent -> {
          if (recent.size() > 0) {
            Instant last = recent.iterator().next().getOffsetDateTime(0).toInstant();
            return Future.failedFuture(new ApiException(ErrorCode.CLAIM_TOO_SOON, account, last,
                last.plusSeconds(claimIntervalSeconds)));
          }
          return tx.preparedQuery("insert into operator_claims (account, dataset_ids, created_at)"
                  + " values ($1, $2, to_timestamp($3)) returning id")
              .execute(Tuple.of(account, ids.toArray(Long[]::new), (double) now.getEpochSecond()))
              .map(rows -> rows.iterator().next().getLong(0));
        }));
  }

  /** Figures for tests and tools: the entitlement rule on its own. */
  public static BigInteger entitlement(BigInteger revenue, long shares, long totalShares) {
    return revenue.multiply(BigInteger.valueOf(shares)).divide(BigInteger.valueOf(totalShares));
  }
}
