package io.labelledger.answer.regions;

import java.util.Arrays;

/**
 * Labelled axis-aligned regions of one or two dimensions, as flat arrays: the common form of a span
 * of text (one dimension: code points {@code [start, end)}) and a box on an image (two: pixels
 * {@code [x, x + w) × [y, y + h)}). Region {@code r} has the label index {@code label(r)} and, per
 * dimension {@code j}, the half-open interval {@code [lo(r, j), hi(r, j))}. Immutable once built.
 */
public final class Regions {
  private final int dimensions;
  private final int[] labels;
  private final int[] bounds;

  private Regions(int dimensions, int[] labels, int[] bounds) {
    this.dimensions = dimensions;
    this.labels = labels;
    this.bounds = bounds;
  }

  public static Builder builder(int dimensions) {
    return new Builder(dimensions);
  }

  public int dimensions() {
    return dimensions;
  }

  public int size() {
    return labels.length;
  }

  public int label(int region) {
    return labels[region];
  }

  public int lo(int region, int dimension) {
    return bounds[(region * dimensions + dimension) * 2];
  }

  public int hi(int region, int dimension) {
    return bounds[(region * dimensions + dimension) * 2 + 1];
  }

  /** The bounds as laid out here (per region and dimension, lo then hi); not copied, never change it. */
  int[] boundsArray() {
    return bounds;
  }

  /** How a model writes one value (an answer, a gold aggregate) as regions. */
  public interface Writer<T> {
    void write(T value, Sink sink);
  }

  /** Where regions are written: {@link RegionData} and {@link Regions} take them the same way. */
  public interface Sink {
    /** A one-dimensional region {@code [lo, hi)}. */
    void add(int label, int lo, int hi);

    /** A two-dimensional region {@code [lo0, hi0) × [lo1, hi1)}. */
    void add(int label, int lo0, int hi0, int lo1, int hi1);
  }

  /** Collects regions; not thread-safe. */
  public static final class Builder implements Sink {
    private final int dimensions;
    private int[] labels = new int[8];
    private int[] bounds;
    private int size;

    private Builder(int dimensions) {
      if (dimensions != 1 && dimensions != 2) {
        throw new IllegalArgumentException("regions have 1 or 2 dimensions, not " + dimensions);
      }
      this.dimensions = dimensions;
      this.bounds = new int[8 * 2 * dimensions];
    }

    @Override
    public void add(int label, int lo, int hi) {
      requireDimensions(1);
      int at = grow(label);
      bounds[at] = lo;
      bounds[at + 1] = hi;
    }

    @Override
    public void add(int label, int lo0, int hi0, int lo1, int hi1) {
      requireDimensions(2);
      int at = grow(label);
      bounds[at] = lo0;
      bounds[at + 1] = hi0;
      bounds[at + 2] = lo1;
      bounds[at + 3] = hi1;
    }

    public Regions build() {
      return new Regions(dimensions, Arrays.copyOf(labels, size), Arrays.copyOf(bounds, size * 2 * dimensions));
    }

    private int grow(int label) {
      if (size == labels.length) {
        labels = Arrays.copyOf(labels, size * 2);
        bounds = Arrays.copyOf(bounds, size * 4 * dimensions);
      }
      labels[size] = label;
      return size++ * 2 * dimensions;
    }

    private void requireDimensions(int given) {
      if (given != dimensions) {
        throw new IllegalArgumentException("a region of " + given + " dimensions among regions of " + dimensions);
      }
    }
  }
}
