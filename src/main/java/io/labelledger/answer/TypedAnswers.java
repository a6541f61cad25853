package io.labelledger.answer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Crowd answers of one answer type as (task, worker, value) triples, the typed counterpart of
 * {@link io.labelledger.quality.AnswerSet}: task and worker ids interned to dense ints (numbered in
 * the order they first appear), answers grouped by task (CSR: the answers of task {@code t} are
 * {@code answerStart(t) .. answerEnd(t) - 1}, in the order they were added), and known true
 * aggregates (gold) per task. Gold for a task without answers is dropped. Immutable once built.
 *
 * @param <V> what one worker answered (a label set, a rating, a text, a comparison)
 * @param <A> what an aggregate is (and so what gold is): often {@code V}, a real number for ratings
 */
public final class TypedAnswers<V, A> {
  private final String[] taskIds;
  private final String[] workerIds;
  private final int[] taskStart;
  private final int[] workerOf;
  private final Object[] values;
  private final Object[] gold;
  private final int goldCount;

  private TypedAnswers(String[] taskIds, String[] workerIds, int[] taskStart, int[] workerOf, Object[] values,
      Object[] gold) {
    this.taskIds = taskIds;
    this.workerIds = workerIds;
    this.taskStart = taskStart;
    this.workerOf = workerOf;
    this.values = values;
    this.gold = gold;
    this.goldCount = (int) Arrays.stream(gold).filter(Objects::nonNull).count();
  }

  public static <V, A> Builder<V, A> builder() {
    return new Builder<>();
  }

  public int taskCount() {
    return taskIds.length;
  }

  public int workerCount() {
    return workerIds.length;
  }

  public int answerCount() {
    return workerOf.length;
  }

  public int goldCount() {
    return goldCount;
  }

  public String taskId(int task) {
    return taskIds[task];
  }

  public String workerId(int worker) {
    return workerIds[worker];
  }

  public int answerStart(int task) {
    return taskStart[task];
  }

  public int answerEnd(int task) {
    return taskStart[task + 1];
  }

  public int workerOf(int answer) {
    return workerOf[answer];
  }

  @SuppressWarnings("unchecked")
  public V value(int answer) {
    return (V) values[answer];
  }

  /** The known true aggregate of {@code task}, or null. */
  @SuppressWarnings("unchecked")
  public A gold(int task) {
    return (A) gold[task];
  }

  /** How many answers each worker gave, indexed by worker. */
  public int[] answersPerWorker() {
    int[] counts = new int[workerCount()];
    for (int w : workerOf) {
      counts[w]++;
    }
    return counts;
  }

  /** Collects triples; not thread-safe. */
  public static final class Builder<V, A> {
    private final Map<String, Integer> tasks = new HashMap<>();
    private final List<String> taskIds = new ArrayList<>();
    private final Map<String, Integer> workers = new HashMap<>();
    private final List<String> workerIds = new ArrayList<>();
    private final Map<String, A> gold = new LinkedHashMap<>();
    private int[] taskOf = new int[1024];
    private int[] workerOf = new int[1024];
    private Object[] values = new Object[1024];
    private int size;

    private Builder() {}

    public Builder<V, A> add(String task, String worker, V value) {
      Objects.requireNonNull(value, "value");
      if (size == taskOf.length) {
        int capacity = size + (size >> 1);
        taskOf = Arrays.copyOf(taskOf, capacity);
        workerOf = Arrays.copyOf(workerOf, capacity);
        values = Arrays.copyOf(values, capacity);
      }
      taskOf[size] = intern(tasks, taskIds, Objects.requireNonNull(task, "task"));
      workerOf[size] = intern(workers, workerIds, Objects.requireNonNull(worker, "worker"));
      values[size] = value;
      size++;
      return this;
    }

    /**
     * Records the known true aggregate of {@code task}.
     *
     * @throws IllegalArgumentException when the task already has a different gold value
     */
    public Builder<V, A> gold(String task, A value) {
      Objects.requireNonNull(task, "task");
      Objects.requireNonNull(value, "value");
      A previous = gold.putIfAbsent(task, value);
      if (previous != null && !previous.equals(value)) {
        throw new IllegalArgumentException("task " + task + " has two gold values: " + previous + " and " + value);
      }
      return this;
    }

    public TypedAnswers<V, A> build() {
      int taskCount = taskIds.size();
      int[] taskStart = new int[taskCount + 1];
      for (int i = 0; i < size; i++) {
        taskStart[taskOf[i] + 1]++;
      }
      for (int t = 0; t < taskCount; t++) {
        taskStart[t + 1] += taskStart[t];
      }
      int[] next = Arrays.copyOf(taskStart, taskCount);
      int[] groupedWorker = new int[size];
      Object[] groupedValue = new Object[size];
      for (int i = 0; i < size; i++) {
        int slot = next[taskOf[i]]++;
        groupedWorker[slot] = workerOf[i];
        groupedValue[slot] = values[i];
      }
      Object[] goldOf = new Object[taskCount];
      gold.forEach((task, value) -> {
        Integer t = tasks.get(task);
        if (t != null) {
          goldOf[t] = value;
        }
      });
      return new TypedAnswers<>(taskIds.toArray(String[]::new), workerIds.toArray(String[]::new), taskStart,
          groupedWorker, groupedValue, goldOf);
    }

    private static int intern(Map<String, Integer> index, List<String> ids, String id) {
      Integer known = index.get(id);
      if (known != null) {
        return known;
      }
      index.put(id, ids.size());
      ids.add(id);
      return ids.size() - 1;
    }
  }
}
