package io.labelledger.campaign;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.answer.AnswerType;
import io.labelledger.answer.AnswerTypes;
import io.labelledger.consent.TermsQueries;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.vertx.core.Future;
import io.labelledger.answer.upload.UploadType;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.Map;

/** Creates campaigns: checks what annotations cannot (task type, its labels and settings, terms exist), then stores. */
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
    CreateCampaignRequest campaign;
    try {
      campaign = request.withDefaults(settings(request));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return pool.withTransaction(tx -> terms.find(tx, campaign.termsHash())
            .compose(found -> found.isPresent()
                ? campaigns.insert(tx, campaign)
                : Future.failedFuture(new ApiException(ErrorCode.TERMS_UNKNOWN, campaign.termsHash())))
            .compose(id -> withValidation(tx, id, campaign))
            .compose(id -> campaigns.find(tx, id)))
        .map(found -> found.orElseThrow());
  }

  /**
   * An upload campaign gets its validation campaign in the same transaction: single choice between
   * {@link ValidationCampaign#LABELS}, under the same terms (a version of the upload campaign holds the
   * validations too, and a dataset is listed under one terms hash; validators consent to them themselves),
   * one item per signed upload (made by the database as the upload is stored, V19).
   */
  private Future<Long> withValidation(SqlClient tx, long id, CreateCampaignRequest campaign) {
    var validation = UploadType.NAME.equals(campaign.taskType()) ? UploadType.validation(campaign.settings())
        : java.util.Optional.<UploadType.Validation>empty();
    if (validation.isEmpty()) {
      return Future.succeededFuture(id);
    }
    CreateCampaignRequest request = ValidationCampaign.request(campaign, validation.get());
    return campaigns.insert(tx, request.withDefaults(settings(request)))
        .compose(validationId -> campaigns.linkValidation(tx, validationId, id)).map(id);
  }

  /** The type's complete settings for the request, after checking the labels the type needs. */
  private static ObjectNode settings(CreateCampaignRequest request) {
    AnswerType type = AnswerTypes.find(request.taskType()).orElseThrow(() -> new ApiException(
        ErrorCode.UNSUPPORTED_TASK_TYPE, Map.of("supported", AnswerTypes.wireNames()), request.taskType(),
        String.join(", ", AnswerTypes.wireNames())));
    List<String> labels = request.labels() == null ? List.of() : request.labels();
    AnswerType.LabelRule rule = type.labelRule();
    if (rule == AnswerType.LabelRule.NONE && !labels.isEmpty()) {
      throw new ApiException(ErrorCode.CAMPAIGN_LABELS_INVALID, type.wireName(), "takes no labels");
    }
    if (rule != AnswerType.LabelRule.NONE && (labels.size() < rule.min || labels.size() > rule.max)) {
      throw new ApiException(ErrorCode.CAMPAIGN_LABELS_INVALID, Map.of("min", rule.min, "max", rule.max),
          type.wireName(), "needs from " + rule.min + " to " + rule.max + " labels, got " + labels.size());
    }
    try {
      return type.settings(request.settings() == null ? JsonNodeFactory.instance.objectNode() : request.settings(),
          labels);
    } catch (AnswerType.InvalidSettingsException e) {
      throw new ApiException(ErrorCode.CAMPAIGN_SETTINGS_INVALID, Map.of("setting", e.setting()), e.setting(),
          e.getMessage());
    }
  }

  public Future<Campaign> get(long id) {
    return campaigns.find(id).map(found -> found.orElseThrow(
        () -> new ApiException(ErrorCode.CAMPAIGN_NOT_FOUND, id)));
  }
}
