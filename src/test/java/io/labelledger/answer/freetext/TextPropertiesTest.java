package io.labelledger.answer.freetext;

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

/** What the text model promises on arbitrary small campaigns. */
class TextPropertiesTest {
  record Answer(int task, int worker, String text) {}

  @Provide
  Arbitrary<List<Answer>> answers() {
    Arbitrary<String> text = Arbitraries.of("a", "b", "c", "A", "b.", " ", "").list().ofMaxSize(6)
        .map(words -> String.join(" ", words));
    return Combinators.combine(Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 5), text)
        .as(Answer::new).list().ofMinSize(1).ofMaxSize(50);
  }

  @Property(tries = 300)
  void keepsItsPromisesAndScoreMatchesFit(@ForAll("answers") List<Answer> input, @ForAll boolean withGold) {
    TypedAnswers.Builder<String, String> builder = TypedAnswers.builder();
    input.forEach(a -> builder.add("t" + a.task, "w" + a.worker, a.text));
    if (withGold) {
      builder.gold("t0", "a b c").gold("t1", "");
    }
    TypedAnswers<String, String> answers = builder.build();
    TextModel model = new TextModel(new TextNormalizer(true, true, true));

    TypedModel.Fit<String> fit = model.fit(answers);

    for (int w = 0; w < answers.workerCount(); w++) {
      assertThat(fit.workerReliability()[w]).isBetween(0.0, 1.0);
    }
    for (int t = 0; t < answers.taskCount(); t++) {
      assertThat(fit.confidence()[t]).isBetween(0.0, 1.0);
      List<String> values = new ArrayList<>();
      List<double[]> params = new ArrayList<>();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        values.add(answers.value(i));
        params.add(fit.workerParams().get(answers.workerOf(i)));
      }
      if (answers.gold(t) != null) {
        assertThat(fit.aggregates().get(t)).isEqualTo(answers.gold(t));
        assertThat(fit.confidence()[t]).isEqualTo(1.0);
      } else {
        assertThat(values).contains(fit.aggregates().get(t));
        TypedModel.Scored<String> scored = model.score(values, params);
        assertThat(scored.aggregate()).isEqualTo(fit.aggregates().get(t));
        assertThat(scored.confidence()).isEqualTo(fit.confidence()[t]);
      }
    }
  }
}
