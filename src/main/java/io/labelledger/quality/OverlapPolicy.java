package io.labelledger.quality;

/**
 * How many answers a regular item should get (dynamic overlap), decided again whenever its label
 * is recomputed.
 *
 * <ul>
 *   <li>{@code overlap} is the minimum: every item gets that many answers before it can close.
 *   <li>It closes once it has at least {@code overlap} answers and its confidence reaches
 *       {@code targetConfidence}; or, confidence still low, once it has {@code maxOverlap}
 *       answers (the most a campaign buys for one item).
 *   <li>Still open with every answer it asked for in, it asks for one more
 *       ({@code answersWanted = answers + 1}): one answer at a time is the cheapest way to reach
 *       the target, since each can already be enough.
 * </ul>
 *
 * With {@code maxOverlap = overlap} this is fixed overlap: every item closes at exactly
 * {@code overlap} answers, whatever its confidence. A closed item stays closed (no answers are
 * bought back for it when a re-estimate lowers its confidence).
 */
public record OverlapPolicy(int overlap, int maxOverlap, double targetConfidence) {
  public OverlapPolicy {
    if (overlap < 1 || maxOverlap < overlap || !(targetConfidence > 0) || targetConfidence > 1) {
      throw new IllegalArgumentException("overlap " + overlap + ", maxOverlap " + maxOverlap
          + ", targetConfidence " + targetConfidence + " are not a valid policy");
    }
  }

  /** What to do with an open item: its new {@code answersWanted}, and whether it closes now. */
  public record Decision(int answersWanted, boolean close) {}

  /**
   * @param answers answers the item has received
   * @param answersWanted what it currently asks for
   * @param confidence the probability of its current label
   */
  public Decision decide(int answers, int answersWanted, double confidence) {
    if (answers >= overlap && confidence >= targetConfidence || answers >= maxOverlap) {
      // nothing more is bought: leasing stops at answers (outstanding leases may still answer)
      return new Decision(Math.min(answersWanted, answers), true);
    }
    if (answers >= answersWanted) {
      return new Decision(Math.min(maxOverlap, answers + 1), false);
    }
    return new Decision(answersWanted, false);
  }
}
