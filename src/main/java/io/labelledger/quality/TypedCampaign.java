package io.labelledger.quality;

import io.labelledger.answer.CampaignAnswers;

/** A campaign of a typed answer (every type but single choice): its bound type and its overlap policy. */
public record TypedCampaign(CampaignAnswers<?, ?> answers, OverlapPolicy policy) {}
