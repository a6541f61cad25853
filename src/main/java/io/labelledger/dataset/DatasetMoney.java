package io.labelledger.dataset;

import io.labelledger.auth.Guards;
import io.labelledger.chain.ChainException;
import io.labelledger.chain.MarketplaceGateway;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.JsonCodec;
import io.labelledger.http.Params;
import io.labelledger.ops.ActivityLog;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operator's side of versions and money: how many items and contributions a confidence bar
 * would let into a version before building it, a version's sales (purchases, revenue, fees,
 * claims), and repricing or delisting a listed version on DataMarketplace ({@code reprice},
 * {@code delist}: curator-only functions of the contract, sent with the operator key).
 */
public final class DatasetMoney implements ApiModule {
  private final Pool pool;
  private final DatasetService datasets;
  private final Optional<MarketplaceGateway> market;
  private final JsonCodec json;
  private final ActivityLog activity;

  public DatasetMoney(Pool pool, DatasetService datasets, Optional<MarketplaceGateway> market, JsonCodec json,
      ActivityLog activity) {
    this.pool = pool;
    this.datasets = datasets;
    this.market = market;
    this.json = json;
    this.activity = activity;
  }

  /**
   * What a version built now at {@code minConfidence} would hold, from the aggregation worker's
   * current labels: a build settles the model first, so its counts can differ slightly.
   */
  public record Preview(long campaignId, double minConfidence, long items, long contributions, long contributors,
      long decidedItems) {}

  /** {@code POST /api/datasets/{id}/price}: the new price in token units. */
  public record RepriceRequest(
      @NotNull @Pattern(regexp = "[1-9][0-9]{0,37}", message = "must be a positive integer of token units")
      String price) {}

  /** One purchase of a version. */
  public record Sale(String buyer, String price, String fee, String txHash, long block, String at) {}

  /**
   * A version's money: gross paid in, the treasury's fees, revenue for contributors (gross − fees),
   * what contributors claimed so far, and each purchase (oldest first).
   */
  public record Sales(long datasetId, Long chainDatasetId, String status, String price, String delistedAt,
      long purchases, String gross, String fees, String revenue, String claimed, long claims, List<Sale> sales) {}

  @Override
  public void mount(Router router) {
    router.get("/api/campaigns/:id/versions/preview").handler(Guards.requireOperator()).handler(ctx -> {
      long id = Params.pathId(ctx, "id");
      String raw = ctx.queryParams().get("minConfidence");
      double bar;
      try {
        bar = raw == null ? Double.NaN : Double.parseDouble(raw);
      } catch (NumberFormatException e) {
        bar = Double.NaN;
      }
      if (!(bar >= 0 && bar <= 1)) {
        throw new ApiException(ErrorCode.INVALID_PARAMETER, "minConfidence", "must be a number from 0 to 1");
      }
      json.reply(ctx, 200, preview(id, bar));
    });
    router.get("/api/datasets/:id/sales").handler(Guards.requireOperator())
        .handler(ctx -> json.reply(ctx, 200, sales(Params.pathId(ctx, "id"))));
    router.post("/api/datasets/:id/price").handler(json.bodyHandler()).handler(Guards.requireOperator())
        .handler(ctx -> {
          long id = Params.pathId(ctx, "id");
          BigInteger price = new BigInteger(json.decode(ctx, RepriceRequest.class).price());
          if (price.bitLength() > 128) {
            throw new ApiException(ErrorCode.VALIDATION_FAILED, "price must be below 2^128");
          }
          json.reply(ctx, 200, activity.after(ctx, "version.repriced", reprice(id, price),
              d -> Map.of("datasetId", id, "price", price.toString())));
        });
    router.post("/api/datasets/:id/delisting").handler(Guards.requireOperator()).handler(ctx -> {
      long id = Params.pathId(ctx, "id");
      json.reply(ctx, 200, activity.after(ctx, "version.delisted", delist(id), d -> Map.of("datasetId", id)));
    });
  }

