package io.labelledger.answer.regions;

import io.labelledger.answer.TypedAnswers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Region answers (spans of a text, boxes on an image) aggregated by matching them across workers
 * and weighing each worker by how reliable they have been — the engine of the span and box models.
 *
 * <ul>
 *   <li><b>Candidates:</b> each task's regions are clustered per label by IoU ({@link Candidates}):
 *       every cluster is a candidate object, marked by its members and left out by every other
 *       answer of the task.
 *   <li><b>Marking</b> is Dawid-Skene with two coins per worker over the candidates, as
 *       {@code MultiLabelModel} is per label: a worker marks a real object with their sensitivity
 *       (recall) and leaves a false candidate alone with their specificity. A candidate's log-odds
 *       of being real is the log-odds of the prevalence of real candidates plus, per answer of its
 *       task, {@code log(sens / (1 - spec))} when the answer marks it, {@code log((1 - sens) /
 *       spec)} when not. So a careless worker's box counts for little, their silence for less, and
 *       an object two reliable workers marked survives three careless ones who missed it.
 *   <li><b>Places nobody marked:</b> the false candidates a worker met in a task are the marked ones
 *       judged false plus {@value #UNMARKED_PLACES} places where nobody marked anything. A candidate
 *       exists only because someone marked it, so counting only those as the chances to leave a false
 *       one alone makes specificity low by construction: measured on texts answered by 3 careful
 *       workers, that fit fell to an exact span F1 of 0.81 where majority had 0.95. The number cancels
 *       out of a candidate one worker marked and makes two workers' agreement count for more; 5, 20 and
 *       100 gave the same F1 to within 0.003.
 *   <li><b>M-step:</b> sensitivity and specificity from expected counts, each the posterior mean
 *       under a Beta prior centred on the crowd's (worth {@value #WORKER_PSEUDO_COUNT} candidates),
 *       the crowd's centred on {@value #PRIOR_RATE} (worth {@value #CROWD_PSEUDO_COUNT}); the
 *       prevalence with one pseudo-candidate on each side.
 *   <li><b>Localisation:</b> each worker also has a localisation error: for {@link Combine#MEAN}
 *       (pixels) the mean squared deviation of their edges from the aggregate's, relative to its
 *       size; for {@link Combine#MODE} (text boundaries) the share of their boundaries that differ
 *       from the aggregate's. Both are shrunk to the crowd's (worth {@value #LOCATION_PSEUDO_COUNT}
 *       regions), weighted by how likely each candidate is real. A candidate's region is the
 *       weighted mean of its members' edges (weight 1 / error) or, for boundaries, the weighted mode
 *       (weight the log-odds of hitting the boundary, at least {@value #MODE_WEIGHT_FLOOR}; ties to
 *       the lower value).
 *   <li><b>Start:</b> a candidate's probability is the share of its task's answers that mark it
 *       (majority), its region the unweighted mean or mode.
 *   <li><b>Gold:</b> in a gold task, candidates holding a gold region are real, the others not,
 *       throughout; the gold regions stand as the aggregate's edges when localisation is estimated.
 *   <li><b>Stop:</b> when no probability moved by more than {@value #TOLERANCE} and no edge by more
 *       than {@value #EDGE_TOLERANCE} in an iteration, or after {@value #MAX_ITERATIONS} iterations.
 * </ul>
 *
 * <p>The aggregate of a task is every candidate whose probability is above 0.5, each with that
 * probability as its confidence. The task's confidence is the least sure of its decisions (over
 * candidates, the probability of the side chosen), and at most {@code 1 - Π (1 - sens)} over its
 * answers: the chance that an object all of them missed would have been marked by one of them.
 * A worker's reliability is their balanced accuracy {@code (sens + spec) / 2}.
 *
 * <p>Worker parameters, seven doubles: {@code [0]} sensitivity, {@code [1]} specificity, {@code [2]}
 * localisation error, then {@code [3]} the prevalence and {@code [4..6]} the crowd's sensitivity,
 * specificity and localisation error the fit ended with, the same in every worker's array of one fit:
 * {@link #score} reads them from the first known worker, and takes an unseen worker as a typical
 * member of the crowd (with no known worker: {@value #PRIOR_RATE} and the default error).
 *
 * <p>Memory beyond the input: a few numbers per region, per candidate and per worker. Time per
 * iteration: {@code O(regions + answers)}, plus the weighted mode's {@code O(members²)} per
 * candidate. Single-threaded, deterministic, no state between calls.
 */
public final class RegionModel {
  /** How a candidate's edges are combined from its members'. */
  public enum Combine {
    /** Weighted mean: pixel coordinates, where everyone is a little off. */
    MEAN(0.01),
    /** Weighted mode: text boundaries, where most hit the same code point and a few are a word off. */
    MODE(0.2);

    /** The localisation error assumed before any data: 10 % of the size per edge, or 1 boundary in 5. */
    final double defaultError;

    Combine(double defaultError) {
      this.defaultError = defaultError;
    }
  }

  static final double PRIOR_RATE = 0.7;
  static final double CROWD_PSEUDO_COUNT = 2;
  static final double WORKER_PSEUDO_COUNT = 4;
  static final double LOCATION_PSEUDO_COUNT = 4;
  static final double MODE_WEIGHT_FLOOR = 0.05;
  static final int MAX_ITERATIONS = 100;
  static final double TOLERANCE = 1e-4;
  /** A tenth of a pixel (or code point): aggregates are rounded to whole ones. */
  static final double EDGE_TOLERANCE = 0.1;
  static final int PARAMS = 7;
  /** Places per task where a worker could have marked something false and nobody did. */
  static final double UNMARKED_PLACES = 20;
  /** Keeps every log finite whatever the counts. */
  private static final double FLOOR = 1e-4;

  private final int dimensions;
  private final int labelCount;
  private final Combine combine;
  private final double clusterThreshold;

  /**
   * @param dimensions 1 (spans) or 2 (boxes)
   * @param labelCount how many labels regions may have
   * @param clusterThreshold the IoU at and above which regions of different answers may be one object
   */
  public RegionModel(int dimensions, int labelCount, Combine combine, double clusterThreshold) {
    if (dimensions != 1 && dimensions != 2) {
      throw new IllegalArgumentException("regions have 1 or 2 dimensions, not " + dimensions);
    }
    if (labelCount < 1) {
      throw new IllegalArgumentException("need at least one label");
    }
    if (!(clusterThreshold > 0 && clusterThreshold <= 1)) {
      throw new IllegalArgumentException("the clustering IoU threshold must be in (0, 1], was " + clusterThreshold);
    }
    this.dimensions = dimensions;
    this.labelCount = labelCount;
    this.combine = combine;
    this.clusterThreshold = clusterThreshold;
  }

  /** A region of an aggregate: its label, its edges as {@link Regions} lays them out (not rounded), its probability. */
  public record Found(int label, double[] bounds, double confidence) {}

  /**
   * What a fit or a score concluded: per task the regions kept (for a gold task, its gold regions)
   * and the task's confidence; per worker the parameters and reliability.
   */
  public record Result(List<List<Found>> found, double[] confidence, List<double[]> workerParams,
      double[] workerReliability, int iterations, boolean converged) {}

  /** Fits the model to every answer. */
  public <V, A> Result fit(TypedAnswers<V, A> answers, Regions.Writer<V> answer, Regions.Writer<A> gold) {
    RegionData data = RegionData.of(answers, dimensions, labelCount, answer, gold);
    State s = new State(data, Candidates.of(data, clusterThreshold));
    s.start();
    int iterations = 0;
    boolean converged = false;
    while (iterations < MAX_ITERATIONS && !converged) {
      iterations++;
      s.maximise();
      double moved = s.expect();
      double shifted = s.locate();
      converged = moved <= TOLERANCE && shifted <= EDGE_TOLERANCE;
    }
    return s.result(iterations, converged);
  }

  /**
   * One task's aggregate from its answers, each with its worker's parameters from the last fit
   * (null for a worker the fit has not seen).
   */
  public <V> Result score(List<V> values, List<double[]> workerParams, Regions.Writer<V> answer) {
    if (values.isEmpty() || values.size() != workerParams.size()) {
      throw new IllegalArgumentException("need as many worker parameters as values (at least one), got "
          + values.size() + " values and " + workerParams.size() + " parameters");
    }
    RegionData data = RegionData.ofTask(values, dimensions, labelCount, answer);
    State s = new State(data, Candidates.of(data, clusterThreshold));
    double[] known = workerParams.stream().filter(p -> p != null).findFirst().orElse(null);
    if (known != null) {
      checkParams(known);
    }
    s.prevalence = known == null ? 0.5 : known[3];
    double crowdSens = known == null ? PRIOR_RATE : known[4];
    double crowdSpec = known == null ? PRIOR_RATE : known[5];
    double crowdError = known == null ? combine.defaultError : known[6];
    s.crowd = new double[] {crowdSens, crowdSpec, crowdError};
    for (int w = 0; w < values.size(); w++) {
      double[] p = workerParams.get(w);
      s.sens[w] = p == null ? crowdSens : checkParams(p)[0];
      s.spec[w] = p == null ? crowdSpec : p[1];
      s.error[w] = p == null ? crowdError : p[2];
    }
    s.start();
    s.expect();
    s.locate();
    return s.result(0, true);
  }

  /**
   * The plain baseline on the same candidates: a candidate is kept when more than half of its task's
   * answers mark it, with that share as its confidence and its members' unweighted mean or mode as
   * its edges (per-box majority; for spans, per-span majority). Gold tasks keep their gold regions.
   */
  public <V, A> Result majority(TypedAnswers<V, A> answers, Regions.Writer<V> answer, Regions.Writer<A> gold) {
    RegionData data = RegionData.of(answers, dimensions, labelCount, answer, gold);
    State s = new State(data, Candidates.of(data, clusterThreshold));
    s.start();
    return s.result(1, true);
  }

  /** The fit's working state: per candidate, probability and edges; per worker, rates and error. */
  private final class State {
    final RegionData data;
    final Candidates cand;
    final int[] taskOf;
    final double[] probability;
    final double[] edges;
    final double[] sens;
    final double[] spec;
    final double[] error;
    double prevalence = 0.5;
    /** The crowd's sensitivity, specificity and localisation error. */
    double[] crowd = {PRIOR_RATE, PRIOR_RATE, combine.defaultError};
    private final double[] leftOut;
    private final double[] marked;
    private final double[] weight;
    // mode scratch
    private int[] values = new int[16];
    private double[] sums = new double[16];

    State(RegionData data, Candidates cand) {
      this.data = data;
      this.cand = cand;
      this.taskOf = new int[cand.count];
      for (int t = 0; t < data.tasks; t++) {
        Arrays.fill(taskOf, cand.taskStart[t], cand.taskStart[t + 1], t);
      }
      this.probability = new double[cand.count];
      this.edges = new double[cand.count * 2 * dimensions];
      this.sens = new double[data.workers];
      this.spec = new double[data.workers];
      this.error = new double[data.workers];
      Arrays.fill(sens, PRIOR_RATE);
      Arrays.fill(spec, PRIOR_RATE);
      Arrays.fill(error, combine.defaultError);
      this.leftOut = new double[data.workers];
      this.marked = new double[data.workers];
      this.weight = new double[data.workers];
    }

    boolean fixed(int c) {
      return data.hasGold[taskOf[c]];
    }

    int workerOf(int region) {
      return data.workerOf[cand.answerOf[region]];
    }

    /** Majority shares, unweighted edges; gold candidates at their truth. */
    void start() {
      for (int c = 0; c < cand.count; c++) {
        int t = taskOf[c];
        if (fixed(c)) {
          probability[c] = cand.gold[c] >= 0 ? 1 : 0;
        } else {
          probability[c] = (double) cand.size(c) / (data.answerStart[t + 1] - data.answerStart[t]);
        }
      }
      Arrays.fill(weight, 1);
      combineAll(weight);
    }

    void maximise() {
      double[] tp = new double[data.workers];
      double[] fp = new double[data.workers];
      double[] positives = new double[data.workers];
      double[] negatives = new double[data.workers];
      double real = 0;
      double places = 0;
      for (int t = 0; t < data.tasks; t++) {
        double expected = 0;
        for (int c = cand.taskStart[t]; c < cand.taskStart[t + 1]; c++) {
          expected += probability[c];
        }
        // the places a worker could have marked and nobody did count as false candidates too
        double candidates = cand.taskStart[t + 1] - cand.taskStart[t] + UNMARKED_PLACES;
        places += candidates;
        real += expected;
        for (int a = data.answerStart[t]; a < data.answerStart[t + 1]; a++) {
          int w = data.workerOf[a];
          positives[w] += expected;
          negatives[w] += candidates - expected;
        }
      }
      double[] deviation = new double[data.workers];
      double[] located = new double[data.workers];
      for (int c = 0; c < cand.count; c++) {
        double p = probability[c];
        for (int m = cand.memberStart[c]; m < cand.memberStart[c + 1]; m++) {
          int r = cand.members[m];
          int w = workerOf(r);
          tp[w] += p;
          fp[w] += 1 - p;
          if (p > 0) {
            deviation[w] += p * deviation(r, c);
            located[w] += p;
          }
        }
      }
      double sumTp = sum(tp);
      double sumFp = sum(fp);
      double sumPositives = sum(positives);
      double sumNegatives = sum(negatives);
      double crowdSens = (sumTp + CROWD_PSEUDO_COUNT * PRIOR_RATE) / (sumPositives + CROWD_PSEUDO_COUNT);
      double crowdSpec = (sumNegatives - sumFp + CROWD_PSEUDO_COUNT * PRIOR_RATE)
          / (sumNegatives + CROWD_PSEUDO_COUNT);
      double crowdError = (sum(deviation) + CROWD_PSEUDO_COUNT * combine.defaultError)
          / (sum(located) + CROWD_PSEUDO_COUNT);
      crowd = new double[] {clamp(crowdSens), clamp(crowdSpec), crowdError};
      for (int w = 0; w < data.workers; w++) {
        sens[w] = clamp((tp[w] + WORKER_PSEUDO_COUNT * crowd[0]) / (positives[w] + WORKER_PSEUDO_COUNT));
        spec[w] = clamp((negatives[w] - fp[w] + WORKER_PSEUDO_COUNT * crowd[1])
            / (negatives[w] + WORKER_PSEUDO_COUNT));
        error[w] = (deviation[w] + LOCATION_PSEUDO_COUNT * crowdError) / (located[w] + LOCATION_PSEUDO_COUNT);
      }
      prevalence = (real + 1) / (places + 2);
    }

    /**
     * E-step: every free candidate's probability, in place.
     *
     * @return the largest change of any probability
     */
    double expect() {
      for (int w = 0; w < data.workers; w++) {
        leftOut[w] = Math.log(1 - sens[w]) - Math.log(spec[w]);
        marked[w] = Math.log(sens[w]) - Math.log(1 - spec[w]) - leftOut[w];
      }
      double prior = Math.log(prevalence) - Math.log(1 - prevalence);
      double moved = 0;
      for (int t = 0; t < data.tasks; t++) {
        if (data.hasGold[t]) {
          continue;
        }
        double base = prior;
        for (int a = data.answerStart[t]; a < data.answerStart[t + 1]; a++) {
          base += leftOut[data.workerOf[a]];
        }
        for (int c = cand.taskStart[t]; c < cand.taskStart[t + 1]; c++) {
          double logOdds = base;
          for (int m = cand.memberStart[c]; m < cand.memberStart[c + 1]; m++) {
            logOdds += marked[workerOf(cand.members[m])];
          }
          double p = 1 / (1 + Math.exp(-logOdds));
          moved = Math.max(moved, Math.abs(p - probability[c]));
          probability[c] = p;
        }
      }
      return moved;
    }

    /**
     * Every candidate's edges from its members', weighted by their workers' localisation.
     *
     * @return the largest move of any edge
     */
    double locate() {
      for (int w = 0; w < data.workers; w++) {
        weight[w] = locationWeight(error[w]);
      }
      return combineAll(weight);
    }

    private double combineAll(double[] workerWeight) {
      int stride = 2 * dimensions;
      double moved = 0;
      for (int c = 0; c < cand.count; c++) {
        int at = c * stride;
        if (cand.gold[c] >= 0) {
          for (int e = 0; e < stride; e++) {
            edges[at + e] = data.goldBounds[cand.gold[c] * stride + e];
          }
          continue;
        }
        for (int e = 0; e < stride; e++) {
          double value = combine == Combine.MEAN ? mean(c, e, workerWeight) : mode(c, e, workerWeight);
          moved = Math.max(moved, Math.abs(value - edges[at + e]));
          edges[at + e] = value;
        }
      }
      return moved;
    }

    private double mean(int c, int e, double[] workerWeight) {
      int stride = 2 * dimensions;
      double total = 0;
      double weighted = 0;
      for (int m = cand.memberStart[c]; m < cand.memberStart[c + 1]; m++) {
        int r = cand.members[m];
        double w = workerWeight[workerOf(r)];
        total += w;
        weighted += w * data.bounds[r * stride + e];
      }
      return weighted / total;
    }

    /** The value of edge {@code e} with the most weight among the members; ties to the lower value. */
    private double mode(int c, int e, double[] workerWeight) {
      int stride = 2 * dimensions;
      int n = 0;
      for (int m = cand.memberStart[c]; m < cand.memberStart[c + 1]; m++) {
        int r = cand.members[m];
        int value = data.bounds[r * stride + e];
        double w = workerWeight[workerOf(r)];
        int k = 0;
        while (k < n && values[k] != value) {
          k++;
        }
        if (k == n) {
          if (n == values.length) {
            values = Arrays.copyOf(values, n * 2);
            sums = Arrays.copyOf(sums, n * 2);
          }
          values[n] = value;
          sums[n++] = 0;
        }
        sums[k] += w;
      }
      int best = 0;
      for (int k = 1; k < n; k++) {
        if (sums[k] > sums[best] || sums[k] == sums[best] && values[k] < values[best]) {
          best = k;
        }
      }
      return values[best];
    }

    /** How far region {@code r} is from candidate {@code c}'s edges, by the combine rule. */
    private double deviation(int r, int c) {
      int stride = 2 * dimensions;
      double sum = 0;
      for (int j = 0; j < dimensions; j++) {
        double lo = edges[c * stride + 2 * j];
        double hi = edges[c * stride + 2 * j + 1];
        int rlo = data.bounds[r * stride + 2 * j];
        int rhi = data.bounds[r * stride + 2 * j + 1];
        if (combine == Combine.MEAN) {
          double size = Math.max(1, hi - lo);
          double dl = (rlo - lo) / size;
          double dh = (rhi - hi) / size;
          sum += dl * dl + dh * dh;
        } else {
          sum += (rlo != lo ? 1 : 0) + (rhi != hi ? 1 : 0);
        }
      }
      return sum / stride;
    }

    private double locationWeight(double workerError) {
      if (combine == Combine.MEAN) {
        return 1 / Math.max(workerError, 1e-6);
      }
      double e = Math.min(0.5, Math.max(1e-3, workerError));
      return Math.max(MODE_WEIGHT_FLOOR, Math.log((1 - e) / e));
    }

    Result result(int iterations, boolean converged) {
      int stride = 2 * dimensions;
      List<List<Found>> found = new ArrayList<>(data.tasks);
      double[] confidence = new double[data.tasks];
      for (int t = 0; t < data.tasks; t++) {
        List<Found> kept = new ArrayList<>();
        if (data.hasGold[t]) {
          for (int g = data.goldStart[t]; g < data.goldStart[t + 1]; g++) {
            double[] bounds = new double[stride];
            for (int e = 0; e < stride; e++) {
              bounds[e] = data.goldBounds[g * stride + e];
            }
            kept.add(new Found(data.goldLabel[g], bounds, 1));
          }
          found.add(kept);
          confidence[t] = 1;
          continue;
        }
        double missedByAll = 1;
        for (int a = data.answerStart[t]; a < data.answerStart[t + 1]; a++) {
          missedByAll *= 1 - sens[data.workerOf[a]];
        }
        double least = 1 - missedByAll;
        for (int c = cand.taskStart[t]; c < cand.taskStart[t + 1]; c++) {
          double p = probability[c];
          least = Math.min(least, Math.max(p, 1 - p));
          if (p > 0.5) {
            kept.add(new Found(cand.label[c], Arrays.copyOfRange(edges, c * stride, (c + 1) * stride), p));
          }
        }
        found.add(kept);
        confidence[t] = least;
      }
      List<double[]> params = new ArrayList<>(data.workers);
      double[] reliability = new double[data.workers];
      for (int w = 0; w < data.workers; w++) {
        params.add(new double[] {sens[w], spec[w], error[w], prevalence, crowd[0], crowd[1], crowd[2]});
        reliability[w] = (sens[w] + spec[w]) / 2;
      }
      return new Result(found, confidence, params, reliability, iterations, converged);
    }
  }

  private static double clamp(double rate) {
    return Math.min(1 - FLOOR, Math.max(FLOOR, rate));
  }

  private static double sum(double[] values) {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s;
  }

  private static double[] checkParams(double[] params) {
    if (params.length != PARAMS) {
      throw new IllegalArgumentException("worker parameters are " + PARAMS + " numbers, got " + params.length);
    }
    return params;
  }
}
