package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** What every aggregation promises, on arbitrary small answer sets. */
class AggregationPropertiesTest {
  record Answer(int task, int worker, int label) {}

  record Input(List<Answer> answers, List<Answer> gold) {
    AnswerSet toAnswerSet() {
      AnswerSet.Builder builder = AnswerSet.builder();
      answers.forEach(a -> builder.add("t" + a.task, "w" + a.worker, "l" + a.label));
      gold.forEach(g -> builder.gold("t" + g.task, "l" + g.label));
      return builder.build();
    }
  }

  @Provide
  Arbitrary<Input> inputs() {
    Arbitrary<Answer> answer = Combinators.combine(Arbitraries.integers().between(0, 15),
        Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 3))
        .as(Answer::new);
    // at most one gold label per task: gold tasks are distinct
    Arbitrary<List<Answer>> gold = Combinators.combine(Arbitraries.integers().between(0, 15),
        Arbitraries.integers().between(0, 4)).as((t, l) -> new Answer(t, -1, l))
        .list().ofMaxSize(4).uniqueElements(Answer::task);
    return Combinators.combine(answer.list().ofMinSize(1).ofMaxSize(80), gold).as(Input::new);
  }

  @Property(tries = 200)
  void majorityVoteKeepsItsPromises(@ForAll("inputs") Input input) {
    AnswerSet answers = input.toAnswerSet();
    checkPromises(answers, new MajorityVote().aggregate(answers));
  }

  @Property(tries = 200)
  void dawidSkeneKeepsItsPromises(@ForAll("inputs") Input input) {
    AnswerSet answers = input.toAnswerSet();
    checkPromises(answers, new DawidSkene().aggregate(answers));
  }

  /** DS's worker accuracy tracks each worker's real accuracy, whatever the seed. */
  @Property(tries = 15)
  void dawidSkeneEstimatesObservedWorkerAccuracy(@ForAll long seed,
      @ForAll @IntRange(min = 2, max = 4) int labels) {
    double[] accuracy = new double[9];
    for (int w = 0; w < accuracy.length; w++) {
      accuracy[w] = 0.55 + 0.05 * w;
    }
    SyntheticCrowd.Crowd crowd = SyntheticCrowd.generate(2000, labels, 5, accuracy, seed);

    Aggregation result = new DawidSkene().aggregate(crowd.answers());

    for (int w = 0; w < crowd.answers().workerCount(); w++) {
      assertThat(result.workerAccuracy(w)).isCloseTo(crowd.observedAccuracy(w), within(0.04));
    }
  }

  private static void checkPromises(AnswerSet answers, Aggregation result) {
    int labelCount = answers.labelCount();
    for (int t = 0; t < answers.taskCount(); t++) {
      double sum = 0;
      double best = 0;
      for (int k = 0; k < labelCount; k++) {
        double p = result.probability(t, k);
        assertThat(p).isBetween(0.0, 1.0);
        sum += p;
        best = Math.max(best, p);
      }
      assertThat(sum).isCloseTo(1.0, within(1e-9));
      assertThat(result.confidence(t)).isEqualTo(best).isGreaterThanOrEqualTo(1.0 / labelCount);
      for (int k = 0; k < result.labelIndex(t); k++) { // ties go to the lowest label
        assertThat(result.probability(t, k)).isLessThan(best);
      }
      if (answers.gold(t) != AnswerSet.NO_GOLD) {
        assertThat(result.labelIndex(t)).isEqualTo(answers.gold(t));
        assertThat(result.confidence(t)).isEqualTo(1.0);
      }
    }
    for (int w = 0; w < answers.workerCount(); w++) {
      assertThat(result.workerAccuracy(w)).isBetween(0.0, 1.0);
    }
  }
}
