package io.labelledger.answer.freetext;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Free-text aggregation: each task's aggregate is one of its answers, the reliability-weighted medoid
 * by word edit distance, with worker reliabilities and aggregates estimated in turn (after HRRASA,
 * Li 2019, with word edit distance in place of sentence embeddings).
 *
 * <ul>
 *   <li><b>Distance</b> between two answers: the word-level Levenshtein distance of their normalised
 *       texts ({@link TextNormalizer}, words split at white space) over the longer one's word count,
 *       so 0 for the same words and 1 for nothing in common (0 for two empty texts). Words are
 *       interned to ints and every pair's distance computed once per fit.
 *   <li><b>Aggregate</b> of a task: the answer {@code c} that minimises {@code Σ_j r(j) · d(c, j)}
 *       over the task's answers {@code j}, {@code r(j)} its worker's reliability; exact ties go to the
 *       answer that came first. The aggregate is the chosen answer's original text, not its
 *       normalised form.
 *   <li><b>Reliability</b> of a worker: the mean similarity {@code 1 − d} of each of their answers
 *       to the aggregate its task would have without it (the weighted medoid of the task's other
 *       answers, with that answer neither a candidate nor a reference), smoothed by {@value
 *       #PRIOR_ANSWERS} pseudo-answers of similarity {@value #TYPICAL_RELIABILITY}, so in [0, 1].
 *       Leaving the answer out keeps a worker from being credited for agreeing with themselves (a
 *       careless worker whose answer is chosen on a task of two would otherwise score 1 there); an
 *       answer alone on its task says nothing about its worker and is not counted. It reads as how
 *       close the worker's texts come to their peers' consensus, so even a flawless typist scores
 *       below 1 when the others on their tasks make slips.
 *   <li><b>Iterations</b>: the first aggregates weigh every worker equally (plain medoids); then
 *       reliabilities and aggregates alternate until no reliability moves by more than {@value
 *       #TOLERANCE} (converged), or the reliabilities come back exactly to those of one of the last
 *       {@value #HISTORY} iterations (a cycle, not converged: the choices are discrete, and on large
 *       campaigns a handful of near-tied tasks can swap their aggregates back and forth forever; 12
 *       of 200,000 did in a synthetic one), or after {@value #MAX_ITERATIONS} rounds. The returned
 *       aggregates are recomputed from the returned reliabilities, so {@link #score} with the fitted
 *       parameters gives the fit's aggregate.
 *   <li><b>Gold</b>: a gold task's aggregate is its gold text with confidence 1, and its answers are
 *       compared with the gold text when reliabilities are estimated.
 *   <li><b>Confidence</b> of a task: the share of its answers, each weighed by its worker's
 *       reliability, within distance {@value #AGREEMENT_DISTANCE} of the aggregate (at most one word in
 *       five different); 0 when every answering worker has reliability 0. The aggregate's own answer
 *       counts, so a task with a single answer has confidence 1: read confidence together with the
 *       task's answer count.
 * </ul>
 *
 * <p>Worker parameters: {@code {reliability}}. {@link #score} takes a worker it has not seen for a
 * typical one, of reliability {@value #TYPICAL_RELIABILITY}.
 *
 * <p>Work is capped per task: a text counts its first {@value #MAX_WORDS} words, and a task with more
 * than {@value #MAX_REFERENCES} answers weighs its candidates against its first {@value
 * #MAX_REFERENCES} answers only (every answer is still a candidate), so a task costs at most {@code
 * answers × 32} distances of at most {@code 256²} steps. Memory beyond the input: the word ids of
 * every answer and one float per (answer, reference) pair. Single-threaded; deterministic.
 */
public final class TextModel implements TypedModel<String, String> {
  static final int MAX_WORDS = 256;
  static final int MAX_REFERENCES = 32;
  static final double AGREEMENT_DISTANCE = 0.2;
  /** Distances are stored as floats: 1/5 is stored as 0.2f, a little above 0.2. */
  private static final double AGREEMENT_THRESHOLD = (float) AGREEMENT_DISTANCE;
  static final double TYPICAL_RELIABILITY = 0.5;
  static final double PRIOR_ANSWERS = 2;
  static final int MAX_ITERATIONS = 50;
  static final double TOLERANCE = 1e-6;
  static final int HISTORY = 16;

  private final TextNormalizer normalizer;

  public TextModel(TextNormalizer normalizer) {
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
  }

  /** Runs the iteration of the class comment over every answer. */
  @Override
  public Fit<String> fit(TypedAnswers<String, String> answers) {
    Texts texts = Texts.of(answers, normalizer);
    int tasks = answers.taskCount();
    int workers = answers.workerCount();
    double[] reliability = new double[workers];
    Arrays.fill(reliability, 1);
    double[] weight = new double[answers.answerCount()];
    int[] chosen = new int[tasks];
    double[] similarity = new double[workers];
    int[] compared = new int[workers];
    double[] cost = new double[answers.answerCount()];

    int iterations = 0;
    boolean converged = false;
    long[] history = new long[HISTORY];
    boolean cycled = false;
    while (iterations < MAX_ITERATIONS && !converged && !cycled) {
      iterations++;
      choose(answers, texts, reliability, weight, chosen, cost);
      Arrays.fill(similarity, 0);
      Arrays.fill(compared, 0);
      for (int t = 0; t < tasks; t++) {
        int from = answers.answerStart(t);
        boolean gold = answers.gold(t) != null;
        for (int i = 0; i < texts.size(t); i++) {
          int other = gold ? -1 : texts.medoidWithout(t, i, weight, from, cost);
          if (gold || other >= 0) {
            double d = gold ? texts.goldDistance(t, i) : texts.distance(t, i, other);
            int w = answers.workerOf(from + i);
            similarity[w] += 1 - d;
            compared[w]++;
          }
        }
      }
      double change = 0;
      long state = 0;
      for (int w = 0; w < workers; w++) {
        double r = (similarity[w] + PRIOR_ANSWERS * TYPICAL_RELIABILITY) / (compared[w] + PRIOR_ANSWERS);
        change = Math.max(change, Math.abs(r - reliability[w]));
        reliability[w] = r;
        state = (state + Double.doubleToLongBits(r)) * 0x9E3779B97F4A7C15L;
      }
      converged = change <= TOLERANCE;
      cycled = seen(history, iterations, state ^ (state >>> 29));
    }
    choose(answers, texts, reliability, weight, chosen, cost);

    List<String> aggregates = new ArrayList<>(tasks);
    double[] confidence = new double[tasks];
    for (int t = 0; t < tasks; t++) {
      String gold = answers.gold(t);
      if (gold != null) {
        aggregates.add(gold);
        confidence[t] = 1;
      } else {
        aggregates.add(answers.value(answers.answerStart(t) + chosen[t]));
        confidence[t] = confidence(texts, t, chosen[t], weight, answers.answerStart(t));
      }
    }
    List<double[]> params = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      params.add(new double[] {reliability[w]});
    }
    return new Fit<>(aggregates, confidence, params, reliability, iterations, converged);
  }

  /**
   * The weighted medoid of {@code values} with the reliabilities in {@code workerParams}, as {@link
   * #fit} chooses it for a task with these answers in this order; confidence as in the class
   * comment.
   */
  @Override
  public Scored<String> score(List<String> values, List<double[]> workerParams) {
    if (values.isEmpty() || values.size() != workerParams.size()) {
      throw new IllegalArgumentException(
          values.size() + " values and " + workerParams.size() + " worker parameters: need as many, at least 1");
    }
    Texts texts = Texts.of(values, normalizer);
    double[] weight = new double[values.size()];
    for (int i = 0; i < weight.length; i++) {
      weight[i] = reliabilityOf(workerParams.get(i));
    }
    int chosen = texts.medoid(0, weight, 0, new double[values.size()]);
    return new Scored<>(values.get(chosen), confidence(texts, 0, chosen, weight, 0));
  }

  private static double reliabilityOf(double[] params) {
    if (params == null) {
      return TYPICAL_RELIABILITY;
    }
    if (params.length < 1) {
      throw new IllegalArgumentException("worker parameters are {reliability}, got none");
    }
    double r = params[0];
    if (!(r >= 0 && r <= 1)) {
      throw new IllegalArgumentException("a reliability is in [0, 1], was " + r);
    }
    return r;
  }

  /**
   * Whether {@code state} is among the last {@value #HISTORY} iterations' (a ring buffer); records
   * it.
   */
  private static boolean seen(long[] history, int iteration, long state) {
    boolean seen = false;
    for (int k = 1; k <= Math.min(HISTORY, iteration - 1); k++) {
      seen |= history[(iteration - k) % HISTORY] == state;
    }
    history[iteration % HISTORY] = state;
    return seen;
  }

  /** Sets each non-gold task's medoid under {@code reliability}, and every candidate's cost. */
  private static void choose(TypedAnswers<String, String> answers, Texts texts, double[] reliability,
      double[] weight, int[] chosen, double[] cost) {
    for (int i = 0; i < weight.length; i++) {
      weight[i] = reliability[answers.workerOf(i)];
    }
    for (int t = 0; t < chosen.length; t++) {
      if (answers.gold(t) == null) {
        chosen[t] = texts.medoid(t, weight, answers.answerStart(t), cost);
      }
    }
  }

  private static double confidence(Texts texts, int task, int chosen, double[] weight, int weightFrom) {
    double agreeing = 0;
    double total = 0;
    for (int i = 0; i < texts.size(task); i++) {
      double w = weight[weightFrom + i];
      total += w;
      if (texts.distance(task, i, chosen) <= AGREEMENT_THRESHOLD) {
        agreeing += w;
      }
    }
    return total > 0 ? agreeing / total : 0;
  }

  /**
   * The answers' word ids (flat: answer {@code a}'s are {@code words[wordStart[a] ..
   * wordStart[a + 1])}) and, per task, the distances from each answer to each of its first {@value
   * #MAX_REFERENCES} answers ({@code n × m} floats row by row from {@code matrixStart[t]}).
   */
  private static final class Texts {
    private final int[] taskStart;
    private final int[] words;
    private final int[] wordStart;
    private final long[] matrixStart;
    private final float[] distance;
    private final float[] goldDistance;
    private final int[] row = new int[MAX_WORDS + 1];

    private Texts(int[] taskStart, int[] words, int[] wordStart, float[] goldDistance) {
      this.taskStart = taskStart;
      this.words = words;
      this.wordStart = wordStart;
      this.goldDistance = goldDistance;
      int tasks = taskStart.length - 1;
      matrixStart = new long[tasks + 1];
      for (int t = 0; t < tasks; t++) {
        int n = size(t);
        matrixStart[t + 1] = matrixStart[t] + (long) n * Math.min(n, MAX_REFERENCES);
      }
      if (matrixStart[tasks] > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("too many answers per task for one fit: " + matrixStart[tasks]
            + " distances");
      }
      distance = new float[(int) matrixStart[tasks]];
      for (int t = 0; t < tasks; t++) {
        fillDistances(t);
      }
    }

    static Texts of(TypedAnswers<String, String> answers, TextNormalizer normalizer) {
      int tasks = answers.taskCount();
      WordSequences sequences = new WordSequences(normalizer, MAX_WORDS);
      int[] taskStart = new int[tasks + 1];
      int[] wordStart = new int[answers.answerCount() + 1];
      int[] words = new int[Math.max(16, answers.answerCount() * 8)];
      for (int a = 0; a < answers.answerCount(); a++) {
        words = append(sequences, answers.value(a), words, wordStart, a);
      }
      for (int t = 0; t < tasks; t++) {
        taskStart[t + 1] = answers.answerEnd(t);
      }
      float[] goldDistance = new float[answers.answerCount()];
      int[] row = new int[MAX_WORDS + 1];
      for (int t = 0; t < tasks; t++) {
        String gold = answers.gold(t);
        if (gold != null) {
          int[] g = sequences.encode(gold);
          for (int a = answers.answerStart(t); a < answers.answerEnd(t); a++) {
            goldDistance[a] = (float) WordSequences.normalizedDistance(words, wordStart[a],
                wordStart[a + 1] - wordStart[a], g, 0, g.length, row);
          }
        }
      }
      return new Texts(taskStart, words, wordStart, goldDistance);
    }

    /** One task of {@code values}. */
    static Texts of(List<String> values, TextNormalizer normalizer) {
      WordSequences sequences = new WordSequences(normalizer, MAX_WORDS);
      int[] wordStart = new int[values.size() + 1];
      int[] words = new int[16];
      for (int a = 0; a < values.size(); a++) {
        words = append(sequences, Objects.requireNonNull(values.get(a), "value"), words, wordStart, a);
      }
      return new Texts(new int[] {0, values.size()}, words, wordStart, new float[values.size()]);
    }

    private static int[] append(WordSequences sequences, String text, int[] words, int[] wordStart, int a) {
      int count = sequences.encodeInto(text);
      int from = wordStart[a];
      if (from + count > words.length) {
        words = Arrays.copyOf(words, Math.max(from + count, words.length + (words.length >> 1)));
      }
      System.arraycopy(sequences.encoded(), 0, words, from, count);
      wordStart[a + 1] = from + count;
      return words;
    }

    int size(int task) {
      return taskStart[task + 1] - taskStart[task];
    }

    double goldDistance(int task, int i) {
      return goldDistance[taskStart[task] + i];
    }

    private void fillDistances(int task) {
      int n = size(task);
      int m = Math.min(n, MAX_REFERENCES);
      int offset = (int) matrixStart[task];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < m; j++) {
          float d;
          if (j == i) {
            d = 0;
          } else if (j < i && i < m) {
            d = distance[offset + j * m + i]; // symmetric, computed in row j
          } else {
            d = (float) compute(task, i, j);
          }
          distance[offset + i * m + j] = d;
        }
      }
    }

    private double compute(int task, int i, int j) {
      int a = taskStart[task] + i;
      int b = taskStart[task] + j;
      return WordSequences.normalizedDistance(words, wordStart[a], wordStart[a + 1] - wordStart[a], words,
          wordStart[b], wordStart[b + 1] - wordStart[b], row);
    }

    /** Distance between answers {@code i} and {@code j} of {@code task}, as the medoid sees it. */
    double distance(int task, int i, int j) {
      int m = Math.min(size(task), MAX_REFERENCES);
      int offset = (int) matrixStart[task];
      if (j < m) {
        return distance[offset + i * m + j];
      }
      if (i < m) {
        return distance[offset + j * m + i];
      }
      return (float) compute(task, i, j); // as stored, so the same pair reads the same either way
    }

    /**
     * The candidate with the least weighted distance to the references (ties to the earlier one);
     * leaves each candidate's cost in {@code costs}, aligned with {@code weight}.
     */
    int medoid(int task, double[] weight, int weightFrom, double[] costs) {
      int n = size(task);
      int m = Math.min(n, MAX_REFERENCES);
      int offset = (int) matrixStart[task];
      int best = -1;
      double bestCost = Double.POSITIVE_INFINITY;
      for (int c = 0; c < n; c++) {
        double cost = 0;
        int rowStart = offset + c * m;
        for (int j = 0; j < m; j++) {
          cost += weight[weightFrom + j] * distance[rowStart + j];
        }
        costs[weightFrom + c] = cost;
        if (cost < bestCost) {
          best = c;
          bestCost = cost;
        }
      }
      return best;
    }

    /**
     * The medoid of {@code task} without answer {@code i}: neither a candidate nor a reference; -1
     * when {@code i} is the task's only answer. Needs the costs {@link #medoid} left.
     */
    int medoidWithout(int task, int i, double[] weight, int weightFrom, double[] costs) {
      int n = size(task);
      int m = Math.min(n, MAX_REFERENCES);
      int best = -1;
      double bestCost = Double.POSITIVE_INFINITY;
      double wi = i < m ? weight[weightFrom + i] : 0;
      for (int c = 0; c < n; c++) {
        if (c != i) {
          double cost = costs[weightFrom + c] - wi * distance(task, c, i);
          if (cost < bestCost) {
            best = c;
            bestCost = cost;
          }
        }
      }
      return best;
    }
  }
}
