package io.labelledger.answer.pairwise;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.answer.TypedAnswers;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticComparisonsTest {
  @Test
  void sameSeedSameCrowd() {
    SyntheticComparisons.Crowd a = SyntheticComparisons.generate(5, 40, 600, 12);
    SyntheticComparisons.Crowd b = SyntheticComparisons.generate(5, 40, 600, 12);
    assertThat(a.truthScores()).isEqualTo(b.truthScores());
    for (int i = 0; i < a.answers().answerCount(); i++) {
      assertThat(a.answers().value(i)).isEqualTo(b.answers().value(i));
      assertThat(a.answers().workerOf(i)).isEqualTo(b.answers().workerOf(i));
    }
  }

  @Test
  void givesExactlyTheComparisonsAskedForEachPairJudgedByDistinctWorkers() {
    TypedAnswers<Comparison, Outcome> answers = SyntheticComparisons.generate(1, 100, 2003, 20).answers();

    assertThat(answers.answerCount()).isEqualTo(2003);
    Map<String, Integer> appearances = new HashMap<>();
    for (int t = 0; t < answers.taskCount(); t++) {
      Comparison first = answers.value(answers.answerStart(t));
      Set<Integer> workers = new HashSet<>();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        assertThat(answers.value(i).a()).isEqualTo(first.a());
        assertThat(answers.value(i).b()).isEqualTo(first.b());
        workers.add(answers.workerOf(i));
      }
      assertThat(workers).hasSize(answers.answerEnd(t) - answers.answerStart(t)).hasSizeLessThanOrEqualTo(5);
      appearances.merge(first.a(), 1, Integer::sum);
      appearances.merge(first.b(), 1, Integer::sum);
    }
    assertThat(appearances).hasSize(100);
    assertThat(appearances.values()).allSatisfy(pairs -> assertThat(pairs).isGreaterThanOrEqualTo(4));
  }

  @Test
  void fifteenPercentOfWorkersAlwaysPickTheWorseCandidateAndSomeCloseCallsAreTies() {
    SyntheticComparisons.Crowd crowd = SyntheticComparisons.generate(3, 200, 20000, 40);
    TypedAnswers<Comparison, Outcome> answers = crowd.answers();
    double[] right = new double[answers.workerCount()];
    double[] judged = new double[answers.workerCount()];
    int ties = 0;
    for (int i = 0; i < answers.answerCount(); i++) {
      Comparison c = answers.value(i);
      if (c.outcome() == Outcome.TIE) {
        ties++;
        continue;
      }
      double d = crowd.truthScores().get(c.a()) - crowd.truthScores().get(c.b());
      right[answers.workerOf(i)] += (d > 0) == (c.outcome() == Outcome.A) ? 1 : 0;
      judged[answers.workerOf(i)]++;
    }
    int adversarial = 0;
    int belowChance = 0;
    for (int w = 0; w < right.length; w++) {
      double share = right[w] / judged[w];
      adversarial += share == 0 ? 1 : 0;
      belowChance += share < 0.5 ? 1 : 0;
    }
    assertThat(adversarial).isEqualTo(6); // 15 % of 40
    // everyone else is right at least about half the time: random workers hover around 0.5
    assertThat(belowChance - adversarial).isLessThanOrEqualTo(4); // 10 % of 40 are random
    assertThat(ties).isGreaterThan(answers.answerCount() / 100);
  }
}
