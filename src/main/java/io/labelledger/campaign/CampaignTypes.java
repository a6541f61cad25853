package io.labelledger.campaign;

import io.labelledger.answer.AnswerTypes;
import io.labelledger.answer.CampaignAnswers;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Each campaign's answer type bound to its labels and settings, read once per campaign and kept:
 * campaigns never change after creation, so the submission path checks typed answers without a
 * database read. Thread-safe; an unknown campaign is not remembered (it may be created later).
 */
public final class CampaignTypes {
  private final CampaignQueries campaigns;
  private final ConcurrentMap<Long, CampaignAnswers<?, ?>> bound = new ConcurrentHashMap<>();

  public CampaignTypes(CampaignQueries campaigns) {
    this.campaigns = campaigns;
  }

  /** The campaign's bound type, or empty when there is no such campaign. */
  public Future<Optional<CampaignAnswers<?, ?>>> of(long campaignId) {
    CampaignAnswers<?, ?> known = bound.get(campaignId);
    if (known != null) {
      return Future.succeededFuture(Optional.of(known));
    }
    return campaigns.find(campaignId).map(found -> found.map(this::remember));
  }

  /** The bound type of a campaign already read. */
  public CampaignAnswers<?, ?> of(Campaign campaign) {
    CampaignAnswers<?, ?> known = bound.get(campaign.id());
    return known != null ? known : remember(campaign);
  }

  private CampaignAnswers<?, ?> remember(Campaign campaign) {
    return bound.computeIfAbsent(campaign.id(),
        id -> AnswerTypes.of(campaign.taskType()).bind(campaign.labels(), campaign.settings()));
  }
}
