package io.labelledger.answer.pairwise;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** What the pairwise model promises on arbitrary small campaigns. */
class PairwisePropertiesTest {
  record Judgement(int task, int worker, boolean swapped, Outcome outcome) {}

  record Input(List<Judgement> judgements, List<Judgement> gold) {
    /** Task {@code t} compares c(t mod 5) with another of five candidates. */
    static Comparison pair(int task, boolean swapped, Outcome outcome) {
      int a = task % 5;
      int b = (a + 1 + (task / 5) % 4) % 5;
      Comparison c = new Comparison("c" + a, "c" + b, outcome);
      return swapped ? c.swapped() : c;
    }

    TypedAnswers<Comparison, Outcome> answers() {
      TypedAnswers.Builder<Comparison, Outcome> builder = TypedAnswers.builder();
      judgements.forEach(j -> builder.add("p" + j.task, "w" + j.worker, pair(j.task, j.swapped, j.outcome)));
      TypedAnswers<Comparison, Outcome> plain = builder.build();
      // gold in each task's own orientation (its first comparison's)
      for (Judgement g : gold) {
        for (int t = 0; t < plain.taskCount(); t++) {
          if (plain.taskId(t).equals("p" + g.task)) {
            builder.gold("p" + g.task, g.outcome);
          }
        }
      }
      return builder.build();
    }
  }

  @Provide
  Arbitrary<Input> inputs() {
    Arbitrary<Judgement> judgement = Combinators.combine(Arbitraries.integers().between(0, 14),
        Arbitraries.integers().between(0, 5), Arbitraries.of(true, false), Arbitraries.of(Outcome.class))
        .as(Judgement::new);
    Arbitrary<List<Judgement>> gold = judgement.list().ofMaxSize(4).uniqueElements(Judgement::task);
    return Combinators.combine(judgement.list().ofMinSize(1).ofMaxSize(60), gold).as(Input::new);
  }

  @Property(tries = 300)
  void keepsItsPromises(@ForAll("inputs") Input input) {
    TypedAnswers<Comparison, Outcome> answers = input.answers();
    PairwiseModel model = new PairwiseModel();

    PairwiseModel.Ranking ranking = model.rank(answers);
    TypedModel.Fit<Outcome> fit = ranking.fit();

    assertThat(fit.aggregates()).hasSize(answers.taskCount());
    assertThat(ranking.scores().values()).allSatisfy(s -> assertThat(s).isFinite());
    for (int w = 0; w < answers.workerCount(); w++) {
      assertThat(fit.workerReliability()[w]).isBetween(0.0, 1.0);
    }
    for (int t = 0; t < answers.taskCount(); t++) {
      assertThat(fit.confidence()[t]).isBetween(0.0, 1.0);
      if (answers.gold(t) != null) {
        assertThat(fit.aggregates().get(t)).isEqualTo(answers.gold(t));
        assertThat(fit.confidence()[t]).isEqualTo(1.0);
      }
      List<Comparison> values = new ArrayList<>();
      List<double[]> params = new ArrayList<>();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        values.add(answers.value(i));
        params.add(fit.workerParams().get(answers.workerOf(i)));
      }
      assertThat(model.score(values, params).confidence()).isBetween(0.0, 1.0);
    }
  }
}
