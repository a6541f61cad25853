package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AnswerSetTest {
  @Test
  void numbersTasksAndWorkersByFirstAppearanceAndLabelsByTextOrder() {
    AnswerSet answers = AnswerSet.builder()
        .add("task-b", "ann", "pos")
        .add("task-a", "bob", "neg")
        .add("task-b", "bob", "10")
        .add("task-a", "ann", "2")
        .build();

    assertThat(answers.taskId(0)).isEqualTo("task-b");
    assertThat(answers.taskId(1)).isEqualTo("task-a");
    assertThat(answers.workerId(0)).isEqualTo("ann");
    assertThat(answers.workerId(1)).isEqualTo("bob");
    // text order, not numeric: "10" < "2"
    assertThat(answers.label(0)).isEqualTo("10");
    assertThat(answers.label(1)).isEqualTo("2");
    assertThat(answers.label(2)).isEqualTo("neg");
    assertThat(answers.label(3)).isEqualTo("pos");
    assertThat(answers.labelIndex("neg")).isEqualTo(2);
    assertThat(answers.labelIndex("unknown")).isEqualTo(-1);
  }

  @Test
  void groupsAnswersByTaskKeepingTheirOrderWithinATask() {
    AnswerSet answers = AnswerSet.builder()
        .add("t1", "w1", "x")
        .add("t2", "w1", "y")
        .add("t1", "w2", "y")
        .add("t1", "w3", "x")
        .build();

    assertThat(answers.answerCount()).isEqualTo(4);
    assertThat(answers.answerStart(0)).isEqualTo(0);
    assertThat(answers.answerEnd(0)).isEqualTo(3);
    assertThat(answers.answerStart(1)).isEqualTo(3);
    assertThat(answers.answerEnd(1)).isEqualTo(4);
    assertThat(new int[] {answers.workerOf(0), answers.workerOf(1), answers.workerOf(2)})
        .containsExactly(0, 1, 2);
    assertThat(answers.label(answers.labelOf(3))).isEqualTo("y");
    assertThat(answers.answersPerWorker()).containsExactly(2, 1, 1);
  }

  @Test
  void goldLabelThatNoWorkerGaveJoinsTheLabelSet() {
    AnswerSet answers = AnswerSet.builder()
        .add("t1", "w1", "cat")
        .gold("t1", "dog")
        .build();

    assertThat(answers.labelCount()).isEqualTo(2);
    assertThat(answers.label(answers.gold(0))).isEqualTo("dog");
    assertThat(answers.goldCount()).isEqualTo(1);
  }

  @Test
  void dropsGoldForTasksWithoutAnswers() {
    AnswerSet answers = AnswerSet.builder()
        .add("t1", "w1", "cat")
        .gold("t9", "bird")
        .build();

    assertThat(answers.taskCount()).isEqualTo(1);
    assertThat(answers.goldCount()).isZero();
    assertThat(answers.gold(0)).isEqualTo(AnswerSet.NO_GOLD);
    assertThat(answers.labelIndex("bird")).isEqualTo(-1);
  }

  @Test
  void rejectsTwoDifferentGoldLabelsForOneTask() {
    AnswerSet.Builder builder = AnswerSet.builder().gold("t1", "cat").gold("t1", "cat");

    assertThatThrownBy(() -> builder.gold("t1", "dog"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("t1").hasMessageContaining("cat").hasMessageContaining("dog");
  }

  @Test
  void emptyBuilderGivesAnEmptySet() {
    AnswerSet answers = AnswerSet.builder().build();

    assertThat(answers.taskCount()).isZero();
    assertThat(answers.workerCount()).isZero();
    assertThat(answers.labelCount()).isZero();
    assertThat(answers.answerCount()).isZero();
  }
}
