package io.labelledger.campaign;

import io.labelledger.consent.TermsQueries;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.Map;

/** Creates campaigns: checks what annotations cannot (task type, terms exist), then stores. */
public final class CampaignService {
  private final Pool pool;
  private final CampaignQueries campaigns;
  private final TermsQueries terms;

  public CampaignService(Pool pool, CampaignQueries campaigns, TermsQueries terms) {
    this.pool = pool;
    this.campaigns = campaigns;
    this.terms = terms;
  }

  /** {@code request} is already validated at the edge. */
  public Future<Campaign> create(CreateCampaignRequest request) {
    if (TaskType.fromWire(request.taskType()).isEmpty()) {
      return Future.failedFuture(new ApiException(ErrorCode.UNSUPPORTED_TASK_TYPE,
          Map.of("supported", TaskType.wireNames()), request.taskType(), String.join(", ", TaskType.wireNames())));
    }
    CreateCampaignRequest campaign = request.withDefaults();
    return pool.withTransaction(tx -> terms.find(tx, campaign.termsHash())
            .compose(found -> found.isPresent()
                ? campaigns.insert(tx, campaign)
                : Future.failedFuture(new ApiException(ErrorCode.TERMS_UNKNOWN, campaign.termsHash())))
            .compose(id -> campaigns.find(tx, id)))
        .map(found -> found.orElseThrow());
  }

  public Future<Campaign> get(long id) {
    return campaigns.find(id).map(found -> found.orElseThrow(
        () -> new ApiException(ErrorCode.CAMPAIGN_NOT_FOUND, id)));
  }
}
