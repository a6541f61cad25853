package io.labelledger.contribution;

import io.labelledger.auth.Guards;
import io.labelledger.http.Params;
import io.labelledger.http.ApiModule;
import io.labelledger.http.JsonCodec;
import io.labelledger.quality.ContributorScores;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /api/contributions}: 201 when stored, 200 with the same body when this exact signed
 * contribution was stored before; {@code GET /api/contributions/me} lists the account's own.
 */
public final class ContributionRoutes implements ApiModule {
  static final int DEFAULT_PAGE = 100;
  static final int MAX_PAGE = 1000;

  private final ContributionService contributions;
  private final ContributionQueries queries;
  private final ContributorScores scores;
  private final JsonCodec json;

  public ContributionRoutes(ContributionService contributions, ContributionQueries queries, ContributorScores scores,
      JsonCodec json) {
    this.contributions = contributions;
    this.queries = queries;
    this.scores = scores;
    this.json = json;
  }

  /** A page of the account's contributions, and its standing (gold accuracy) in every campaign it worked on. */
  public record Page(List<ContributionQueries.View> contributions, Long nextAfterId,
      List<ContributorScores.Score> scores) {}

  @Override
  public void mount(Router router) {
    router.post("/api/contributions").handler(json.bodyHandler()).handler(Guards.requireSession()).handler(ctx ->
        contributions.submit(Guards.account(ctx), json.decode(ctx, SignedContribution.Request.class))
            .onSuccess(a -> json.respond(ctx, a.replayed() ? 200 : 201, a.receipt()))
            .onFailure(ctx::fail));

    router.get("/api/contributions/me").handler(Guards.requireSession()).handler(ctx -> {
      long afterId = Params.query(ctx, "afterId", 0, 0, Long.MAX_VALUE);
      int limit = (int) Params.query(ctx, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
      String address = Guards.account(ctx).address();
      json.reply(ctx, 200, queries.byContributor(address, afterId, limit).compose(page -> scores.of(address)
          .map(standing -> new Page(page, page.size() == limit ? page.get(page.size() - 1).id() : null, standing))));
    });
  }
}
