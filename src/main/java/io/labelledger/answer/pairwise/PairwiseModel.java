package io.labelledger.answer.pairwise;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairwise preferences: a Bradley-Terry score per candidate and a reliability per worker, fitted
 * together (after Crowd-Kit's NoisyBT, with a worker's noise as a chance of reversing their
 * judgement rather than a bias towards one side).
 *
 * <ul>
 *   <li><b>Model</b>: with {@code d = s_a − s_b}, worker {@code w} prefers {@code a} with probability
 *       {@code r_w σ(d) + (1 − r_w) σ(−d)}: with probability {@code r_w} they judge as Bradley-Terry
 *       says, otherwise they report the reverse. {@code r = 1} is a faithful judge, {@code r = ½} one
 *       who answers at random, {@code r = 0} one who always picks the worse candidate, whose
 *       judgements the model then reads reversed. A tie counts as half a judgement each way.
 *   <li><b>Priors</b>: {@code s ~ N(0, 1/}{@value #PRIOR_PRECISION}{@code )}, which pins the scores'
 *       otherwise free offset and keeps finite the score of a candidate that won (or lost) every
 *       comparison it was in, yet weighs less than a handful of judgements; {@code r ~ Beta(3, 2)}
 *       (mode ⅔), which says a worker is more often right than wrong and so picks the sensible one of
 *       the two mirror-image optima (scores negated, reliabilities {@code 1 − r}) the likelihood
 *       cannot tell apart.
 *   <li><b>Fit</b>: the posterior mode by block coordinate ascent from scores 0 and reliabilities ⅔.
 *       Each iteration takes one Newton step on every reliability (exact and independent given the
 *       scores: the log-likelihood is concave in each), then one Gauss-Seidel sweep over the
 *       candidates, each moving by its gradient over the larger of its Fisher and observed
 *       information (the likelihood is a mixture and not concave in the scores; the larger curvature
 *       keeps steps from cycling in the tails), by at most {@value #MAX_STEP}. Expectation-maximisation
 *       reaches the same optimum but needed five to ten times as many iterations on synthetic crowds.
 *   <li><b>Stop</b>: when no score and no reliability moved by more than {@value #TOLERANCE} in an
 *       iteration (converged), or after {@value #MAX_ITERATIONS}.
 *   <li><b>Gold</b>: a gold task's aggregate is its gold outcome with confidence 1. For the
 *       reliabilities its pair counts as certainly ordered as gold says, so each judgement on it is
 *       right or reversed for sure (a tie half each); for the scores, every judgement on it is a win
 *       for the gold winner (half each way under a gold tie), as if all its judges were faithful.
 *       A gold tie says nothing of the workers.
 *   <li><b>Aggregate</b> of a task: {@link Outcome#A} if {@code s_a > s_b + }{@value #TIE_EPSILON},
 *       {@link Outcome#B} if {@code s_a < s_b − }{@value #TIE_EPSILON}, {@link Outcome#TIE} otherwise
 *       (in practice only for pairs whose evidence is exactly balanced); confidence {@code 2σ(|d|) − 1}
 *       = {@code tanh(|d| / 2)}, the model's probability that the winner is preferred rescaled from
 *       [½, 1) to [0, 1), and 0 for a tie (the model has no winner to be sure of).
 * </ul>
 *
 * <p>A task is one pair: all its comparisons name the same two candidates, in either order; its
 * {@code a} and {@code b} (and what its aggregate and gold's {@code A} and {@code B} refer to) are
 * those of its first comparison. Worker parameters: {@code {reliability}}; {@link #score} takes an
 * unseen worker for a typical one, of reliability {@value #TYPICAL_RELIABILITY}.
 *
 * <p>Memory beyond the input: a few numbers per candidate, task and worker, and per judgement two
 * copies (one for each of its candidates, 13 bytes each) laid out in the order the score sweep reads
 * them. Time per iteration: {@code O(answers)} (each judgement is visited once for the reliabilities
 * and once from each of its candidates), with one {@code exp} per task and two per pair and
 * candidate. Single-threaded and deterministic.
 */
public final class PairwiseModel implements TypedModel<Comparison, Outcome> {
  static final double PRIOR_PRECISION = 0.3;
  static final double PRIOR_RIGHT = 2; // Beta(3, 2): log-density 2 log r + 1 log(1 - r)
  static final double PRIOR_REVERSED = 1;
  static final double TYPICAL_RELIABILITY = PRIOR_RIGHT / (PRIOR_RIGHT + PRIOR_REVERSED);
  static final double TIE_EPSILON = 1e-6;
  static final double MAX_STEP = 2;
  static final double MIN_PROBABILITY = 1e-12;
  static final int MAX_ITERATIONS = 500;
  static final double TOLERANCE = 1e-5;
  /** {@link #score} weighs a vote by at most the log-odds of this reliability (or of 1 minus it). */
  static final double MAX_VOTE_RELIABILITY = 0.99;

  /**
   * A fit and the scores it came from.
   *
   * @param scores each candidate's Bradley-Terry score, higher = preferred, in the order candidates
   *     first appear; unmodifiable
   */
  public record Ranking(TypedModel.Fit<Outcome> fit, Map<String, Double> scores) {
    public Ranking {
      scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }
  }

  @Override
  public Fit<Outcome> fit(TypedAnswers<Comparison, Outcome> answers) {
    return rank(answers).fit();
  }

  /**
   * Fits the model as the class comment describes.
   *
   * @throws IllegalArgumentException when a task's comparisons are not all of one pair
   */
  public Ranking rank(TypedAnswers<Comparison, Outcome> answers) {
    Pairs pairs = Pairs.of(answers);
    int candidates = pairs.candidateIds.length;
    int tasks = answers.taskCount();
    int workers = answers.workerCount();
    double[] score = new double[candidates];
    double[] reliability = new double[workers];
    Arrays.fill(reliability, TYPICAL_RELIABILITY);
    double[] gradient = new double[workers];
    double[] curvature = new double[workers];

    int iterations = 0;
    boolean converged = false;
    while (iterations < MAX_ITERATIONS && !converged) {
      iterations++;
      double change = reliabilityStep(answers, pairs, score, reliability, gradient, curvature);
      pairs.refreshBeta(reliability);
      change = Math.max(change, scoreSweep(pairs, score));
      converged = change <= TOLERANCE;
    }

    List<Outcome> aggregates = new ArrayList<>(tasks);
    double[] confidence = new double[tasks];
    for (int t = 0; t < tasks; t++) {
      Outcome gold = answers.gold(t);
      if (gold != null) {
        aggregates.add(gold);
        confidence[t] = 1;
      } else {
        double d = score[pairs.taskA[t]] - score[pairs.taskB[t]];
        aggregates.add(d > TIE_EPSILON ? Outcome.A : d < -TIE_EPSILON ? Outcome.B : Outcome.TIE);
        confidence[t] = Math.abs(d) > TIE_EPSILON ? Math.tanh(Math.abs(d) / 2) : 0;
      }
    }
    List<double[]> params = new ArrayList<>(workers);
    for (int w = 0; w < workers; w++) {
      params.add(new double[] {reliability[w]});
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    for (int c = 0; c < candidates; c++) {
      scores.put(pairs.candidateIds[c], score[c]);
    }
    return new Ranking(new Fit<>(aggregates, confidence, params, reliability, iterations, converged), scores);
  }

  /**
   * One Newton step on every worker's log-posterior in their reliability, the scores held: {@code
   * P(says a) = (1 − p) + r (2p − 1)} is linear in {@code r}, so each is concave. A step that would
   * leave (0, 1) goes halfway to the bound instead. Returns the largest change.
   */
  private static double reliabilityStep(TypedAnswers<Comparison, Outcome> answers, Pairs pairs, double[] score,
      double[] reliability, double[] gradient, double[] curvature) {
    Arrays.fill(gradient, 0);
    Arrays.fill(curvature, 0);
    for (int t = 0; t < pairs.taskA.length; t++) {
      byte gold = pairs.gold[t];
      if (gold == Pairs.TIE) {
        continue; // says nothing of who judges right
      }
      double p = gold == Pairs.A ? 1 : gold == Pairs.B ? 0 : sigmoid(score[pairs.taskA[t]] - score[pairs.taskB[t]]);
      double slope = 2 * p - 1; // dP(says a)/dr
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        int w = answers.workerOf(i);
        double sayA = Math.max(MIN_PROBABILITY, (1 - p) + reliability[w] * slope);
        double sayB = Math.max(MIN_PROBABILITY, 1 - sayA);
        double forA = slope / sayA; // d log P(says a)/dr
        double forB = -slope / sayB;
        switch (pairs.said[i]) {
          case Pairs.A -> {
            gradient[w] += forA;
            curvature[w] += forA * forA;
          }
          case Pairs.B -> {
            gradient[w] += forB;
            curvature[w] += forB * forB;
          }
          default -> {
            gradient[w] += 0.5 * (forA + forB);
            curvature[w] += 0.5 * (forA * forA + forB * forB);
          }
        }
      }
    }
    double largest = 0;
    for (int w = 0; w < reliability.length; w++) {
      double r = reliability[w];
      double g = gradient[w] + PRIOR_RIGHT / r - PRIOR_REVERSED / (1 - r);
      double h = curvature[w] + PRIOR_RIGHT / (r * r) + PRIOR_REVERSED / ((1 - r) * (1 - r));
      double next = r + g / h;
      if (next <= 0) {
        next = r / 2;
      } else if (next >= 1) {
        next = (1 + r) / 2;
      }
      largest = Math.max(largest, Math.abs(next - r));
      reliability[w] = next;
    }
    return largest;
  }

  /**
   * One Gauss-Seidel sweep over the candidates, the reliabilities held: each moves by its
   * log-posterior's gradient over the larger of its Fisher and observed information. Reads each
   * candidate's pairs and judgements from {@link Pairs}' per-candidate copy, in memory order. Returns
   * the largest step.
   */
  private static double scoreSweep(Pairs pairs, double[] score) {
    double largest = 0;
    byte[] said = pairs.judgementSaid;
    double[] betaOf = pairs.judgementBeta;
    for (int c = 0; c < score.length; c++) {
      double gradient = -PRIOR_PRECISION * score[c];
      double fisher = PRIOR_PRECISION;
      double observed = PRIOR_PRECISION;
      for (int k = pairs.adjacencyStart[c]; k < pairs.adjacencyStart[c + 1]; k++) {
        double p = sigmoid(score[c] - score[pairs.opponent[k]]); // P(c is preferred), a faithful judge
        double dp = p * (1 - p);
        int from = pairs.judgementStart[k];
        int to = pairs.judgementStart[k + 1];
        byte gold = pairs.goldSide[k];
        if (gold != Pairs.NO_GOLD) {
          double n = to - from;
          gradient += n * ((gold == Pairs.A ? 1 : gold == Pairs.B ? 0 : 0.5) - p);
          fisher += n * dp;
          observed += n * dp;
          continue;
        }
        for (int j = from; j < to; j++) {
          double beta = betaOf[j];
          // floored: a worker driven to r = 0 or 1 on a pair far apart could make one of them 0
          double sayC = Math.max(MIN_PROBABILITY, (1 - beta) / 2 + beta * p);
          double sayOther = Math.max(MIN_PROBABILITY, 1 - sayC);
          double slope = beta * dp; // dP(says c)/ds_c
          double bend = slope * (1 - 2 * p); // d²P(says c)/ds_c²
          double forC = slope / sayC; // d log P(says c)/ds_c
          double forOther = -slope / sayOther;
          double curveC = forC * forC - bend / sayC; // -d² log P(says c)/ds_c²
          double curveOther = forOther * forOther + bend / sayOther;
          switch (said[j]) {
            case Pairs.A -> {
              gradient += forC;
              observed += curveC;
            }
            case Pairs.B -> {
              gradient += forOther;
              observed += curveOther;
            }
            default -> {
              gradient += 0.5 * (forC + forOther);
              observed += 0.5 * (curveC + curveOther);
            }
          }
          fisher += slope * slope / (sayC * sayOther);
        }
      }
      double step = Math.max(-MAX_STEP, Math.min(MAX_STEP, gradient / Math.max(fisher, observed)));
      score[c] += step;
      largest = Math.max(largest, Math.abs(step));
    }
    return largest;
  }

  static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  /**
   * One pair's aggregate without the global scores: each judgement is a vote of weight {@code
   * log(r / (1 − r))} (its worker's reliability clamped to [0.01, 0.99], so a reversing worker's vote
   * counts reversed) for the candidate it preferred, a tie votes for neither, and the sum {@code L} is
   * the log-odds that {@code a} is the better one under a flat prior: {@code A} if {@code L > }{@value
   * #TIE_EPSILON}, {@code B} if {@code L < −}{@value #TIE_EPSILON}, else {@code TIE}; confidence
   * {@code 2σ(|L|) − 1}, 0 for a tie, on the same scale as the fit's. Where the fit also weighs what
   * other pairs say of the two candidates, this sees only the pair's own judgements; the two agree on
   * a pair seen nowhere else whenever its vote is clear.
   *
   * @throws IllegalArgumentException when the comparisons are not all of one pair
   */
  @Override
  public Scored<Outcome> score(List<Comparison> values, List<double[]> workerParams) {
    if (values.isEmpty() || values.size() != workerParams.size()) {
      throw new IllegalArgumentException(
          values.size() + " values and " + workerParams.size() + " worker parameters: need as many, at least 1");
    }
    Comparison first = values.get(0);
    double logOdds = 0;
    for (int i = 0; i < values.size(); i++) {
      byte said = Pairs.oriented(first, values.get(i));
      double[] params = workerParams.get(i);
      double r = params == null ? TYPICAL_RELIABILITY : checkedReliability(params);
      r = Math.max(1 - MAX_VOTE_RELIABILITY, Math.min(MAX_VOTE_RELIABILITY, r));
      double vote = Math.log(r / (1 - r));
      logOdds += said == Pairs.A ? vote : said == Pairs.B ? -vote : 0;
    }
    if (Math.abs(logOdds) <= TIE_EPSILON) {
      return new Scored<>(Outcome.TIE, 0);
    }
    return new Scored<>(logOdds > 0 ? Outcome.A : Outcome.B, Math.tanh(Math.abs(logOdds) / 2));
  }

  private static double checkedReliability(double[] params) {
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
   * The answers as numbers: candidates interned in order of first appearance, each task's two
   * candidates, what each judgement said of its task's {@code a}, and gold the same way; and, for the
   * score sweep, each candidate's pairs (CSR) with a copy of their judgements as seen from that
   * candidate ({@code A} = it was preferred), laid out in the order the sweep reads them: following
   * task indices from a candidate would jump across memory once per pair.
   */
  private static final class Pairs {
    static final byte A = 1;
    static final byte B = -1;
    static final byte TIE = 0;
    static final byte NO_GOLD = 2;

    final String[] candidateIds;
    final int[] taskA;
    final int[] taskB;
    final byte[] said;
    final byte[] gold;
    final int[] adjacencyStart;
    final int[] opponent;
    final byte[] goldSide;
    final int[] judgementStart;
    final byte[] judgementSaid;
    final int[] judgementWorker;
    final double[] judgementBeta; // 2 r - 1 of the judgement's worker, refreshed before each sweep

    private Pairs(TypedAnswers<Comparison, Outcome> answers, String[] candidateIds, int[] taskA, int[] taskB,
        byte[] said, byte[] gold) {
      this.candidateIds = candidateIds;
      this.taskA = taskA;
      this.taskB = taskB;
      this.said = said;
      this.gold = gold;
      int candidates = candidateIds.length;
      int tasks = taskA.length;
      adjacencyStart = new int[candidates + 1];
      for (int t = 0; t < tasks; t++) {
        adjacencyStart[taskA[t] + 1]++;
        adjacencyStart[taskB[t] + 1]++;
      }
      for (int c = 0; c < candidates; c++) {
        adjacencyStart[c + 1] += adjacencyStart[c];
      }
      int[] taskOf = new int[2 * tasks];
      int[] next = Arrays.copyOf(adjacencyStart, candidates);
      for (int t = 0; t < tasks; t++) {
        taskOf[next[taskA[t]]++] = t;
        taskOf[next[taskB[t]]++] = t;
      }
      opponent = new int[2 * tasks];
      goldSide = new byte[2 * tasks];
      judgementStart = new int[2 * tasks + 1];
      int judgements = 2 * answers.answerCount();
      judgementSaid = new byte[judgements];
      judgementWorker = new int[judgements];
      judgementBeta = new double[judgements];
      int j = 0;
      for (int c = 0; c < candidates; c++) {
        for (int k = adjacencyStart[c]; k < adjacencyStart[c + 1]; k++) {
          int t = taskOf[k];
          boolean isA = taskA[t] == c;
          opponent[k] = isA ? taskB[t] : taskA[t];
          goldSide[k] = gold[t] == NO_GOLD || isA ? gold[t] : (byte) -gold[t];
          judgementStart[k] = j;
          for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++, j++) {
            judgementSaid[j] = isA ? said[i] : (byte) -said[i];
            judgementWorker[j] = answers.workerOf(i);
          }
        }
      }
      judgementStart[2 * tasks] = j;
    }

    void refreshBeta(double[] reliability) {
      for (int j = 0; j < judgementBeta.length; j++) {
        judgementBeta[j] = 2 * reliability[judgementWorker[j]] - 1;
      }
    }

    static Pairs of(TypedAnswers<Comparison, Outcome> answers) {
      Map<String, Integer> index = new HashMap<>();
      List<String> ids = new ArrayList<>();
      int tasks = answers.taskCount();
      int[] taskA = new int[tasks];
      int[] taskB = new int[tasks];
      byte[] said = new byte[answers.answerCount()];
      byte[] gold = new byte[tasks];
      for (int t = 0; t < tasks; t++) {
        Comparison first = answers.value(answers.answerStart(t));
        taskA[t] = intern(index, ids, first.a());
        taskB[t] = intern(index, ids, first.b());
        for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
          try {
            said[i] = oriented(first, answers.value(i));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("task " + answers.taskId(t) + ": " + e.getMessage(), e);
          }
        }
        Outcome g = answers.gold(t);
        gold[t] = g == null ? NO_GOLD : code(g);
      }
      return new Pairs(answers, ids.toArray(String[]::new), taskA, taskB, said, gold);
    }

    /** What {@code c} says of {@code first}'s {@code a}. */
    static byte oriented(Comparison first, Comparison c) {
      if (c.a().equals(first.a()) && c.b().equals(first.b())) {
        return code(c.outcome());
      }
      if (c.a().equals(first.b()) && c.b().equals(first.a())) {
        return code(c.outcome().swapped());
      }
      throw new IllegalArgumentException("compares " + c.a() + " with " + c.b() + " where the task's first comparison"
          + " compares " + first.a() + " with " + first.b());
    }

    static byte code(Outcome outcome) {
      return switch (outcome) {
        case A -> A;
        case B -> B;
        case TIE -> TIE;
      };
    }

    private static int intern(Map<String, Integer> index, List<String> ids, String id) {
      Integer known = index.putIfAbsent(id, ids.size());
      if (known != null) {
        return known;
      }
      ids.add(id);
      return ids.size() - 1;
    }
  }
}
