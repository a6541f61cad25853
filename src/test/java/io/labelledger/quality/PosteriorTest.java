package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PosteriorTest {
  private static final double[] UNIFORM = {1.0 / 3, 1.0 / 3, 1.0 / 3};

  @Test
  void twoAgreeingAnswersAtSeventyPercentGiveTheTextbookPosterior() {
    double[] m = Posterior.symmetric(3, 0.7);
    double[] p = Posterior.of(UNIFORM, List.of(new Posterior.Answer(m, 1), new Posterior.Answer(m, 1)));
    // 0.7^2 / (0.7^2 + 2 * 0.15^2)
    assertThat(p[1]).isCloseTo(0.49 / (0.49 + 2 * 0.0225), within(1e-12));
    assertThat(p[0]).isCloseTo(p[2], within(1e-15));
    assertThat(Posterior.mostProbable(p)).isEqualTo(1);
  }

  @Test
  void equalsTheDawidSkeneEStepForEveryTask() {
    SyntheticCrowd.Crowd crowd = SyntheticCrowd.generate(300, 3, 5, new double[] {0.9, 0.8, 0.7, 0.6, 0.5, 0.85}, 3);
    AnswerSet answers = crowd.answers();
    DawidSkene.Fit fit = new DawidSkene().fit(answers);
    int k = answers.labelCount();
    for (int t = 0; t < answers.taskCount(); t++) {
      List<Posterior.Answer> given = new ArrayList<>();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        double[] m = new double[k * k];
        for (int truth = 0; truth < k; truth++) {
          System.arraycopy(fit.confusionRow(answers.workerOf(i), truth), 0, m, truth * k, k);
        }
        given.add(new Posterior.Answer(m, answers.labelOf(i)));
      }
      double[] p = Posterior.of(fit.prior(), given);
      for (int l = 0; l < k; l++) {
        assertThat(p[l]).isCloseTo(fit.aggregation().probability(t, l), within(1e-9));
      }
    }
  }

  @Test
  void noAnswersGiveThePrior() {
    double[] prior = {0.5, 0.3, 0.2};
    assertThat(Posterior.of(prior, List.of())).containsExactly(new double[] {0.5, 0.3, 0.2}, within(1e-12));
  }

  @Test
  void thousandsOfAnswersDoNotUnderflow() {
    double[] m = Posterior.symmetric(2, 0.51);
    List<Posterior.Answer> given = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      given.add(new Posterior.Answer(m, i % 5 < 3 ? 0 : 1));
    }
    double[] p = Posterior.of(new double[] {0.5, 0.5}, given);
    assertThat(p[0] + p[1]).isCloseTo(1.0, within(1e-12));
    assertThat(p[0]).isGreaterThan(0.99);
  }

  @Test
  void tiesGoToTheLowestLabel() {
    assertThat(Posterior.mostProbable(new double[] {0.25, 0.375, 0.375})).isEqualTo(1);
  }

  @Test
  void symmetricMatrixSpreadsMistakesEvenly() {
    double[] m = Posterior.symmetric(4, 0.7);
    assertThat(m[0]).isEqualTo(0.7);
    assertThat(m[1]).isCloseTo(0.1, within(1e-15));
    assertThat(m[5]).isEqualTo(0.7);
    assertThatThrownBy(() -> Posterior.symmetric(3, 1.0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Posterior.of(UNIFORM, List.of(new Posterior.Answer(new double[4], 0))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
