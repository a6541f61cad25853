package io.labelledger.quality;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** A contributor's standing per campaign, as the aggregation worker keeps it (V6 {@code contributor_quality}). */
public final class ContributorScores {
  private final Pool pool;
  private final int floorMinGold;

  /** @param floorMinGold gold answers before a campaign's floor applies ({@code quality.floorMinGold}) */
  public ContributorScores(Pool pool, int floorMinGold) {
    this.pool = pool;
    this.floorMinGold = floorMinGold;
  }

  public int floorMinGold() {
    return floorMinGold;
  }

  /**
   * What a contributor is shown about one campaign.
   *
   * @param answers answers the worker has taken in so far
   * @param goldAccuracy Laplace-smoothed, see {@link GoldScore}
   * @param estimatedAccuracy Dawid-Skene's estimate at the last re-estimate; null before one
   * @param belowFloor whether the floor stops them ({@code floorMinGold} gold answers seen and
   *     {@code goldAccuracy} below {@code accuracyFloor}); then tasks/next answers ACCURACY_BELOW_FLOOR
   */
  public record Score(long campaignId, int answers, int goldSeen, int goldCorrect, double goldAccuracy,
      Double estimatedAccuracy, double accuracyFloor, int floorMinGold, boolean belowFloor) {}

  /** Every campaign the contributor has answers taken in for, in campaign id order. */
  public Future<List<Score>> of(String contributor) {
    return pool.preparedQuery("select q.campaign_id, q.answers, q.gold_seen, q.gold_correct, q.estimated_accuracy, "
            + "c.accuracy_floor from contributor_quality q join campaigns c on c.id = q.campaign_id "
            + "where q.contributor = $1 order by q.campaign_id")
        .execute(Tuple.of(contributor)).map(rows -> {
          List<Score> out = new ArrayList<>();
          rows.forEach(r -> {
            GoldScore gold = new GoldScore(r.getInteger("gold_seen"), r.getInteger("gold_correct"));
            double floor = r.getDouble("accuracy_floor");
            out.add(new Score(r.getLong("campaign_id"), r.getInteger("answers"), gold.seen(), gold.correct(),
                gold.accuracy(), r.getDouble("estimated_accuracy"), floor, floorMinGold,
                gold.belowFloor(floor, floorMinGold)));
          });
          return out;
        });
  }

  /** The contributor's gold record in one campaign ({@link GoldScore#NONE} before any). */
  public Future<GoldScore> gold(long campaignId, String contributor) {
    return pool.preparedQuery("select gold_seen, gold_correct from contributor_quality "
            + "where campaign_id = $1 and contributor = $2")
        .execute(Tuple.of(campaignId, contributor))
        .map(rows -> rows.size() == 0 ? GoldScore.NONE
            : new GoldScore(rows.iterator().next().getInteger("gold_seen"), rows.iterator().next().getInteger("gold_correct")));
  }
}
