package io.labelledger.answer.regions;

import java.util.Arrays;

/**
 * Intersection over union of regions, and how many regions of two lists match one to one: what
 * "agrees with the aggregate", gold scoring and the quality figures of spans and boxes are made of.
 */
public final class RegionMatch {
  private RegionMatch() {}

  /**
   * The IoU of region {@code a} of {@code bounds} and region {@code b} of {@code other} (both laid
   * out as {@link Regions} lays them out: per region and dimension, lo then hi): the size of their
   * intersection over the size of their union, in [0, 1]; 0 when either is empty.
   */
  static double iou(int[] bounds, int a, int[] other, int b, int dimensions) {
    long intersection = 1;
    long sizeA = 1;
    long sizeB = 1;
    for (int j = 0; j < dimensions; j++) {
      int la = bounds[(a * dimensions + j) * 2];
      int ha = bounds[(a * dimensions + j) * 2 + 1];
      int lb = other[(b * dimensions + j) * 2];
      int hb = other[(b * dimensions + j) * 2 + 1];
      long overlap = (long) Math.min(ha, hb) - Math.max(la, lb);
      if (overlap <= 0) {
        return 0;
      }
      intersection *= overlap;
      sizeA *= ha - la;
      sizeB *= hb - lb;
    }
    return (double) intersection / (sizeA + sizeB - intersection);
  }

  /** The IoU of region {@code a} of {@code first} and region {@code b} of {@code second}. */
  public static double iou(Regions first, int a, Regions second, int b) {
    return iou(first.boundsArray(), a, second.boundsArray(), b, requireSameDimensions(first, second));
  }

  /**
   * How many regions of {@code first} match one of {@code second}, one to one: pairs of the same
   * label with an IoU of at least {@code threshold} are matched greedily, highest IoU first (ties:
   * lowest indices first).
   */
  public static int matches(Regions first, Regions second, double threshold) {
    int dimensions = requireSameDimensions(first, second);
    int n = first.size();
    int m = second.size();
    if (n == 0 || m == 0) {
      return 0;
    }
    int[] a = first.boundsArray();
    int[] b = second.boundsArray();
    long[] pairs = new long[(int) Math.min((long) n * m, 1 << 16)];
    double[] iouOf = new double[pairs.length];
    int count = 0;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < m; k++) {
        if (first.label(i) != second.label(k)) {
          continue;
        }
        double iou = iou(a, i, b, k, dimensions);
        if (iou >= threshold && iou > 0) {
          if (count == pairs.length) {
            pairs = Arrays.copyOf(pairs, count * 2);
            iouOf = Arrays.copyOf(iouOf, count * 2);
          }
          iouOf[count] = iou;
          pairs[count] = (long) i * m + k;
          count++;
        }
      }
    }
    long[] order = new long[count];
    for (int p = 0; p < count; p++) {
      order[p] = sortKey(iouOf[p], p);
    }
    Arrays.sort(order);
    boolean[] usedA = new boolean[n];
    boolean[] usedB = new boolean[m];
    int matched = 0;
    for (long key : order) {
      long pair = pairs[(int) key];
      int i = (int) (pair / m);
      int k = (int) (pair % m);
      if (!usedA[i] && !usedB[k]) {
        usedA[i] = true;
        usedB[k] = true;
        matched++;
      }
    }
    return matched;
  }

  /**
   * The F1 score of {@code found} against {@code truth} at an IoU of at least {@code threshold}:
   * {@code 2 · matches / (|found| + |truth|)}; 1 when both are empty.
   */
  public static double f1(Regions found, Regions truth, double threshold) {
    int total = found.size() + truth.size();
    return total == 0 ? 1 : 2.0 * matches(found, truth, threshold) / total;
  }

  /**
   * A sort key putting higher IoUs first and, among equal ones (to 1e-9), lower {@code index}
   * first: so greedy matching and clustering are deterministic and sort primitives.
   */
  static long sortKey(double iou, int index) {
    long rank = Math.round((1 - iou) * 1e9);
    return rank << 32 | index;
  }

  private static int requireSameDimensions(Regions first, Regions second) {
    if (first.dimensions() != second.dimensions()) {
      throw new IllegalArgumentException("regions of " + first.dimensions() + " and " + second.dimensions()
          + " dimensions cannot be compared");
    }
    return first.dimensions();
  }
}
