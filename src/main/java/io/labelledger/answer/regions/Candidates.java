package io.labelledger.answer.regions;

import java.util.Arrays;

/**
 * The regions of each task grouped into candidate objects (an entity, a thing on the image): what
 * several workers marked, matched across their answers. Per label, pairs of regions from different
 * answers are merged, highest IoU first, into clusters that hold at most one region per answer and
 * whose regions all overlap each other by an IoU of at least the threshold (complete linkage: a
 * loose box cannot chain two objects into one). A region nobody else matched is a candidate of its
 * own. A gold task's gold regions are clustered with the answers as one more answer, so each
 * candidate is known to be real (it holds a gold region) or not.
 *
 * <p>Candidates are numbered task by task (CSR: the candidates of task {@code t} are
 * {@code taskStart[t] .. taskStart[t + 1] - 1}); the members of candidate {@code c} are region
 * indices of the {@link RegionData}, {@code memberStart[c] .. memberStart[c + 1] - 1}, in the order
 * of their answers. Time: for each task and label, a sweep over the regions sorted by their start
 * compares only regions that overlap in the first dimension; merging checks every pair of the two
 * clusters, which stay as small as a task's answers.
 */
final class Candidates {
  final int count;
  final int[] taskStart;
  final int[] label;
  final int[] memberStart;
  final int[] members;
  /** The gold region of each candidate of a gold task, or -1 (not real, or not a gold task). */
  final int[] gold;
  /** The answer each region of the data belongs to. */
  final int[] answerOf;

  private Candidates(int count, int[] taskStart, int[] label, int[] memberStart, int[] members, int[] gold,
      int[] answerOf) {
    this.count = count;
    this.taskStart = taskStart;
    this.label = label;
    this.memberStart = memberStart;
    this.members = members;
    this.gold = gold;
    this.answerOf = answerOf;
  }

  static Candidates of(RegionData data, double threshold) {
    return new Clusterer(data, threshold).run();
  }

  int size(int candidate) {
    return memberStart[candidate + 1] - memberStart[candidate];
  }

  /** Clusters task by task, reusing its scratch arrays. */
  private static final class Clusterer {
    private final RegionData data;
    private final double threshold;
    private final int dims;
    private final int[] answerOf;
    private final int[] taskStart;
    private int[] label;
    private int[] memberStart;
    private final int[] members;
    private int[] gold;
    private int count;
    private int memberCount;

    // per task, by local item (the task's regions, then its gold regions)
    private int[] item = new int[64];
    private int[] answer = new int[64];
    private int[] itemLabel = new int[64];
    private int[] itemBounds = new int[64 * 4];
    private long[] keys = new long[64];
    private int[] order = new int[64];
    private int[] root = new int[64];
    private int[] next = new int[64];
    private int[] last = new int[64];
    private int[] clusterSize = new int[64];
    private boolean[] emitted = new boolean[64];
    private boolean[] answerSeen = new boolean[64];
    private long[] pairKeys = new long[256];
    private int[] pairFirst = new int[256];
    private int[] pairSecond = new int[256];

    Clusterer(RegionData data, double threshold) {
      if (!(threshold > 0 && threshold <= 1)) {
        throw new IllegalArgumentException("the clustering IoU threshold must be in (0, 1], was " + threshold);
      }
      this.data = data;
      this.threshold = threshold;
      this.dims = data.dimensions;
      this.answerOf = new int[data.regionCount()];
      for (int a = 0; a < data.answerCount(); a++) {
        Arrays.fill(answerOf, data.regionStart[a], data.regionStart[a + 1], a);
      }
      int golds = data.goldLabel.length;
      this.taskStart = new int[data.tasks + 1];
      int capacity = data.regionCount() + golds;
      this.label = new int[capacity];
      this.memberStart = new int[capacity + 1];
      this.members = new int[data.regionCount()];
      this.gold = new int[capacity];
    }

    Candidates run() {
      for (int t = 0; t < data.tasks; t++) {
        clusterTask(t);
        taskStart[t + 1] = count;
      }
      return new Candidates(count, taskStart, Arrays.copyOf(label, count), Arrays.copyOf(memberStart, count + 1),
          members, Arrays.copyOf(gold, count), answerOf);
    }

    private void clusterTask(int t) {
      int firstAnswer = data.answerStart[t];
      int answers = data.answerStart[t + 1] - firstAnswer;
      int from = data.regionStart[firstAnswer];
      int to = data.regionStart[data.answerStart[t + 1]];
      int goldFrom = data.goldStart[t];
      int goldTo = data.hasGold[t] ? data.goldStart[t + 1] : goldFrom;
      int n = (to - from) + (goldTo - goldFrom);
      if (n == 0) {
        return;
      }
      ensure(n, answers + 1);
      for (int r = from; r < to; r++) {
        load(r - from, r, answerOf[r] - firstAnswer, data.label[r], data.bounds, r);
      }
      for (int g = goldFrom; g < goldTo; g++) {
        load(to - from + g - goldFrom, -1 - g, answers, data.goldLabel[g], data.goldBounds, g);
      }
      sortByLabelThenStart(n);
      int pairs = 0;
      for (int groupStart = 0; groupStart < n; ) {
        int groupEnd = groupStart;
        while (groupEnd < n && itemLabel[order[groupEnd]] == itemLabel[order[groupStart]]) {
          groupEnd++;
        }
        pairs = pairsWithin(groupStart, groupEnd, pairs);
        groupStart = groupEnd;
      }
      for (int i = 0; i < n; i++) {
        root[i] = i;
        next[i] = -1;
        last[i] = i;
        clusterSize[i] = 1;
        emitted[i] = false;
      }
      long[] sorted = Arrays.copyOf(pairKeys, pairs);
      Arrays.sort(sorted);
      for (long key : sorted) {
        int p = (int) key;
        merge(root[pairFirst[p]], root[pairSecond[p]]);
      }
      for (int s = 0; s < n; s++) {
        int r = root[order[s]];
        if (!emitted[r]) {
          emitted[r] = true;
          emit(r);
        }
      }
    }

