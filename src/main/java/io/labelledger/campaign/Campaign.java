package io.labelledger.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A campaign as the API shows it; {@code id} is also the on-chain campaignId of contributions.
 * {@code settings} are its task type's, every default filled in. Campaigns never change once created.
 *
 * @param validationCampaignId on an upload campaign with peer validation: the campaign its uploads are
 *     validated in (null otherwise)
 * @param validatesCampaignId on a validation campaign: the upload campaign it validates (null otherwise)
 */
public record Campaign(
    long id,
    String name,
    String description,
    String instructions,
    String taskType,
    List<String> labels,
    int overlap,
    int maxOverlap,
    double goldRate,
    double accuracyFloor,
    double targetConfidence,
    String termsHash,
    JsonNode settings,
    long itemCount,
    long goldCount,
    Instant createdAt,
    Long validationCampaignId,
    Long validatesCampaignId) {

  public Campaign {
    labels = List.copyOf(labels);
  }
}
