package io.labelledger.dataset;

import io.labelledger.answer.boxes.BoxesType;
import io.labelledger.answer.pairwise.PairwiseType;
import io.labelledger.answer.upload.UploadType;
import io.labelledger.auth.Guards;
import io.labelledger.campaign.CampaignTypes;
import io.labelledger.http.Params;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.JsonCodec;
import io.labelledger.ops.ActivityLog;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Datasets: build and list (operator); catalogue, sample, card and purchase instructions (public);
 * export (signed-in licence holders); licences, notices and earnings of the signed-in account.
 */
public final class DatasetRoutes implements ApiModule {
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 200;

  private final DatasetBuilder builder;
  private final DatasetService datasets;
  private final DatasetExporter exporter;
  private final CampaignTypes types;
  private final Optional<Earnings> earnings;
  private final JsonCodec json;
  private final Clock clock;

  private final ActivityLog activity;

  public DatasetRoutes(DatasetBuilder builder, DatasetService datasets, DatasetExporter exporter,
      CampaignTypes types, Optional<Earnings> earnings, JsonCodec json, Clock clock, ActivityLog activity) {
    this.activity = activity;
    this.builder = builder;
    this.datasets = datasets;
    this.exporter = exporter;
    this.types = types;
    this.earnings = earnings;
    this.json = json;
    this.clock = clock;
  }

  /** {@code POST /api/campaigns/{id}/datasets}: price in token units as a decimal string. */
  public record BuildRequest(
      @NotNull @Pattern(regexp = "[1-9][0-9]{0,37}", message = "must be a positive integer of token units") String price,
      @Size(min = 1, max = 200) String name,
      @DecimalMin("0.0") @DecimalMax("1.0") Double confidenceBar) {}

  public record DatasetPage(List<DatasetService.DatasetView> datasets, Long nextAfterId) {}

