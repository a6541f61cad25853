package io.labelledger.answer.freetext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.answer.TypedAnswers;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticTextsTest {
  private static final TextNormalizer ALL = new TextNormalizer(true, true, true);

  @Test
  void sameSeedSameCrowd() {
    SyntheticTexts.Crowd a = SyntheticTexts.generate(3, 50, 10, 4);
    SyntheticTexts.Crowd b = SyntheticTexts.generate(3, 50, 10, 4);
    assertThat(a.truth()).isEqualTo(b.truth());
    for (int i = 0; i < a.answers().answerCount(); i++) {
      assertThat(a.answers().value(i)).isEqualTo(b.answers().value(i));
      assertThat(a.answers().workerOf(i)).isEqualTo(b.answers().workerOf(i));
    }
  }

  @Test
  void everyTaskGetsItsAnswersFromDistinctWorkers() {
    TypedAnswers<String, String> answers = SyntheticTexts.generate(5, 200, 8, 8).answers();
    assertThat(answers.taskCount()).isEqualTo(200);
    assertThat(answers.answerCount()).isEqualTo(1600);
    for (int t = 0; t < answers.taskCount(); t++) {
      assertThat(answers.taskId(t)).isEqualTo("t" + t);
      Set<Integer> workers = new HashSet<>();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        workers.add(answers.workerOf(i));
      }
      assertThat(workers).hasSize(8);
    }
  }

  /** A worker's mean WER against the truth tells careful, noisy and careless workers apart. */
  @Test
  void aboutAQuarterOfWorkersAreCarelessAndTheRestMostlyTypeTheTruth() {
    int workers = 40;
    SyntheticTexts.Crowd crowd = SyntheticTexts.generate(11, 2000, workers, 5);
    double[] wer = meanWerByWorker(crowd);
    int careless = 0;
    int careful = 0;
    int noisy = 0;
    for (double w : wer) {
      if (w > 0.7) {
        careless++;
      } else if (w < 0.06) {
        careful++;
      } else if (w < 0.35) {
        noisy++;
      }
    }
    assertThat(careless).isEqualTo(10);
    assertThat(careful).isEqualTo(14);
    assertThat(noisy).isEqualTo(16);
  }

  @Test
  void rejectsMoreAnswersPerTaskThanWorkers() {
    assertThatThrownBy(() -> SyntheticTexts.generate(1, 10, 3, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  static double[] meanWerByWorker(SyntheticTexts.Crowd crowd) {
    TypedAnswers<String, String> answers = crowd.answers();
    double[] sum = new double[answers.workerCount()];
    int[] count = new int[answers.workerCount()];
    for (int t = 0; t < answers.taskCount(); t++) {
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        sum[answers.workerOf(i)] += Wer.wordErrorRate(answers.value(i), crowd.truth().get(t), ALL);
        count[answers.workerOf(i)]++;
      }
    }
    for (int w = 0; w < sum.length; w++) {
      sum[w] /= count[w];
    }
    return sum;
  }
}
