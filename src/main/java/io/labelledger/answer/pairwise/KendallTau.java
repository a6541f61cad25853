package io.labelledger.answer.pairwise;

import java.util.Map;

/**
 * Kendall's rank correlation, tau-b (ties corrected), by Knight's O(n log n) algorithm (1966): sort
 * by the first ranking (ties by the second), count the second ranking's inversions with a merge
 * sort, and correct for the ties of each ranking. Counts are exact integers, so the result does not
 * depend on the maps' iteration order.
 */
public final class KendallTau {
  private KendallTau() {}

  /**
   * tau-b between two scorings of the candidates both maps name (others are ignored): 1 when they
   * order every pair alike, -1 when oppositely, NaN when fewer than two candidates are common or
   * either scoring gives all of them the same value (tau-b is then undefined).
   *
   * @throws IllegalArgumentException for a NaN or null score
   */
  public static double tau(Map<String, Double> truth, Map<String, Double> estimate) {
    int n = 0;
    double[] x = new double[Math.min(truth.size(), estimate.size())];
    double[] y = new double[x.length];
    for (Map.Entry<String, Double> entry : truth.entrySet()) {
      Double other = estimate.get(entry.getKey());
      if (other != null) {
        x[n] = checked(entry.getValue(), entry.getKey());
        y[n] = checked(other, entry.getKey());
        n++;
      }
    }
    if (n < 2) {
      return Double.NaN;
    }
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int[] scratch = new int[n];
    mergeSort(order, scratch, x, y);

    long pairs = (long) n * (n - 1) / 2;
    long tiedX = 0;
    long tiedXy = 0;
    long runX = 1;
    long runXy = 1;
    for (int k = 1; k < n; k++) {
      boolean sameX = x[order[k]] == x[order[k - 1]];
      boolean sameXy = sameX && y[order[k]] == y[order[k - 1]];
      runX = sameX ? runX + 1 : 1;
      runXy = sameXy ? runXy + 1 : 1;
      tiedX += sameX ? runX - 1 : 0;
      tiedXy += sameXy ? runXy - 1 : 0;
    }
    double[] ySorted = new double[n];
    for (int k = 0; k < n; k++) {
      ySorted[k] = y[order[k]];
    }
    long swaps = countSwaps(ySorted, new double[n]);
    long tiedY = 0;
    long runY = 1;
    for (int k = 1; k < n; k++) {
      runY = ySorted[k] == ySorted[k - 1] ? runY + 1 : 1;
      tiedY += runY - 1;
    }
    double denominator = Math.sqrt((double) (pairs - tiedX) * (double) (pairs - tiedY));
    if (denominator == 0) {
      return Double.NaN;
    }
    long concordantMinusDiscordant = pairs - tiedX - tiedY + tiedXy - 2 * swaps;
    return concordantMinusDiscordant / denominator;
  }

  private static double checked(Double score, String candidate) {
    if (score == null || score.isNaN()) {
      throw new IllegalArgumentException("candidate " + candidate + " has no score: " + score);
    }
    return score + 0.0; // -0.0 and 0.0 tie
  }

  /** Sorts indices by (x, y) ascending, stably. */
  private static void mergeSort(int[] order, int[] scratch, double[] x, double[] y) {
    int n = order.length;
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n - width; lo += 2 * width) {
        int mid = lo + width;
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          int a = order[i];
          int b = order[j];
          int byX = Double.compare(x[a], x[b]);
          scratch[k++] = byX < 0 || (byX == 0 && Double.compare(y[a], y[b]) <= 0) ? order[i++] : order[j++];
        }
        while (i < mid) {
          scratch[k++] = order[i++];
        }
        while (j < hi) {
          scratch[k++] = order[j++];
        }
        System.arraycopy(scratch, lo, order, lo, hi - lo);
      }
    }
  }

  /** Sorts {@code values} ascending and returns how many inversions (i < j, values[i] > values[j]) it had. */
  private static long countSwaps(double[] values, double[] scratch) {
    int n = values.length;
    long swaps = 0;
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n - width; lo += 2 * width) {
        int mid = lo + width;
        int hi = Math.min(lo + 2 * width, n);
        int i = lo;
        int j = mid;
        int k = lo;
        while (i < mid && j < hi) {
          if (values[i] <= values[j]) {
            scratch[k++] = values[i++];
          } else {
            swaps += mid - i; // values[j] is below every value left in the first half
            scratch[k++] = values[j++];
          }
        }
        while (i < mid) {
          scratch[k++] = values[i++];
        }
        while (j < hi) {
          scratch[k++] = values[j++];
        }
        System.arraycopy(scratch, lo, values, lo, hi - lo);
      }
    }
    return swaps;
  }
}
