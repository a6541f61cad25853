package io.labelledger.answer.pairwise;

import io.labelledger.answer.TypedAnswers;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A simulated crowd comparing candidates in pairs, with known true scores, for tests and benchmarks.
 * The same arguments give the same crowd.
 *
 * <ul>
 *   <li><b>Candidates</b> {@code c0, c1, ...} have independent standard normal true scores.
 *   <li><b>Pairs</b> (tasks {@code p0, p1, ...}): {@code comparisons} judgements are grouped {@value
 *       #JUDGES_PER_PAIR} to a pair (fewer if there are fewer workers; the last pair takes the
 *       remainder). Pair {@code k}'s first candidate runs through a shuffled list of the candidates,
 *       round after round, so each is in about {@code 2 · pairs / candidates} pairs; its opponent is
 *       uniformly random three times in four, and otherwise one of the {@code max(1, candidates / 50)}
 *       candidates ranked next to it on either side, the close calls a ranking is made of. Which of
 *       the two is named first is a coin toss.
 *   <li><b>Workers</b> {@code w0, w1, ...}, each judging a pair at most once, are shuffled and
 *       assigned, in this order: 15 % (rounded) <b>adversarial</b>, who always prefer the truly
 *       worse candidate; 10 % <b>random</b>, who say {@code A} or {@code B} with probability 0.45
 *       each and {@code TIE} with 0.1; 30 % <b>noisy</b>, who judge like reliable workers half the
 *       time and like random ones otherwise; the rest <b>reliable</b>, who prefer {@code a} with the
 *       Bradley-Terry probability {@code σ(s_a − s_b)} of the true scores. Reliable (and noisy, when
 *       judging) workers say {@code TIE} instead with probability ½ when the true scores differ by
 *       less than {@value #TIE_MARGIN}.
 * </ul>
 */
public final class SyntheticComparisons {
  static final int JUDGES_PER_PAIR = 5;
  static final double TIE_MARGIN = 0.1;
  /** The share of pairs whose opponent is a neighbour in the true ranking. */
  static final double NEAR = 0.25;

  /** The crowd's judgements and every candidate's true score (higher = better). */
  public record Crowd(TypedAnswers<Comparison, Outcome> answers, Map<String, Double> truthScores) {
    public Crowd {
      truthScores = Collections.unmodifiableMap(new LinkedHashMap<>(truthScores));
    }
  }

  private enum Kind { RELIABLE, NOISY, RANDOM, ADVERSARIAL }

  private SyntheticComparisons() {}

  /** @throws IllegalArgumentException when a count is not positive, or fewer than 2 candidates */
  public static Crowd generate(long seed, int candidates, int comparisons, int workers) {
    if (candidates < 2 || comparisons < 1 || workers < 1) {
      throw new IllegalArgumentException("need at least 2 candidates, 1 comparison and 1 worker, got "
          + candidates + ", " + comparisons + ", " + workers);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] truth = new double[candidates];
    for (int c = 0; c < candidates; c++) {
      truth[c] = gaussian(random);
    }
    Integer[] byScore = new Integer[candidates];
    for (int c = 0; c < candidates; c++) {
      byScore[c] = c;
    }
    Arrays.sort(byScore, (x, y) -> Double.compare(truth[x], truth[y]));
    int[] rank = new int[candidates];
    for (int k = 0; k < candidates; k++) {
      rank[byScore[k]] = k;
    }
    int[] firsts = shuffled(candidates, random);
    Kind[] kinds = kinds(workers, random);
    int judges = Math.min(JUDGES_PER_PAIR, workers);
    int neighbourhood = Math.max(1, candidates / 50);

    TypedAnswers.Builder<Comparison, Outcome> builder = TypedAnswers.builder();
    int[] chosen = new int[judges];
    int pairs = (comparisons + judges - 1) / judges;
    for (int k = 0; k < pairs; k++) {
      int a = firsts[k % candidates];
      int b = opponent(a, rank, byScore, neighbourhood, random);
      if (random.nextBoolean()) {
        int swap = a;
        a = b;
        b = swap;
      }
      String pair = "p" + k;
      String idA = "c" + a;
      String idB = "c" + b;
      double d = truth[a] - truth[b];
      int count = Math.min(judges, comparisons - k * judges);
      for (int j = 0; j < count; j++) {
        int worker = distinctWorker(random, workers, chosen, j);
        chosen[j] = worker;
        builder.add(pair, "w" + worker, new Comparison(idA, idB, judge(kinds[worker], d, random)));
      }
    }
    Map<String, Double> truthScores = new LinkedHashMap<>();
    for (int c = 0; c < candidates; c++) {
      truthScores.put("c" + c, truth[c]);
    }
    return new Crowd(builder.build(), truthScores);
  }

  private static int opponent(int a, int[] rank, Integer[] byScore, int neighbourhood, SplittableRandom random) {
    int candidates = rank.length;
    if (random.nextDouble() >= NEAR) {
      int b = random.nextInt(candidates - 1);
      return b >= a ? b + 1 : b;
    }
    int offset = 1 + random.nextInt(neighbourhood);
    int near = rank[a] + (random.nextBoolean() ? offset : -offset);
    if (near < 0 || near >= candidates) {
      near = 2 * rank[a] - near; // the other side: 2 · offset <= candidates, so it is in range
    }
    return byScore[near];
  }

  private static Outcome judge(Kind kind, double d, SplittableRandom random) {
    return switch (kind) {
      case RELIABLE -> bradleyTerry(d, random);
      case NOISY -> random.nextBoolean() ? bradleyTerry(d, random) : atRandom(random);
      case RANDOM -> atRandom(random);
      case ADVERSARIAL -> d > 0 ? Outcome.B : d < 0 ? Outcome.A : Outcome.TIE;
    };
  }

  private static Outcome bradleyTerry(double d, SplittableRandom random) {
    if (Math.abs(d) < TIE_MARGIN && random.nextBoolean()) {
      return Outcome.TIE;
    }
    return random.nextDouble() < 1 / (1 + Math.exp(-d)) ? Outcome.A : Outcome.B;
  }

  private static Outcome atRandom(SplittableRandom random) {
    double u = random.nextDouble();
    return u < 0.45 ? Outcome.A : u < 0.9 ? Outcome.B : Outcome.TIE;
  }

  private static Kind[] kinds(int workers, SplittableRandom random) {
    int[] order = shuffled(workers, random);
    int adversarial = (int) Math.round(0.15 * workers);
    int randomOnes = (int) Math.round(0.10 * workers);
    int noisy = (int) Math.round(0.30 * workers);
    Kind[] kinds = new Kind[workers];
    for (int i = 0; i < workers; i++) {
      Kind kind;
      if (i < adversarial) {
        kind = Kind.ADVERSARIAL;
      } else if (i < adversarial + randomOnes) {
        kind = Kind.RANDOM;
      } else if (i < adversarial + randomOnes + noisy) {
        kind = Kind.NOISY;
      } else {
        kind = Kind.RELIABLE;
      }
      kinds[order[i]] = kind;
    }
    return kinds;
  }

  private static int[] shuffled(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /** Box-Muller; one of the pair of normals is enough here. */
  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble(); // (0, 1]
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static int distinctWorker(SplittableRandom random, int workers, int[] chosen, int chosenCount) {
    while (true) {
      int candidate = random.nextInt(workers);
      boolean taken = false;
      for (int i = 0; i < chosenCount && !taken; i++) {
        taken = chosen[i] == candidate;
      }
      if (!taken) {
        return candidate;
      }
    }
  }
}
