package io.labelledger.quality;

import io.labelledger.auth.Guards;
import io.labelledger.campaign.CampaignService;
import io.labelledger.http.Params;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.JsonCodec;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Operator views of quality: {@code GET /api/campaigns/{id}/labels} (every item's aggregated label,
 * confidence and overlap progress) and {@code GET /api/campaigns/{id}/contributors} (gold records
 * and Dawid-Skene estimates). Operator only: labels of gold items are their gold answers.
 */
public final class QualityRoutes implements ApiModule {
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;

  private final Pool pool;
  private final CampaignService campaigns;
  private final ContributorScores scores;
  private final JsonCodec json;

  public QualityRoutes(Pool pool, CampaignService campaigns, ContributorScores scores, JsonCodec json) {
    this.pool = pool;
    this.campaigns = campaigns;
    this.scores = scores;
    this.json = json;
  }

  /**
   * One item's quality state. {@code label}/{@code confidence} null before its first answer is
   * taken in; {@code closed}: leasing hands it out no more; {@code decidedAt}: quality stopped
   * buying answers for it and its contributions are accepted or rejected.
   */
  public record ItemLabel(long itemId, String externalId, boolean gold, String label, Double confidence, int answers,
      int answersWanted, boolean closed, Instant decidedAt) {}

  public record LabelPage(long campaignId, List<ItemLabel> items, Long nextAfterId) {}

  /** A contributor's record in the campaign; see {@link ContributorScores.Score} for the fields. */
  public record ContributorQuality(String contributor, int answers, int goldSeen, int goldCorrect,
      double goldAccuracy, Double estimatedAccuracy, boolean belowFloor, List<List<Double>> confusion) {}

  /**
   * One item with everything the aggregate was made from: its data, gold answer (gold items), label,
   * confidence and overlap progress, and every answer with its contributor and status.
   */
  public record ItemAnswers(long itemId, String externalId, Object data, boolean gold, String goldAnswer,
      String label, Double confidence, int answers, int answersWanted, Instant decidedAt, List<Answer> contributions) {}

  /** An answer to an item: who, what, when it was stored, and whether it agrees with the aggregate. */
  public record Answer(long id, String contributor, String answer, String status, Instant at) {}

  /**
   * {@code labels}: the campaign's labels in the order of each contributor's {@code confusion} rows
   * and columns (P(answers column | true row), null before the contributor is estimated).
   */
  public record ContributorPage(long campaignId, double accuracyFloor, int floorMinGold, List<String> labels,
      List<ContributorQuality> contributors, String nextAfter) {}

