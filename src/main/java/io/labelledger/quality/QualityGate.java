package io.labelledger.quality;

import io.labelledger.campaign.Campaign;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.vertx.core.Future;
import java.util.Locale;
import java.util.Map;

/**
 * The accuracy floor at the door of {@code tasks/next}: a contributor whose smoothed gold accuracy
 * in a campaign is below its {@code accuracyFloor}, after at least {@code quality.floorMinGold}
 * gold answers, gets 403 ACCURACY_BELOW_FLOOR (with their record in {@code details}) instead of a
 * task. One primary-key read, and none at all for campaigns without a floor. The record is the
 * aggregation worker's, so a gold answer counts within about one worker period.
 */
public final class QualityGate {
  private final ContributorScores scores;

  public QualityGate(ContributorScores scores) {
    this.scores = scores;
  }

  /** Succeeds when the contributor may get tasks of the campaign; fails with ACCURACY_BELOW_FLOOR otherwise. */
  public Future<Void> admit(String contributor, Campaign campaign) {
    if (campaign.accuracyFloor() <= 0) {
      return Future.succeededFuture();
    }
    return scores.gold(campaign.id(), contributor).compose(gold -> {
      if (!gold.belowFloor(campaign.accuracyFloor(), scores.floorMinGold())) {
        return Future.succeededFuture();
      }
      String accuracy = String.format(Locale.ROOT, "%.3f", gold.accuracy());
      return Future.failedFuture(new ApiException(ErrorCode.ACCURACY_BELOW_FLOOR,
          Map.of("goldSeen", gold.seen(), "goldCorrect", gold.correct(), "goldAccuracy", gold.accuracy(),
              "accuracyFloor", campaign.accuracyFloor(), "floorMinGold", scores.floorMinGold()),
          campaign.id(), accuracy, gold.correct(), gold.seen(), campaign.accuracyFloor()));
    });
  }
}
