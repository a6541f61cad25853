package io.labelledger.answer.boxes;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.answer.TypedAnswers;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticBoxesTest {
  @Test
  void theSameSeedGivesTheSameCrowd() {
    SyntheticBoxes.Crowd a = SyntheticBoxes.generate(3, 50, 4, 10, 3);
    SyntheticBoxes.Crowd b = SyntheticBoxes.generate(3, 50, 4, 10, 3);

    assertThat(b.truth()).isEqualTo(a.truth());
    for (int i = 0; i < a.answers().answerCount(); i++) {
      assertThat(b.answers().value(i)).isEqualTo(a.answers().value(i));
    }
  }

  @Test
  void everyBoxIsInsideItsImageAndAnswersAreSortedWithoutRepeats() {
    SyntheticBoxes.Crowd crowd = SyntheticBoxes.generate(4, 300, 4, 20, 5);
    TypedAnswers<List<Box>, List<ScoredBox>> answers = crowd.answers();
    for (int t = 0; t < answers.taskCount(); t++) {
      int[] size = crowd.sizes().get(t);
      assertInside(crowd.truth().get(t), size);
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        List<Box> boxes = answers.value(i);
        assertInside(boxes, size);
        for (int k = 1; k < boxes.size(); k++) {
          assertThat(boxes.get(k - 1).compareTo(boxes.get(k))).isNegative();
        }
      }
    }
  }

  private static void assertInside(List<Box> boxes, int[] size) {
    for (Box b : boxes) {
      assertThat(b.x()).isGreaterThanOrEqualTo(0);
      assertThat(b.y()).isGreaterThanOrEqualTo(0);
      assertThat(b.w()).isPositive();
      assertThat(b.h()).isPositive();
      assertThat(b.x() + b.w()).isLessThanOrEqualTo(size[0]);
      assertThat(b.y() + b.h()).isLessThanOrEqualTo(size[1]);
    }
  }

  @Test
  void aQuarterOfTheDefaultCrowdIsCareless() {
    SyntheticBoxes.Crowd crowd = SyntheticBoxes.generate(1, 2000, 4, 100, 5);

    long careless = Arrays.stream(crowd.kinds())
        .filter(k -> k == SyntheticBoxes.Kind.RANDOM || k == SyntheticBoxes.Kind.LAZY).count();

    assertThat((double) careless / crowd.kinds().length).isBetween(0.2, 0.3);
  }

  @Test
  void scoresF1AtAnIouThreshold() {
    List<String> labels = List.of("car", "dog");
    List<List<Box>> truth = List.of(List.of(new Box(0, 0, 100, 100, "car"), new Box(200, 0, 50, 50, "dog")));

    assertThat(SyntheticBoxes.f1(truth, truth, labels, 0.5)).isEqualTo(1.0);
    // IoU 0.8 and a wrong label
    List<List<Box>> found = List.of(List.of(new Box(0, 0, 100, 80, "car"), new Box(200, 0, 50, 50, "car")));
    assertThat(SyntheticBoxes.f1(found, truth, labels, 0.5)).isEqualTo(0.5);
    assertThat(SyntheticBoxes.f1(found, truth, labels, 0.9)).isZero();
  }
}