  @Override
  public void mount(Router router) {
    router.get("/api/campaigns/:id/labels").handler(Guards.requireOperator()).handler(ctx -> {
      long id = Params.pathId(ctx, "id");
      long afterId = Params.query(ctx, "afterId", 0, 0, Long.MAX_VALUE);
      int limit = (int) Params.query(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
      json.reply(ctx, 200, campaigns.get(id).compose(c -> labels(id, afterId, limit)));
    });

    router.get("/api/campaigns/:id/contributors").handler(Guards.requireOperator()).handler(ctx -> {
      long id = Params.pathId(ctx, "id");
      List<String> after = ctx.queryParam("after");
      String from = after.isEmpty() ? "" : after.get(0).toLowerCase();
      if (!from.isEmpty() && !from.matches("0x[0-9a-f]{40}")) {
        throw new ApiException(ErrorCode.INVALID_PARAMETER, "after", "must be an address (0x + 40 hex digits)");
      }
      int limit = (int) Params.query(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
      json.reply(ctx, 200, campaigns.get(id).compose(c -> contributors(id, c.accuracyFloor(), c.labels(), from,
          limit)));
    });

    router.get("/api/campaigns/:id/items/:itemId").handler(Guards.requireOperator()).handler(ctx -> {
      long id = Params.pathId(ctx, "id");
      long itemId = Params.pathId(ctx, "itemId");
      json.reply(ctx, 200, campaigns.get(id).compose(c -> item(id, itemId)));
    });
  }

  private Future<LabelPage> labels(long campaignId, long afterId, int limit) {
    return pool.preparedQuery("select id, external_id, is_gold, label, confidence, answers, answers_wanted, "
            + "closed_at is not null as closed, decided_at from items where campaign_id = $1 and id > $2 "
            + "order by id limit $3")
        .execute(Tuple.of(campaignId, afterId, limit)).map(rows -> {
          List<ItemLabel> items = new ArrayList<>();
          for (Row r : rows) {
            OffsetDateTime decided = r.getOffsetDateTime("decided_at");
            items.add(new ItemLabel(r.getLong("id"), r.getString("external_id"), r.getBoolean("is_gold"),
                r.getString("label"), r.getDouble("confidence"), r.getInteger("answers"), r.getInteger("answers_wanted"),
                r.getBoolean("closed"), decided == null ? null : decided.toInstant()));
          }
          return new LabelPage(campaignId, items, items.size() == limit ? items.get(items.size() - 1).itemId() : null);
        });
  }

  private Future<ItemAnswers> item(long campaignId, long itemId) {
    return pool.preparedQuery("select id, external_id, payload, is_gold, gold_answer, label, confidence, answers, "
            + "answers_wanted, decided_at from items where campaign_id = $1 and id = $2")
        .execute(Tuple.of(campaignId, itemId)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new ApiException(ErrorCode.ITEM_NOT_FOUND, campaignId, itemId));
          }
          Row i = rows.iterator().next();
          return pool.preparedQuery("select id, contributor, answer, status, created_at from contributions "
                  + "where item_id = $1 order by id").execute(Tuple.of(itemId)).map(answers -> {
                    List<Answer> out = new ArrayList<>();
                    answers.forEach(a -> out.add(new Answer(a.getLong("id"), a.getString("contributor"),
                        a.getString("answer"), a.getString("status"), a.getOffsetDateTime("created_at").toInstant())));
                    Object data = i.getValue("payload");
                    OffsetDateTime decided = i.getOffsetDateTime("decided_at");
                    return new ItemAnswers(itemId, i.getString("external_id"),
                        data instanceof io.vertx.core.json.JsonObject j ? j.getMap() : data, i.getBoolean("is_gold"),
                        i.getString("gold_answer"), i.getString("label"), i.getDouble("confidence"),
                        i.getInteger("answers"), i.getInteger("answers_wanted"),
                        decided == null ? null : decided.toInstant(), out);
                  });
        });
  }

  /** A flat K×K matrix as rows; null when there is none or it is not square. */
  private static List<List<Double>> square(Double[] flat) {
    if (flat == null || flat.length == 0) {
      return null;
    }
    int k = (int) Math.round(Math.sqrt(flat.length));
    if (k * k != flat.length) {
      return null;
    }
    List<List<Double>> rows = new ArrayList<>();
    for (int r = 0; r < k; r++) {
      rows.add(java.util.Arrays.asList(java.util.Arrays.copyOfRange(flat, r * k, r * k + k)));
    }
    return rows;
  }

  private Future<ContributorPage> contributors(long campaignId, double floor, List<String> labels, String after,
      int limit) {
    return pool.preparedQuery("select contributor, answers, gold_seen, gold_correct, estimated_accuracy, confusion "
            + "from contributor_quality where campaign_id = $1 and contributor > $2 order by contributor limit $3")
        .execute(Tuple.of(campaignId, after, limit)).map(rows -> {
          List<ContributorQuality> out = new ArrayList<>();
          for (Row r : rows) {
            GoldScore gold = new GoldScore(r.getInteger("gold_seen"), r.getInteger("gold_correct"));
            out.add(new ContributorQuality(r.getString("contributor"), r.getInteger("answers"), gold.seen(),
                gold.correct(), gold.accuracy(), r.getDouble("estimated_accuracy"),
                gold.belowFloor(floor, scores.floorMinGold()), square(r.getArrayOfDoubles("confusion"))));
          }
          return new ContributorPage(campaignId, floor, scores.floorMinGold(), labels, out,
              out.size() == limit ? out.get(out.size() - 1).contributor() : null);
        });
  }
}