    private void load(int local, int id, int answerIndex, int labelIndex, int[] bounds, int index) {
      item[local] = id;
      answer[local] = answerIndex;
      itemLabel[local] = labelIndex;
      System.arraycopy(bounds, index * 2 * dims, itemBounds, local * 2 * dims, 2 * dims);
    }

    /** {@code order}: local items by label, then by start in the first dimension, then by index. */
    private void sortByLabelThenStart(int n) {
      for (int i = 0; i < n; i++) {
        keys[i] = (long) itemLabel[i] << 32 | i;
      }
      Arrays.sort(keys, 0, n);
      int groupStart = 0;
      while (groupStart < n) {
        int labelIndex = (int) (keys[groupStart] >>> 32);
        int groupEnd = groupStart;
        while (groupEnd < n && (int) (keys[groupEnd] >>> 32) == labelIndex) {
          int i = (int) keys[groupEnd];
          keys[groupEnd] = (long) itemBounds[i * 2 * dims] << 32 | i; // starts are never negative
          groupEnd++;
        }
        Arrays.sort(keys, groupStart, groupEnd);
        groupStart = groupEnd;
      }
      for (int s = 0; s < n; s++) {
        order[s] = (int) keys[s];
      }
    }

    /** Adds every pair of the label group {@code order[from..to)} that may be merged. */
    private int pairsWithin(int from, int to, int pairs) {
      for (int s = from; s < to; s++) {
        int i = order[s];
        int end = itemBounds[i * 2 * dims + 1];
        for (int u = s + 1; u < to; u++) {
          int k = order[u];
          if (itemBounds[k * 2 * dims] >= end) {
            break; // sorted by start: no later region overlaps i in the first dimension
          }
          if (answer[i] == answer[k]) {
            continue;
          }
          double iou = RegionMatch.iou(itemBounds, i, itemBounds, k, dims);
          if (iou >= threshold) {
            if (pairs == pairKeys.length) {
              pairKeys = Arrays.copyOf(pairKeys, pairs * 2);
              pairFirst = Arrays.copyOf(pairFirst, pairs * 2);
              pairSecond = Arrays.copyOf(pairSecond, pairs * 2);
            }
            pairKeys[pairs] = RegionMatch.sortKey(iou, pairs);
            pairFirst[pairs] = i;
            pairSecond[pairs] = k;
            pairs++;
          }
        }
      }
      return pairs;
    }

    /** Merges clusters {@code a} and {@code b} when they share no answer and every cross pair overlaps enough. */
    private void merge(int a, int b) {
      if (a == b) {
        return;
      }
      for (int i = a; i >= 0; i = next[i]) {
        answerSeen[answer[i]] = true;
      }
      boolean disjoint = true;
      for (int k = b; k >= 0 && disjoint; k = next[k]) {
        disjoint = !answerSeen[answer[k]];
      }
      for (int i = a; i >= 0; i = next[i]) {
        answerSeen[answer[i]] = false;
      }
      if (!disjoint) {
        return;
      }
      for (int i = a; i >= 0; i = next[i]) {
        for (int k = b; k >= 0; k = next[k]) {
          if (RegionMatch.iou(itemBounds, i, itemBounds, k, dims) < threshold) {
            return;
          }
        }
      }
      int big = clusterSize[a] >= clusterSize[b] ? a : b;
      int small = big == a ? b : a;
      for (int k = small; k >= 0; k = next[k]) {
        root[k] = big;
      }
      next[last[big]] = small;
      last[big] = last[small];
      clusterSize[big] += clusterSize[small];
    }

    /** Writes the cluster whose root is {@code r} as the next candidate, its members in answer order. */
    private void emit(int r) {
      int c = count++;
      label[c] = itemLabel[r];
      gold[c] = -1;
      memberStart[c] = memberCount;
      for (int i = r; i >= 0; i = next[i]) {
        if (item[i] < 0) {
          gold[c] = -1 - item[i];
        } else {
          members[memberCount++] = item[i];
        }
      }
      Arrays.sort(members, memberStart[c], memberCount); // region order is answer order
      memberStart[c + 1] = memberCount;
    }

    private void ensure(int n, int answers) {
      if (item.length < n) {
        int capacity = Math.max(n, item.length * 2);
        item = new int[capacity];
        answer = new int[capacity];
        itemLabel = new int[capacity];
        itemBounds = new int[capacity * 2 * dims];
        keys = new long[capacity];
        order = new int[capacity];
        root = new int[capacity];
        next = new int[capacity];
        last = new int[capacity];
        clusterSize = new int[capacity];
        emitted = new boolean[capacity];
      }
      if (answerSeen.length < answers) {
        answerSeen = new boolean[Math.max(answers, answerSeen.length * 2)];
      }
    }
  }
}