  @Override
  public void mount(Router router) {
    router.post("/api/campaigns/:id/datasets").handler(json.bodyHandler()).handler(Guards.requireOperator())
        .handler(ctx -> {
          long campaignId = Params.pathId(ctx, "id");
          BuildRequest body = json.decode(ctx, BuildRequest.class);
          BigInteger price = new BigInteger(body.price());
          if (price.bitLength() > 128) {
            throw new ApiException(ErrorCode.VALIDATION_FAILED, "price must be below 2^128");
          }
          json.reply(ctx, 201, activity.after(ctx, "version.built", builder.build(campaignId,
              new DatasetBuilder.Request(price, body.name(), body.confidenceBar()), clock.instant())
              .compose(datasets::get), d -> Map.of("datasetId", d.id(), "campaignId", d.campaignId(),
              "version", d.version(), "items", d.itemCount(), "price", d.price())));
        });
    router.post("/api/datasets/:id/listing").handler(Guards.requireOperator())
        .handler(ctx -> {
          long id = Params.pathId(ctx, "id");
          json.reply(ctx, 200, activity.after(ctx, "version.listed", datasets.list(id),
              listed -> Map.of("datasetId", id)));
        });

    router.get("/api/datasets").handler(ctx -> {
      long afterId = Params.query(ctx, "afterId", 0, 0, Long.MAX_VALUE);
      int limit = (int) Params.query(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
      boolean all = "all".equals(ctx.queryParams().get("status"));
      json.reply(ctx, 200, datasets.catalogue(afterId, limit, !all).map(page -> new DatasetPage(page,
          page.size() == limit ? page.get(page.size() - 1).id() : null)));
    });
    router.get("/api/datasets/:id").handler(ctx -> json.reply(ctx, 200, datasets.get(Params.pathId(ctx, "id"))));
    router.get("/api/datasets/:id/sample").handler(ctx -> json.reply(ctx, 200,
        datasets.sample(Params.pathId(ctx, "id")).map(items -> Map.of("items", items))));
    router.get("/api/datasets/:id/purchase").handler(ctx -> json.reply(ctx, 200, datasets.purchase(Params.pathId(ctx, "id"))));
    router.get("/api/datasets/:id/card").handler(ctx -> {
      long id = Params.pathId(ctx, "id");
      datasets.card(id).onSuccess(md -> ctx.response().putHeader("Content-Type", "text/markdown; charset=utf-8")
          .end(md)).onFailure(ctx::fail);
    });
    router.get("/api/datasets/:id/export").handler(Guards.requireSession()).handler(this::export);

    router.get("/api/licences/me").handler(Guards.requireSession()).handler(ctx -> json.reply(ctx, 200,
        datasets.licences(Guards.account(ctx).address()).map(list -> Map.of("licences", list))));
    router.get("/api/notices/me").handler(Guards.requireSession()).handler(ctx -> {
      long afterId = Params.query(ctx, "afterId", 0, 0, Long.MAX_VALUE);
      int limit = (int) Params.query(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
      json.reply(ctx, 200, datasets.notices(Guards.account(ctx).address(), afterId, limit));
    });
    router.get("/api/earnings/me").handler(Guards.requireSession()).handler(ctx -> json.reply(ctx, 200,
        requireEarnings().statement(Guards.account(ctx).address())));
    router.post("/api/earnings/me/claims").handler(Guards.requireSession()).handler(ctx -> json.reply(ctx, 200,
        requireEarnings().claimForAccount(Guards.account(ctx).address(), clock.instant())));
  }

  private Earnings requireEarnings() {
    return earnings.orElseThrow(() -> new ApiException(ErrorCode.CHAIN_UNAVAILABLE, "no chain is configured"));
  }

  private void export(RoutingContext ctx) {
    long id = Params.pathId(ctx, "id");
    String raw = ctx.queryParams().get("format");
    DatasetExporter.Format format;
    if (raw == null || raw.equals("jsonl")) {
      format = DatasetExporter.Format.JSONL;
    } else if (raw.equals("parquet")) {
      format = DatasetExporter.Format.PARQUET;
    } else if (raw.equals("dpo")) {
      format = DatasetExporter.Format.DPO;
    } else if (raw.equals("coco")) {
      format = DatasetExporter.Format.COCO;
    } else if (raw.equals("webdataset")) {
      format = DatasetExporter.Format.WEBDATASET;
    } else if (raw.equals("audiofolder")) {
      format = DatasetExporter.Format.AUDIOFOLDER;
    } else if (raw.equals("imagefolder")) {
      format = DatasetExporter.Format.IMAGEFOLDER;
    } else {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, "format",
          "must be jsonl, parquet, dpo, coco, webdataset, audiofolder or imagefolder");
    }
    String account = Guards.account(ctx).address();
    Future<DatasetService.Licence> licence = datasets.requireLicence(id, account);
    licence.compose(l -> datasets.card(id).map(card -> Map.of(ExportParquet.CARD_KEY, card)))
        .compose(meta -> datasets.get(id).compose(d -> types.of(d.campaignId()).compose(type -> {
          if (format == DatasetExporter.Format.DPO && !d.taskType().equals(PairwiseType.NAME)) {
            return Future.failedFuture(new ApiException(ErrorCode.INVALID_PARAMETER, "format",
                "dpo is only for pairwise versions; this one is " + d.taskType()));
          }
          if (format == DatasetExporter.Format.COCO && !d.taskType().equals(BoxesType.NAME)) {
            return Future.failedFuture(new ApiException(ErrorCode.INVALID_PARAMETER, "format",
                "coco is only for boxes versions; this one is " + d.taskType()));
          }
          if (format.withFiles() && !d.taskType().equals(UploadType.NAME)) {
            return Future.failedFuture(new ApiException(ErrorCode.INVALID_PARAMETER, "format",
                raw + " is only for upload versions (it carries the contributed files); this one is " + d.taskType()));
          }
          if (format == DatasetExporter.Format.AUDIOFOLDER || format == DatasetExporter.Format.IMAGEFOLDER) {
            String kind = format == DatasetExporter.Format.AUDIOFOLDER ? "audio/" : "image/";
            List<String> media = ((UploadType.Bound) type.orElseThrow()).mediaTypes();
            if (!media.stream().allMatch(m -> m.startsWith(kind))) {
              return Future.failedFuture(new ApiException(ErrorCode.INVALID_PARAMETER, "format",
                  raw + " needs a campaign of " + kind + "* files only; this one accepts " + media
                      + " (use webdataset)"));
            }
          }
          ctx.response().putHeader("Link", "</api/datasets/" + id + "/card>; rel=\"describedby\"");
          return exporter.export(id, format, type.orElseThrow(), meta, "dataset-" + id + "-v" + d.version(),
              ctx.response());
        })))
        .onFailure(err -> {
          if (!ctx.response().headWritten()) {
            ctx.fail(err);
          }
        });
  }
}
