package io.labelledger.quality;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Crowd answers as (task, worker, label) triples, with every id and label interned to a dense
 * int so that aggregation runs over flat arrays.
 *
 * <p>Index orders, which callers may rely on:
 * <ul>
 *   <li>tasks and workers are numbered in the order they first appear among the added answers;
 *   <li>labels are numbered in ascending {@link String#compareTo} order of their text (so "10"
 *       sorts before "2"); index 0 is the lowest label, which is what tie rules break towards;
 *   <li>answers are grouped by task (CSR layout: the answers of task {@code t} are
 *       {@code answerStart(t) .. answerEnd(t) - 1}), in the order they were added within a task.
 * </ul>
 *
 * <p>Gold answers (known true labels) are part of the set: their labels join the label set even
 * when no worker gave them. Gold for a task that has no answers is dropped. A worker who answers
 * the same task twice counts twice. Labels declared with {@link Builder#label} belong to the set
 * whether used or not. Immutable and safe to share between threads.
 */
public final class AnswerSet {
  /** {@link #gold(int)} of a task without a gold answer. */
  public static final int NO_GOLD = -1;

  private final String[] taskIds;
  private final String[] workerIds;
  private final String[] labels;
  // CSR index: answers of task t are taskStart[t] .. taskStart[t + 1] - 1
  final int[] taskStart;
  final int[] workerOf;
  final int[] labelOf;
  final int[] goldOf;
  private final int goldCount;

  private AnswerSet(String[] taskIds, String[] workerIds, String[] labels, int[] taskStart,
      int[] workerOf, int[] labelOf, int[] goldOf) {
    this.taskIds = taskIds;
    this.workerIds = workerIds;
    this.labels = labels;
    this.taskStart = taskStart;
    this.workerOf = workerOf;
    this.labelOf = labelOf;
    this.goldOf = goldOf;
    this.goldCount = (int) Arrays.stream(goldOf).filter(g -> g != NO_GOLD).count();
  }

  public static Builder builder() {
    return new Builder();
  }

  public int taskCount() {
    return taskIds.length;
  }

  public int workerCount() {
    return workerIds.length;
  }

  public int labelCount() {
    return labels.length;
  }

  public int answerCount() {
    return workerOf.length;
  }

  /** How many tasks have a gold answer. */
  public int goldCount() {
    return goldCount;
  }

  public String taskId(int task) {
    return taskIds[task];
  }

  public String workerId(int worker) {
    return workerIds[worker];
  }

  public String label(int label) {
    return labels[label];
  }

  /** Index of the first answer of {@code task}. */
  public int answerStart(int task) {
    return taskStart[task];
  }

  /** One past the index of the last answer of {@code task}. */
  public int answerEnd(int task) {
    return taskStart[task + 1];
  }

  public int workerOf(int answer) {
    return workerOf[answer];
  }

  public int labelOf(int answer) {
    return labelOf[answer];
  }

  /** The gold label index of {@code task}, or {@link #NO_GOLD}. */
  public int gold(int task) {
    return goldOf[task];
  }

  /** The index of {@code label}, or -1 when no answer or gold answer used it. */
  public int labelIndex(String label) {
    int i = Arrays.binarySearch(labels, label);
    return i >= 0 ? i : -1;
  }

  /** How many answers each worker gave, indexed by worker. */
  public int[] answersPerWorker() {
    int[] counts = new int[workerCount()];
    for (int w : workerOf) {
      counts[w]++;
    }
    return counts;
  }

  /** Collects triples; not thread-safe. Ids and labels may be any non-null strings. */
  public static final class Builder {
    private final Interner tasks = new Interner();
    private final Interner workers = new Interner();
    private final Interner labels = new Interner();
    private final Map<String, String> gold = new LinkedHashMap<>();
    private int[] taskOf = new int[1024];
    private int[] workerOf = new int[1024];
    private int[] labelOf = new int[1024];
    private int size;

    private Builder() {}

    public Builder add(String task, String worker, String label) {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(worker, "worker");
      Objects.requireNonNull(label, "label");
      if (size == taskOf.length) {
        int capacity = size + (size >> 1);
        taskOf = Arrays.copyOf(taskOf, capacity);
        workerOf = Arrays.copyOf(workerOf, capacity);
        labelOf = Arrays.copyOf(labelOf, capacity);
      }
      taskOf[size] = tasks.intern(task);
      workerOf[size] = workers.intern(worker);
      labelOf[size] = labels.intern(label);
      size++;
      return this;
    }

    /**
     * Declares {@code label} part of the label set even if no answer gives it (a campaign's label
     * list), so that a model fitted on these answers has a row and column for it.
     */
    public Builder label(String label) {
      labels.intern(Objects.requireNonNull(label, "label"));
      return this;
    }

    /**
     * Records the known true label of {@code task}.
     *
     * @throws IllegalArgumentException when the task already has a different gold label
     */
    public Builder gold(String task, String label) {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(label, "label");
      String previous = gold.putIfAbsent(task, label);
      if (previous != null && !previous.equals(label)) {
        throw new IllegalArgumentException(
            "task " + task + " has two gold labels: " + previous + " and " + label);
      }
      return this;
    }

    public AnswerSet build() {
      int taskCount = tasks.size();
      // gold joins the label set only where its task exists
      for (Map.Entry<String, String> g : gold.entrySet()) {
        if (tasks.indexOf(g.getKey()) >= 0) {
          labels.intern(g.getValue());
        }
      }
      String[] labelTexts = labels.ids();
      String[] sortedLabels = labelTexts.clone();
      Arrays.sort(sortedLabels);
      int[] sortedIndexOf = new int[labelTexts.length];
      for (int i = 0; i < labelTexts.length; i++) {
        sortedIndexOf[i] = Arrays.binarySearch(sortedLabels, labelTexts[i]);
      }

      int[] taskStart = new int[taskCount + 1];
      for (int i = 0; i < size; i++) {
        taskStart[taskOf[i] + 1]++;
      }
      for (int t = 0; t < taskCount; t++) {
        taskStart[t + 1] += taskStart[t];
      }
      int[] next = Arrays.copyOf(taskStart, taskCount);
      int[] groupedWorker = new int[size];
      int[] groupedLabel = new int[size];
      for (int i = 0; i < size; i++) {
        int slot = next[taskOf[i]]++;
        groupedWorker[slot] = workerOf[i];
        groupedLabel[slot] = sortedIndexOf[labelOf[i]];
      }

      int[] goldOf = new int[taskCount];
      Arrays.fill(goldOf, NO_GOLD);
      for (Map.Entry<String, String> g : gold.entrySet()) {
        int task = tasks.indexOf(g.getKey());
        if (task >= 0) {
          goldOf[task] = Arrays.binarySearch(sortedLabels, g.getValue());
        }
      }
      return new AnswerSet(tasks.ids(), workers.ids(), sortedLabels, taskStart, groupedWorker,
          groupedLabel, goldOf);
    }
  }

  /** Dense numbering of strings in order of first appearance. */
  private static final class Interner {
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> ids = new ArrayList<>();

    int intern(String id) {
      Integer known = index.get(id);
      if (known != null) {
        return known;
      }
      index.put(id, ids.size());
      ids.add(id);
      return ids.size() - 1;
    }

    int indexOf(String id) {
      Integer known = index.get(id);
      return known == null ? -1 : known;
    }

    int size() {
      return ids.size();
    }

    String[] ids() {
      return ids.toArray(String[]::new);
    }
  }
}
