package io.labelledger.answer;

import io.labelledger.answer.freetext.SyntheticTexts;
import io.labelledger.answer.freetext.TextBaselines;
import io.labelledger.answer.freetext.TextModel;
import io.labelledger.answer.freetext.TextNormalizer;
import io.labelledger.answer.freetext.Wer;
import io.labelledger.answer.pairwise.KendallTau;
import io.labelledger.answer.pairwise.PairwiseModel;
import io.labelledger.answer.pairwise.SyntheticComparisons;
import io.labelledger.answer.pairwise.WinRate;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Quality and cost figures of the free-text and pairwise models, printed, never asserted (the unit
 * tests assert the outcomes; timings depend on the machine). Quality: each model against its
 * baselines on synthetic crowds, per seed. Cost: wall and CPU time and heap of one fit of 1,000,000
 * synthetic answers of each type. Run with {@code -Xmx2g} so the heap target is also a hard limit:
 *
 * <pre>java -Xmx2g -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *     io.labelledger.answer.TypedModelFigures</pre>
 *
 * Heap is the sum of the heap pools' peaks since a collection just before the fit (an upper bound:
 * pools peak at different moments), and includes the answers themselves.
 */
public final class TypedModelFigures {
  private static final double MIB = 1024 * 1024;
  private static final TextNormalizer ALL = new TextNormalizer(true, true, true);

  private TypedModelFigures() {}

  public static void main(String[] args) {
    textQuality();
    pairwiseQuality();
    textCost();
    pairwiseCost(100_000);
    pairwiseCost(10_000);
  }

  private static void textQuality() {
    System.out.println("free text, mean WER against the truth (1000 tasks, 40 workers)");
    for (int answersPerTask : new int[] {3, 5}) {
      for (long seed = 1; seed <= 4; seed++) {
        SyntheticTexts.Crowd crowd = SyntheticTexts.generate(seed, 1000, 40, answersPerTask);
        System.out.printf(Locale.ROOT, "  %d answers/task seed %d: model %.4f  most frequent %.4f  random %.4f%n",
            answersPerTask, seed, meanWer(new TextModel(ALL).fit(crowd.answers()).aggregates(), crowd.truth()),
            meanWer(TextBaselines.mostFrequent(crowd.answers()), crowd.truth()),
            meanWer(TextBaselines.randomAnswer(crowd.answers(), seed), crowd.truth()));
      }
    }
  }

  private static void pairwiseQuality() {
    System.out.println("pairwise, Kendall tau-b of the scores against the true scores");
    int[][] sizes = {{200, 5000, 30}, {1000, 20000, 60}};
    for (int[] size : sizes) {
      for (long seed = 1; seed <= 4; seed++) {
        SyntheticComparisons.Crowd crowd = SyntheticComparisons.generate(seed, size[0], size[1], size[2]);
        PairwiseModel.Ranking ranking = new PairwiseModel().rank(crowd.answers());
        System.out.printf(Locale.ROOT, "  %d candidates, %d comparisons, %d workers, seed %d: model %.4f  win rate %.4f"
                + "  (%d iterations)%n", size[0], size[1], size[2], seed,
            KendallTau.tau(crowd.truthScores(), ranking.scores()),
            KendallTau.tau(crowd.truthScores(), WinRate.scores(crowd.answers())), ranking.fit().iterations());
      }
    }
  }

  private static void textCost() {
    SyntheticTexts.Crowd crowd = SyntheticTexts.generate(7, 200_000, 2000, 5);
    TypedModel.Fit<String> fit = measure("free text, 200,000 tasks x 5 answers, 2000 workers",
        crowd.answers().answerCount(), () -> new TextModel(ALL).fit(crowd.answers()));
    System.out.printf(Locale.ROOT, "  %d iterations, converged %s, mean WER %.4f (most frequent %.4f)%n",
        fit.iterations(), fit.converged(), meanWer(fit.aggregates(), crowd.truth()),
        meanWer(TextBaselines.mostFrequent(crowd.answers()), crowd.truth()));
  }

  private static void pairwiseCost(int candidates) {
    SyntheticComparisons.Crowd crowd = SyntheticComparisons.generate(7, candidates, 1_000_000, 2000);
    PairwiseModel.Ranking ranking = measure(
        "pairwise, " + candidates + " candidates, 1,000,000 comparisons, 2000 workers",
        crowd.answers().answerCount(), () -> new PairwiseModel().rank(crowd.answers()));
    long start = System.nanoTime();
    double tau = KendallTau.tau(crowd.truthScores(), ranking.scores());
    double tauSeconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "  %d iterations, converged %s, Kendall tau %.4f (win rate %.4f; tau took %.3f s)%n",
        ranking.fit().iterations(), ranking.fit().converged(), tau,
        KendallTau.tau(crowd.truthScores(), WinRate.scores(crowd.answers())), tauSeconds);
  }

  private static <T> T measure(String what, int answers, Supplier<T> fit) {
    List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.gc();
    long before = pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    pools.forEach(MemoryPoolMXBean::resetPeakUsage);
    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    T result = fit.get();
    double wallSeconds = (System.nanoTime() - wall) / 1e9;
    double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
    long peak = pools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    System.gc();
    long live = pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    Reference.reachabilityFence(result);
    System.out.printf(Locale.ROOT, "%s: %d answers, fit %.2f s wall, %.2f s CPU; heap before %.0f MiB,"
        + " peak <= %.0f MiB, live after %.0f MiB (max heap %.0f MiB)%n", what, answers, wallSeconds, cpuSeconds,
        before / MIB, peak / MIB, live / MIB, Runtime.getRuntime().maxMemory() / MIB);
    return result;
  }

  private static double meanWer(List<String> aggregates, List<String> truth) {
    double sum = 0;
    for (int t = 0; t < truth.size(); t++) {
      sum += Wer.wordErrorRate(aggregates.get(t), truth.get(t), ALL);
    }
    return sum / truth.size();
  }
}
