package io.labelledger.dataset;

import io.labelledger.answer.upload.UploadType;
import io.labelledger.chain.ChainException;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.Hex;
import io.labelledger.chain.MarketplaceGateway;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dataset versions after their build: listing on DataMarketplace, the catalogue and free sample,
 * purchase instructions, the dataset card, licences and the notices earlier buyers get.
 */
public final class DatasetService {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetService.class);
  static final long RECEIPT_TIMEOUT_MS = 120_000;
  public static final String SHARES_RULE = "one share per contribution in the version; an account's entitlement from"
      + " a dataset is floor(revenue x shares / totalShares) of its cumulative revenue (revenue = gross paid in"
      + " minus the fee floor(gross x feeBps / 10000)); owed = entitlement - already claimed";
  /** As {@link #SHARES_RULE}, for a version of an upload campaign with peer validation (V19). */
  static final String WEIGHTED_SHARES_RULE = "weighted by campaign (an accepted upload and an accepted validation"
      + " of it each earn their campaign's shares, as the audit bundle's sharesRule states);"
      + SHARES_RULE.substring(SHARES_RULE.indexOf(';') + 1);

  private final Pool pool;
  private final Optional<MarketplaceGateway> market;
  private final Optional<Deployment> deployment;
  private final int sampleSize;

  public DatasetService(Pool pool, Optional<MarketplaceGateway> market, Optional<Deployment> deployment,
      int sampleSize) {
    this.pool = pool;
    this.market = market;
    this.deployment = deployment;
    this.sampleSize = sampleSize;
  }

  /** A dataset version as the API shows it. */
  public record DatasetView(long id, long campaignId, String taskType, int version, Long parentId, String name,
      String status,
      Long chainDatasetId, String marketplace, Long chainId, String paymentToken, String price, Integer feeBps,
      String termsHash, String contentRoot, String sharesRoot, long totalShares, long itemCount,
      long contributionCount, int contributorCount, List<Long> batchIds, Map<String, Object> quality,
      double confidenceBar, String builtAt, String listTx, Long listedBlock, String listedAt, String sharesRule) {}

  static final String VIEW_COLUMNS = """
      d.id, d.campaign_id, d.version, d.parent_id, d.name, d.status, d.chain_dataset_id, d.payment_token,
      d.price::text as price, d.fee_bps, d.terms_hash, d.content_root, d.shares_root, d.total_shares, d.item_count,
      d.contribution_count, d.contributor_count, d.batch_ids, d.quality, d.confidence_bar, d.built_at, d.list_tx,
      d.listed_block, d.listed_at, d.shares_rule is not null as weighted, (select c.task_type from campaigns c where c.id = d.campaign_id) as task_type""";

  DatasetView view(Row r) {
    Long[] batches = r.getArrayOfLongs("batch_ids");
    Object quality = r.getValue("quality");
    return new DatasetView(r.getLong("id"), r.getLong("campaign_id"), r.getString("task_type"), r.getInteger("version"),
        r.getLong("parent_id"),
        r.getString("name"), r.getString("status"), r.getLong("chain_dataset_id"),
        deployment.map(Deployment::marketplace).map(String::toLowerCase).orElse(null),
        deployment.map(Deployment::chainId).orElse(null), r.getString("payment_token"), r.getString("price"),
        r.getInteger("fee_bps"), r.getString("terms_hash"), r.getString("content_root"), r.getString("shares_root"),
        r.getLong("total_shares"), r.getLong("item_count"), r.getLong("contribution_count"),
        r.getInteger("contributor_count"), batches == null ? List.of() : List.of(batches),
        quality instanceof JsonObject j ? j.getMap() : Map.of(), r.getDouble("confidence_bar"),
        text(r.getOffsetDateTime("built_at")), r.getString("list_tx"), r.getLong("listed_block"),
        text(r.getOffsetDateTime("listed_at")), r.getBoolean("weighted") ? WEIGHTED_SHARES_RULE : SHARES_RULE);
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toInstant().toString();
  }

  public Future<DatasetView> get(long id) {
    return get(pool, id);
  }

  Future<DatasetView> get(SqlClient client, long id) {
    return client.preparedQuery("select " + VIEW_COLUMNS + " from datasets d where d.id = $1").execute(Tuple.of(id))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(new ApiException(ErrorCode.DATASET_NOT_FOUND, id))
            : Future.succeededFuture(view(rows.iterator().next())));
  }

  /** The catalogue: versions by id after {@code afterId}; {@code listedOnly} hides unlisted builds. */
  public Future<List<DatasetView>> catalogue(long afterId, int limit, boolean listedOnly) {
    return pool.preparedQuery("select " + VIEW_COLUMNS + " from datasets d where d.id > $1"
            + (listedOnly ? " and d.status = 'listed' and d.delisted_at is null" : "") + " order by d.id limit $2")
        .execute(Tuple.of(afterId, limit))
        .map(rows -> {
          List<DatasetView> out = new ArrayList<>();
          rows.forEach(r -> out.add(view(r)));
          return out;
        });
  }

  /** An item of the free sample. */
  public record SampleItem(long itemId, String item, Object data, String label, double confidence) {}

  /** The first {@code sampleSize} items of the version (export order). */
  public Future<List<SampleItem>> sample(long id) {
    return get(id).compose(d -> pool.preparedQuery("""
            select di.item_id, i.external_id, i.payload, di.label, di.confidence
              from dataset_items di join items i on i.id = di.item_id
             where di.dataset_id = $1 order by di.position limit $2""").execute(Tuple.of(id, sampleSize)))
        .map(rows -> {
          List<SampleItem> out = new ArrayList<>();
          rows.forEach(r -> {
            Object payload = r.getValue("payload");
            out.add(new SampleItem(r.getLong("item_id"), r.getString("external_id"),
                payload instanceof JsonObject j ? j.getMap() : payload, r.getString("label"), r.getDouble("confidence")));
          });
          return out;
        });
  }

  /**
   * Lists a built version on DataMarketplace (curator = the operator key): marks it 'listing',
   * records the transaction hash before broadcasting, then 'listed' with the assigned id. A failed
   * listing becomes 'failed' with the reason and can be retried.
   */
  public Future<DatasetView> list(long id) {
    MarketplaceGateway gateway = market.orElseThrow(
        () -> new ApiException(ErrorCode.CHAIN_UNAVAILABLE, "no chain is configured"));
    return pool.preparedQuery("""
            update datasets d set status = 'listing', failure = null
             where d.id = $1 and d.status in ('built', 'failed')
            returning d.content_root, d.shares_root, d.total_shares, d.payment_token, d.price::text, d.terms_hash,
                      (select p.chain_dataset_id from datasets p where p.id = d.parent_id) as parent_chain_id""")
        .execute(Tuple.of(id))
        .compose(rows -> {
          if (rows.size() == 0) {
            return get(id).compose(d -> Future.failedFuture(new ApiException(ErrorCode.DATASET_ALREADY_LISTED, id,
                d.status())));
          }
          Row r = rows.iterator().next();
          Long parent = r.getLong("parent_chain_id");
          DataMarketplace.ListingParams params = new DataMarketplace.ListingParams(
              Hex.decode(r.getString("content_root")), Hex.decode(r.getString("shares_root")),
              BigInteger.valueOf(r.getLong("total_shares")), r.getString("payment_token"),
              new BigInteger(r.getString("price")), Hex.decode(r.getString("terms_hash")),
              BigInteger.valueOf(parent == null ? 0 : parent));
          return gateway.send(MarketplaceGateway.listData(params),
                  hash -> pool.preparedQuery("update datasets set list_tx = $2 where id = $1")
                      .execute(Tuple.of(id, hash)).mapEmpty(), RECEIPT_TIMEOUT_MS)
              .compose(receipt -> {
                long chainId = gateway.listedId(receipt);
                long block = receipt.getBlockNumber().longValueExact();
                return Future.all(gateway.blockTime(block), gateway.dataset(chainId)).compose(all -> {
                  long time = all.resultAt(0);
                  MarketplaceGateway.OnChainDataset onChain = all.resultAt(1);
                  return pool.preparedQuery("""
                          update datasets set status = 'listed', chain_dataset_id = $2, listed_block = $3,
                                 listed_at = to_timestamp($4), fee_bps = $5 where id = $1""")
                      .execute(Tuple.of(id, chainId, block, (double) time, onChain.feeBps()));
                }).onSuccess(v -> LOG.info("dataset {} listed as DataMarketplace id {} in {}", id, chainId,
                    receipt.getTransactionHash()));
              })
              .recover(err -> pool.preparedQuery("update datasets set status = 'failed', failure = $2 where id = $1")
                  .execute(Tuple.of(id, String.valueOf(err.getMessage())))
                  .transform(ignored -> Future.failedFuture(err instanceof ChainException c
                      ? new ApiException(ErrorCode.CHAIN_UNAVAILABLE, c.getMessage()) : err)))
              .compose(v -> noticeEarlierBuyers())
              .compose(v -> get(id));
        });
  }

  /**
   * Notices for buyers of a listed version when a later listed version of the same campaign left
   * out contributors of theirs (consent withdrawn or expired by build time). Idempotent.
   */
  public Future<Integer> noticeEarlierBuyers() {
    return pool.query("""
        insert into dataset_notices (buyer, dataset_id, superseded_by, contributors_removed, contributions_removed,
                                     items_removed)
        select p.buyer, old.id, new.id,
               (select count(distinct oc.contributor) from dataset_contributions oc
                 where oc.dataset_id = old.id and not exists (select 1 from dataset_shares ns
                                                               where ns.dataset_id = new.id and ns.account = oc.contributor)),
               (select count(*) from dataset_contributions oc
                 where oc.dataset_id = old.id and not exists (select 1 from dataset_contributions nc
                                                               where nc.dataset_id = new.id
                                                                 and nc.contribution_id = oc.contribution_id)),
               (select count(*) from dataset_items oi
                 where oi.dataset_id = old.id and not exists (select 1 from dataset_items ni
                                                               where ni.dataset_id = new.id and ni.item_id = oi.item_id))
          from datasets new
          join datasets old on old.campaign_id = new.campaign_id and old.version < new.version and old.status = 'listed'
          join dataset_purchases p on p.chain_dataset_id = old.chain_dataset_id
         where new.status = 'listed'
           and exists (select 1 from dataset_contributions oc
                        where oc.dataset_id = old.id and not exists (select 1 from dataset_shares ns
                                                                      where ns.dataset_id = new.id
                                                                        and ns.account = oc.contributor))
        on conflict do nothing""").execute().map(rows -> rows.rowCount());
  }

  /** One call of a purchase, as a wallet sends it. */
  public record Call(String description, String to, String function, String data) {}

  /** How a buyer buys a listed version from their own wallet. */
  public record PurchaseInstructions(long datasetId, long chainDatasetId, long chainId, String marketplace,
      String paymentToken, String price, List<Call> approveThenPurchase, String purchaseWithPermit,
      Map<String, Object> permitTypedData, String cli) {}

  public Future<PurchaseInstructions> purchase(long id) {
    return get(id).compose(d -> pool.preparedQuery("select delisted_at is not null from datasets where id = $1")
        .execute(Tuple.of(id)).map(rows -> rows.iterator().next().getBoolean(0) ? null : d)).map(d -> {
      if (d == null) {
        throw new ApiException(ErrorCode.DATASET_NOT_LISTED, id, "delisted");
      }
      if (!"listed".equals(d.status())) {
        throw new ApiException(ErrorCode.DATASET_NOT_LISTED, id, d.status());
      }
      BigInteger price = new BigInteger(d.price());
      String marketplace = d.marketplace();
      List<Call> calls = List.of(
          new Call("let the marketplace pull the price from your token balance", d.paymentToken(),
              "approve(address spender, uint256 amount)", MarketplaceGateway.approveData(marketplace, price)),
          new Call("buy the licence; reverts DataMarketplacePriceAboveMax if the price rose above maxPrice", marketplace,
              "purchase(uint256 datasetId, uint256 maxPrice)",
              MarketplaceGateway.purchaseData(d.chainDatasetId(), price)));
      Map<String, Object> permit = Map.of(
          "primaryType", "Permit",
          "types", Map.of("Permit", List.of(field("owner", "address"), field("spender", "address"),
              field("value", "uint256"), field("nonce", "uint256"), field("deadline", "uint256"))),
          "domain", Map.of("name", "<the token's eip712Domain().name>", "version", "<eip712Domain().version>",
              "chainId", d.chainId(), "verifyingContract", d.paymentToken()),
          "message", Map.of("owner", "<your address>", "spender", marketplace, "value", price.toString(),
              "nonce", "<token.nonces(you)>", "deadline", "<unix time>"));
      return new PurchaseInstructions(id, d.chainDatasetId(), d.chainId(), marketplace, d.paymentToken(),
          d.price(), calls,
          "purchaseWithPermit(uint256 datasetId, uint256 maxPrice, uint256 deadline, uint8 v, bytes32 r, bytes32 s)"
              + " with a permit for maxPrice signed over the Permit typed data: one transaction, no approve",
          permit, "LABELLEDGER_BUYER_KEY=0x... scripts/labelledger buy --dataset " + d.chainDatasetId()
              + " --max-price " + price + " --rpc-url <node>");
    });
  }

  private static Map<String, String> field(String name, String type) {
    return Map.of("name", name, "type", type);
  }

  /** A licence recorded from a DatasetPurchased log (or read from the chain when not yet indexed). */
  public record Licence(long datasetId, long chainDatasetId, String buyer, String price, String fee, String txHash,
      Long block, String purchasedAt) {}

  /**
   * The caller's licence for a listed version: the indexed purchase, else the contract's
   * {@code licensedAt} (so a purchase mined a moment ago counts before the indexer's next round).
   */
  public Future<Licence> requireLicence(long id, String account) {
    return get(id).compose(d -> {
      if (!"listed".equals(d.status())) {
        return Future.failedFuture(new ApiException(ErrorCode.DATASET_NOT_LISTED, id, d.status()));
      }
      return pool.preparedQuery("""
              select price::text, fee::text, tx_hash, block_number, purchased_at from dataset_purchases
               where chain_dataset_id = $1 and buyer = $2""").execute(Tuple.of(d.chainDatasetId(), account))
          .compose(rows -> {
            if (rows.size() > 0) {
              Row r = rows.iterator().next();
              return Future.succeededFuture(new Licence(id, d.chainDatasetId(), account, r.getString(0), r.getString(1),
                  r.getString(2), r.getLong(3), text(r.getOffsetDateTime(4))));
            }
            MarketplaceGateway gateway = market.orElseThrow(
                () -> new ApiException(ErrorCode.CHAIN_UNAVAILABLE, "no chain is configured"));
            return gateway.licensedAt(d.chainDatasetId(), account).compose(at -> at == 0
                ? Future.failedFuture(new ApiException(ErrorCode.LICENCE_REQUIRED, account, id, d.chainDatasetId(), id))
                : Future.succeededFuture(new Licence(id, d.chainDatasetId(), account, null, null, null, null,
                    Instant.ofEpochSecond(at).toString())));
          });
    });
  }

  public Future<List<Licence>> licences(String account) {
    return pool.preparedQuery("""
            select d.id, p.chain_dataset_id, p.price::text, p.fee::text, p.tx_hash, p.block_number, p.purchased_at
              from dataset_purchases p join datasets d on d.chain_dataset_id = p.chain_dataset_id
             where p.buyer = $1 order by p.block_number, p.log_index""").execute(Tuple.of(account))
        .map(rows -> {
          List<Licence> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Licence(r.getLong(0), r.getLong(1), account, r.getString(2), r.getString(3),
              r.getString(4), r.getLong(5), text(r.getOffsetDateTime(6)))));
          return out;
        });
  }

  /** A notice to a buyer of an earlier version. */
  public record Notice(long id, long datasetId, long supersededBy, int contributorsRemoved, int contributionsRemoved,
      int itemsRemoved, String createdAt, String message) {}

  public record NoticePage(List<Notice> notices, Long nextAfterId) {}

  public Future<NoticePage> notices(String account, long afterId, int limit) {
    return pool.preparedQuery("""
            select n.id, n.dataset_id, n.superseded_by, n.contributors_removed, n.contributions_removed,
                   n.items_removed, n.created_at, old.name as old_name, new.name as new_name
              from dataset_notices n join datasets old on old.id = n.dataset_id join datasets new on new.id = n.superseded_by
             where n.buyer = $1 and n.id > $2 order by n.id limit $3""").execute(Tuple.of(account, afterId, limit))
        .map(rows -> {
          List<Notice> out = new ArrayList<>();
          rows.forEach(r -> out.add(new Notice(r.getLong("id"), r.getLong("dataset_id"), r.getLong("superseded_by"),
              r.getInteger("contributors_removed"), r.getInteger("contributions_removed"),
              r.getInteger("items_removed"), text(r.getOffsetDateTime("created_at")),
              String.format("'%s' (dataset %d) leaves out the work of %d contributor(s) of '%s' (dataset %d, which you"
                      + " licensed) whose consent was no longer valid when it was built: %d contribution(s), %d item(s)"
                      + " fewer. Use the newer version for future training; data already used stays licensed.",
                  r.getString("new_name"), r.getLong("superseded_by"), r.getInteger("contributors_removed"),
                  r.getString("old_name"), r.getLong("dataset_id"), r.getInteger("contributions_removed"),
                  r.getInteger("items_removed")))));
          return new NoticePage(out, out.size() == limit ? out.get(out.size() - 1).id() : null);
        });
  }

  /** The dataset card (Markdown): provenance, terms, quality and how to verify. */
  public Future<String> card(long id) {
    return get(id).compose(d -> pool.preparedQuery("select (select text from terms where terms_hash = $1),"
            + " array(select label from campaign_labels where campaign_id = $2 order by position)")
        .execute(Tuple.of(d.termsHash(), d.campaignId()))
        .compose(rows -> {
          Row row = rows.iterator().next();
          Future<DatasetExporter.LeftOut> left = d.taskType().equals(UploadType.NAME)
              ? DatasetExporter.leftOut(pool, id) : Future.succeededFuture(DatasetExporter.LeftOut.NONE);
          return left.map(l -> DatasetCard.render(d, row.getString(0), List.of(row.getArrayOfStrings(1)),
              deployment, l));
        }));
  }
}
