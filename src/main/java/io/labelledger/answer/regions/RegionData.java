package io.labelledger.answer.regions;

import io.labelledger.answer.TypedAnswers;
import java.util.Arrays;

/**
 * A campaign's region answers (spans, boxes) as flat arrays, the input of {@link RegionModel}:
 * tasks, their answers (CSR: the answers of task {@code t} are {@code answerStart[t] ..
 * answerStart[t + 1] - 1}, each with its worker), the regions of each answer (CSR again, bounds laid
 * out as {@link Regions} does), and the gold regions of gold tasks. Built once per fit; immutable.
 */
final class RegionData {
  final int dimensions;
  final int labelCount;
  final int tasks;
  final int workers;
  final int[] answerStart;
  final int[] workerOf;
  final int[] regionStart;
  final int[] label;
  final int[] bounds;
  /** Per task, whether it has gold; its gold regions are {@code goldStart[t] .. goldStart[t + 1] - 1}. */
  final boolean[] hasGold;
  final int[] goldStart;
  final int[] goldLabel;
  final int[] goldBounds;

  private RegionData(int dimensions, int labelCount, int tasks, int workers, int[] answerStart, int[] workerOf,
      Flat answers, boolean[] hasGold, Flat gold) {
    this.dimensions = dimensions;
    this.labelCount = labelCount;
    this.tasks = tasks;
    this.workers = workers;
    this.answerStart = answerStart;
    this.workerOf = workerOf;
    this.regionStart = answers.start;
    this.label = answers.labels;
    this.bounds = answers.bounds;
    this.hasGold = hasGold;
    this.goldStart = gold.start;
    this.goldLabel = gold.labels;
    this.goldBounds = gold.bounds;
  }

  static <V, A> RegionData of(TypedAnswers<V, A> answers, int dimensions, int labelCount, Regions.Writer<V> answer,
      Regions.Writer<A> gold) {
    int tasks = answers.taskCount();
    int[] answerStart = new int[tasks + 1];
    int[] workerOf = new int[answers.answerCount()];
    Flat regions = new Flat(dimensions, labelCount, answers.answerCount(), answers.answerCount() * 4);
    Flat golds = new Flat(dimensions, labelCount, tasks, 16);
    boolean[] hasGold = new boolean[tasks];
    for (int t = 0; t < tasks; t++) {
      answerStart[t + 1] = answers.answerEnd(t);
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        workerOf[i] = answers.workerOf(i);
        answer.write(answers.value(i), regions);
        regions.close();
      }
      A g = answers.gold(t);
      if (g != null) {
        hasGold[t] = true;
        gold.write(g, golds);
      }
      golds.close();
    }
    return new RegionData(dimensions, labelCount, tasks, answers.workerCount(), answerStart, workerOf,
        regions.done(), hasGold, golds.done());
  }

  /** One task of answers, for scoring: workers are the answers' positions. */
  static <V> RegionData ofTask(java.util.List<V> values, int dimensions, int labelCount, Regions.Writer<V> answer) {
    int[] answerStart = {0, values.size()};
    int[] workerOf = new int[values.size()];
    Flat regions = new Flat(dimensions, labelCount, values.size(), values.size() * 4);
    for (int i = 0; i < values.size(); i++) {
      workerOf[i] = i;
      answer.write(values.get(i), regions);
      regions.close();
    }
    Flat none = new Flat(dimensions, labelCount, 1, 0);
    none.close();
    return new RegionData(dimensions, labelCount, 1, values.size(), answerStart, workerOf, regions.done(),
        new boolean[1], none.done());
  }

  int answerCount() {
    return workerOf.length;
  }

  int regionCount() {
    return label.length;
  }

  /** Regions grouped in CSR, growing as they are written; checks every region as it comes. */
  private static final class Flat implements Regions.Sink {
    final int dimensions;
    final int labelCount;
    int[] start;
    int groups;
    int[] labels;
    int[] bounds;
    int size;

    Flat(int dimensions, int labelCount, int groupCapacity, int regionCapacity) {
      this.dimensions = dimensions;
      this.labelCount = labelCount;
      this.start = new int[groupCapacity + 1];
      this.labels = new int[Math.max(16, regionCapacity)];
      this.bounds = new int[labels.length * 2 * dimensions];
    }

    @Override
    public void add(int label, int lo, int hi) {
      if (dimensions != 1) {
        throw new IllegalArgumentException("a one-dimensional region among regions of " + dimensions);
      }
      int at = grow(label);
      bounds[at] = checked(lo, hi);
      bounds[at + 1] = hi;
    }

    @Override
    public void add(int label, int lo0, int hi0, int lo1, int hi1) {
      if (dimensions != 2) {
        throw new IllegalArgumentException("a two-dimensional region among regions of " + dimensions);
      }
      int at = grow(label);
      bounds[at] = checked(lo0, hi0);
      bounds[at + 1] = hi0;
      bounds[at + 2] = checked(lo1, hi1);
      bounds[at + 3] = hi1;
    }

    /** Ends the current group (an answer, or a task's gold). */
    void close() {
      if (groups + 1 == start.length) {
        start = Arrays.copyOf(start, start.length * 2);
      }
      start[++groups] = size;
    }

    Flat done() {
      start = Arrays.copyOf(start, groups + 1);
      labels = Arrays.copyOf(labels, size);
      bounds = Arrays.copyOf(bounds, size * 2 * dimensions);
      return this;
    }

    private int grow(int label) {
      if (label < 0 || label >= labelCount) {
        throw new IllegalArgumentException("label index " + label + " is not one of the " + labelCount + " labels");
      }
      if (size == labels.length) {
        labels = Arrays.copyOf(labels, size * 2);
        bounds = Arrays.copyOf(bounds, size * 4 * dimensions);
      }
      labels[size] = label;
      return size++ * 2 * dimensions;
    }

    private static int checked(int lo, int hi) {
      if (lo < 0 || hi <= lo) {
        throw new IllegalArgumentException("a region [" + lo + ", " + hi + ") is empty or starts below 0");
      }
      return lo;
    }
  }
}