  private Future<Preview> preview(long campaignId, double bar) {
    return pool.preparedQuery("select 1 from campaigns where id = $1").execute(Tuple.of(campaignId)).compose(found -> {
      if (found.size() == 0) {
        return Future.failedFuture(new ApiException(ErrorCode.CAMPAIGN_NOT_FOUND, campaignId));
      }
      return pool.preparedQuery("""
              select count(distinct i.id), count(*), count(distinct c.contributor),
                     (select count(*) from items d
                       where d.campaign_id = $1 and not d.is_gold and d.decided_at is not null)
                from items i
                join contributions c on c.item_id = i.id
               where i.campaign_id = $1 and not i.is_gold and i.decided_at is not null and i.confidence >= $2
                 and c.status = 'accepted'
                 and exists (select 1 from consent_state cs
                              where cs.contributor = c.contributor and cs.terms_hash = c.terms_hash
                                and cs.revoked_at is null and cs.expires_at > now())
                 and\s""" + DatasetBuilder.ANCHORED).execute(Tuple.of(campaignId, bar)).map(rows -> {
        Row r = rows.iterator().next();
        return new Preview(campaignId, bar, r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3));
      });
    });
  }

  private Future<Sales> sales(long id) {
    return datasets.get(id).compose(d -> pool.preparedQuery("select delisted_at from datasets where id = $1")
        .execute(Tuple.of(id)).compose(delisted -> {
          OffsetDateTime at = delisted.iterator().next().getOffsetDateTime(0);
          if (d.chainDatasetId() == null) {
            return Future.succeededFuture(new Sales(id, null, d.status(), d.price(), null, 0, "0", "0", "0", "0", 0,
                List.of()));
          }
          long chainId = d.chainDatasetId();
          Future<List<Sale>> sold = pool.preparedQuery("""
                  select buyer, price::text, fee::text, tx_hash, block_number, purchased_at from dataset_purchases
                   where chain_dataset_id = $1 order by block_number, log_index""").execute(Tuple.of(chainId))
              .map(rows -> {
                List<Sale> out = new ArrayList<>();
                rows.forEach(r -> out.add(new Sale(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
                    r.getLong(4), r.getOffsetDateTime(5).toInstant().toString())));
                return out;
              });
          Future<Row> claims = pool.preparedQuery("""
                  select coalesce(sum(amount), 0)::text, count(*) from chain_claims where dataset_id = $1""")
              .execute(Tuple.of(io.vertx.sqlclient.data.Numeric.create(BigDecimal.valueOf(chainId))))
              .map(rows -> rows.iterator().next());
          return Future.all(sold, claims).map(all -> {
            BigInteger gross = BigInteger.ZERO;
            BigInteger fees = BigInteger.ZERO;
            for (Sale s : sold.result()) {
              gross = gross.add(new BigInteger(s.price()));
              fees = fees.add(new BigInteger(s.fee()));
            }
            return new Sales(id, chainId, d.status(), d.price(), at == null ? null : at.toInstant().toString(),
                sold.result().size(), gross.toString(), fees.toString(), gross.subtract(fees).toString(),
                claims.result().getString(0), claims.result().getLong(1), sold.result());
          });
        }));
  }

  private MarketplaceGateway gateway() {
    return market.orElseThrow(() -> new ApiException(ErrorCode.CHAIN_UNAVAILABLE, "no chain is configured"));
  }

  /** The listed, not delisted version's id on DataMarketplace; 409 otherwise. */
  private Future<Long> listedOnChain(long id) {
    return datasets.get(id).compose(d -> pool.preparedQuery("select delisted_at is not null from datasets where id = $1")
        .execute(Tuple.of(id)).compose(rows -> {
          boolean delisted = rows.iterator().next().getBoolean(0);
          if (!"listed".equals(d.status()) || d.chainDatasetId() == null || delisted) {
            return Future.failedFuture(new ApiException(ErrorCode.DATASET_NOT_LISTED, id,
                delisted ? "delisted" : d.status()));
          }
          return Future.succeededFuture(d.chainDatasetId());
        }));
  }

  private Future<DatasetService.DatasetView> reprice(long id, BigInteger price) {
    MarketplaceGateway gateway = gateway();
    return listedOnChain(id)
        .compose(chainId -> gateway.send(MarketplaceGateway.repriceData(chainId, price), hash -> Future.succeededFuture(),
            DatasetService.RECEIPT_TIMEOUT_MS))
        .recover(DatasetMoney::chainFailure)
        .compose(receipt -> pool.preparedQuery("update datasets set price = $2::numeric where id = $1")
            .execute(Tuple.of(id, io.vertx.sqlclient.data.Numeric.create(new BigDecimal(price)))))
        .compose(v -> datasets.get(id));
  }

  private Future<DatasetService.DatasetView> delist(long id) {
    MarketplaceGateway gateway = gateway();
    return listedOnChain(id)
        .compose(chainId -> gateway.send(MarketplaceGateway.delistData(chainId), hash -> Future.succeededFuture(),
            DatasetService.RECEIPT_TIMEOUT_MS))
        .recover(DatasetMoney::chainFailure)
        .compose(receipt -> pool.preparedQuery("update datasets set delisted_at = now() where id = $1")
            .execute(Tuple.of(id)))
        .compose(v -> datasets.get(id));
  }

  private static <T> Future<T> chainFailure(Throwable err) {
    return Future.failedFuture(err instanceof ChainException c ? new ApiException(ErrorCode.CHAIN_UNAVAILABLE,
        c.getMessage()) : err);
  }
}
