package io.labelledger.answer.pairwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class KendallTauTest {
  private static Map<String, Double> scores(double... values) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      out.put("c" + i, values[i]);
    }
    return out;
  }

  @Test
  void isOneForTheSameOrderAndMinusOneForTheReverse() {
    assertThat(KendallTau.tau(scores(1, 2, 3, 4), scores(10, 20, 30, 40))).isEqualTo(1.0);
    assertThat(KendallTau.tau(scores(1, 2, 3, 4), scores(4, 3, 2, 1))).isEqualTo(-1.0);
  }

  @Test
  void correctsForTiesAsTauB() {
    // x = 1 1 2 3, y = 1 2 2 3: 4 concordant, 0 discordant, one tie in each, none in both
    assertThat(KendallTau.tau(scores(1, 1, 2, 3), scores(1, 2, 2, 3))).isCloseTo(4 / 5.0, within(1e-15));
  }

  @Test
  void comparesOnlyTheCandidatesBothName() {
    Map<String, Double> truth = scores(1, 2, 3);
    Map<String, Double> estimate = new HashMap<>(scores(3, 2, 1));
    estimate.remove("c1");
    estimate.put("other", 99.0);
    assertThat(KendallTau.tau(truth, estimate)).isEqualTo(-1.0);
  }

  @Test
  void isUndefinedWithoutTwoCommonCandidatesOrWhenOneSideIsAllTied() {
    assertThat(KendallTau.tau(scores(1), scores(1))).isNaN();
    assertThat(KendallTau.tau(scores(1, 2, 3), scores(5, 5, 5))).isNaN();
    assertThat(KendallTau.tau(Map.of(), Map.of())).isNaN();
  }

  @Test
  void rejectsNaNScores() {
    assertThatThrownBy(() -> KendallTau.tau(scores(1, Double.NaN), scores(1, 2)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Provide
  Arbitrary<List<Integer>> smallInts() {
    return Arbitraries.integers().between(-3, 3).list().ofMinSize(2).ofMaxSize(40);
  }

  /** The O(n log n) count equals the definition's O(n²) one, ties and all. */
  @Property(tries = 300)
  void matchesTheQuadraticDefinition(@ForAll("smallInts") List<Integer> xs, @ForAll("smallInts") List<Integer> ys) {
    int n = Math.min(xs.size(), ys.size());
    Map<String, Double> x = new LinkedHashMap<>();
    Map<String, Double> y = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      x.put("c" + i, (double) xs.get(i));
      y.put("c" + i, (double) ys.get(i));
    }
    double expected = quadraticTauB(xs.subList(0, n), ys.subList(0, n));
    double actual = KendallTau.tau(x, y);
    if (Double.isNaN(expected)) {
      assertThat(actual).isNaN();
    } else {
      assertThat(actual).isCloseTo(expected, within(1e-12));
    }
  }

  private static double quadraticTauB(List<Integer> x, List<Integer> y) {
    long concordant = 0;
    long discordant = 0;
    long tiedOnlyX = 0;
    long tiedOnlyY = 0;
    for (int i = 0; i < x.size(); i++) {
      for (int j = i + 1; j < x.size(); j++) {
        int dx = Integer.compare(x.get(i), x.get(j));
        int dy = Integer.compare(y.get(i), y.get(j));
        if (dx == 0 && dy == 0) {
          continue;
        } else if (dx == 0) {
          tiedOnlyX++;
        } else if (dy == 0) {
          tiedOnlyY++;
        } else if (dx == dy) {
          concordant++;
        } else {
          discordant++;
        }
      }
    }
    double denominator =
        Math.sqrt((double) (concordant + discordant + tiedOnlyY) * (concordant + discordant + tiedOnlyX));
    return denominator == 0 ? Double.NaN : (concordant - discordant) / denominator;
  }
}
