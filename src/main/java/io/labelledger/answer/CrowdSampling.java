package io.labelledger.answer;

import java.util.SplittableRandom;

/** Draws shared by the simulated crowds of every answer type (tests and benchmarks). */
public final class CrowdSampling {
  private CrowdSampling() {}

  /**
   * A worker in {@code [0, workers)} uniformly at random, redrawn until it is none of the first
   * {@code chosenCount} in {@code chosen}: so a task's answers come from distinct workers.
   */
  public static int distinctWorker(SplittableRandom random, int workers, int[] chosen, int chosenCount) {
    while (true) {
      int candidate = random.nextInt(workers);
      boolean taken = false;
      for (int i = 0; i < chosenCount && !taken; i++) {
        taken = chosen[i] == candidate;
      }
      if (!taken) {
        return candidate;
      }
    }
  }

  /** A number drawn uniformly from {@code [from, to)}. */
  public static double uniform(SplittableRandom random, double from, double to) {
    return from + (to - from) * random.nextDouble();
  }
}
