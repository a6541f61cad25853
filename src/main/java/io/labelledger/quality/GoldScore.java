package io.labelledger.quality;

/**
 * A contributor's record on one campaign's gold items: how many they answered and how many
 * matched the gold answer.
 *
 * <p>The accuracy estimate is Laplace-smoothed, {@code (correct + 1) / (seen + 2)} — the mean of
 * the Beta(1, 1) posterior — so a few lucky or unlucky answers do not read as 100 % or 0 %: a
 * contributor with no gold answers stands at 0.5, 5 of 5 at 0.857, 2 of 5 at 0.429. The
 * campaign's accuracy floor applies only once {@code seen} reaches a minimum number of gold
 * answers ({@code quality.floorMinGold}), so nobody is shut out on one or two answers.
 */
public record GoldScore(int seen, int correct) {
  public static final GoldScore NONE = new GoldScore(0, 0);

  public GoldScore {
    if (seen < 0 || correct < 0 || correct > seen) {
      throw new IllegalArgumentException("gold score " + correct + " of " + seen + " is impossible");
    }
  }

  /** The Laplace-smoothed accuracy, in (0, 1). */
  public double accuracy() {
    return (correct + 1.0) / (seen + 2.0);
  }

  /** Whether the floor bars this contributor: {@code floor > 0}, enough gold seen, accuracy below it. */
  public boolean belowFloor(double floor, int minGold) {
    return floor > 0 && seen >= minGold && accuracy() < floor;
  }
}
