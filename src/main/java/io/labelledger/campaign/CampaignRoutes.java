package io.labelledger.campaign;

import io.labelledger.auth.Guards;
import io.labelledger.http.Params;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.JsonCodec;
import io.labelledger.ops.ActivityLog;
import io.labelledger.http.RequestPausing;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.List;

/** {@code /api/campaigns}: create and upload items (operator), list and read (public). */
public final class CampaignRoutes implements ApiModule {
  static final int DEFAULT_PAGE = 50;
  static final int MAX_PAGE = 200;

  private final CampaignService campaigns;
  private final CampaignQueries queries;
  private final ItemQueries items;
  private final Pool pool;
  private final JsonCodec json;
  private final UploadLimits limits;
  private final CampaignTypes types;

  /**
   * @param maxLineBytes longest single item line (the JSON body limit)
   */
  public record UploadLimits(long maxBytes, int batchSize, int reportedRejections, int maxLineBytes) {}

  private final ActivityLog activity;

  public CampaignRoutes(CampaignService campaigns, CampaignQueries queries, ItemQueries items, Pool pool,
      JsonCodec json, UploadLimits limits, CampaignTypes types, ActivityLog activity) {
    this.activity = activity;
    this.campaigns = campaigns;
    this.queries = queries;
    this.items = items;
    this.pool = pool;
    this.json = json;
    this.limits = limits;
    this.types = types;
  }

  public record CampaignPage(List<Campaign> campaigns, Long nextAfterId) {}

  @Override
  public void mount(Router router) {
    router.post("/api/campaigns").handler(json.bodyHandler()).handler(Guards.requireOperator()).handler(ctx ->
        json.reply(ctx, 201, activity.after(ctx, "campaign.created",
            campaigns.create(json.decode(ctx, CreateCampaignRequest.class)),
            c -> java.util.Map.of("campaignId", c.id(), "name", c.name(), "taskType", c.taskType()))));

    router.get("/api/campaigns").handler(ctx -> {
      long afterId = Params.query(ctx, "afterId", 0, 0, Long.MAX_VALUE);
      int limit = (int) Params.query(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
      json.reply(ctx, 200, queries.list(afterId, limit).map(page -> new CampaignPage(page,
          page.size() == limit ? page.get(page.size() - 1).id() : null)));
    });

    router.get("/api/campaigns/:id").handler(ctx -> json.reply(ctx, 200, campaigns.get(Params.pathId(ctx, "id"))));

    // no BodyHandler: the body is streamed line by line (see ItemUpload)
    router.post("/api/campaigns/:id/items").handler(Guards.requireOperator()).handler(this::upload);
  }

  private void upload(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !(type.startsWith("application/x-ndjson") || type.startsWith("application/jsonl"))) {
      throw new ApiException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "application/x-ndjson");
    }
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > limits.maxBytes()) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      throw new ApiException(ErrorCode.BODY_TOO_LARGE, limits.maxBytes());
    }
    long id = Params.pathId(ctx, "id");
    RequestPausing.pauseUntilConsumed(ctx); // the campaign lookup below is asynchronous
    json.reply(ctx, 200, activity.after(ctx, "items.uploaded", campaigns.get(id).compose(campaign ->
        ItemUpload.run(pool, ctx.request(), items, campaign, types.of(campaign), json.mapper(), limits.batchSize(),
            limits.maxBytes(), limits.reportedRejections(), limits.maxLineBytes())),
        r -> java.util.Map.of("campaignId", id, "lines", r.lines(), "inserted", r.inserted(),
            "duplicates", r.duplicates(), "rejected", r.rejectedCount())));
  }
}
