package io.labelledger.answer.pairwise;

import io.labelledger.answer.TypedAnswers;
import java.util.LinkedHashMap;
import java.util.Map;

/** The naive ranking a pairwise model has to beat. */
public final class WinRate {
  private WinRate() {}

  /**
   * Per candidate, the share of the comparisons it took part in that it won, a tie counting half a
   * win: every comparison counts the same, whoever made it and whoever the opponent was. Gold is
   * ignored. Candidates in the order they first appear.
   */
  public static Map<String, Double> scores(TypedAnswers<Comparison, Outcome> answers) {
    Map<String, double[]> tally = new LinkedHashMap<>(); // {wins, comparisons}
    for (int i = 0; i < answers.answerCount(); i++) {
      Comparison c = answers.value(i);
      double winA = switch (c.outcome()) {
        case A -> 1;
        case B -> 0;
        case TIE -> 0.5;
      };
      double[] a = tally.computeIfAbsent(c.a(), k -> new double[2]);
      a[0] += winA;
      a[1]++;
      double[] b = tally.computeIfAbsent(c.b(), k -> new double[2]);
      b[0] += 1 - winA;
      b[1]++;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    tally.forEach((candidate, t) -> out.put(candidate, t[0] / t[1]));
    return out;
  }
}
