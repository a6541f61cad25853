package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DawidSkeneTest {
  private final DawidSkene dawidSkene = new DawidSkene();

  /** Nine workers of accuracy 0.55, 0.60, ..., 0.95. */
  private static double[] graded() {
    double[] accuracy = new double[9];
    for (int w = 0; w < accuracy.length; w++) {
      accuracy[w] = 0.55 + 0.05 * w;
    }
    return accuracy;
  }

  @Test
  void recoversEachWorkersAccuracyWithin005() {
    // 2000 tasks x 5 answers over 9 workers: ~1100 answers each, so sampling alone moves a
    // worker's observed accuracy by up to ~0.015 (one standard error); 0.05 leaves > 3 of them.
    SyntheticCrowd.Crowd crowd = SyntheticCrowd.generate(2000, 2, 5, graded(), 11);

    Aggregation result = dawidSkene.aggregate(crowd.answers());

    assertThat(result.converged()).isTrue();
    for (int w = 0; w < crowd.answers().workerCount(); w++) {
      assertThat(result.workerAccuracy(w))
          .as("worker %s", crowd.answers().workerId(w))
          .isCloseTo(crowd.accuracy()[w], within(0.05));
    }
  }

  @Test
  void beatsMajorityVoteWhenAFewExpertsWorkAmongSpammers() {
    double[] accuracy = new double[20];
    for (int w = 0; w < accuracy.length; w++) {
      accuracy[w] = w < 4 ? 0.9 : 0.5; // 4 experts, 16 workers answering at random
    }
    SyntheticCrowd.Crowd crowd = SyntheticCrowd.generate(2000, 2, 5, accuracy, 5);

    Aggregation ds = dawidSkene.aggregate(crowd.answers());
    Aggregation mv = new MajorityVote().aggregate(crowd.answers());

    assertThat(crowd.accuracyOf(ds)).isGreaterThan(crowd.accuracyOf(mv) + 0.08);
    for (int w = 0; w < crowd.answers().workerCount(); w++) {
      if (crowd.accuracy()[w] == 0.9) {
        assertThat(ds.workerAccuracy(w)).isGreaterThan(0.8);
      } else {
        assertThat(ds.workerAccuracy(w)).isLessThan(0.6);
      }
    }
  }

  /**
   * Eight workers over three labels, each with their own kind of mistakes: besides careful and
   * uniformly noisy ones, some confuse particular labels (w2 calls half of c2 "c1", w3 calls half
   * of c0 "c1", w6 answers c0 whatever the truth two times in five).
   */
  static double[][][] confusedCrowd() {
    return new double[][][] {
        {{0.92, 0.04, 0.04}, {0.04, 0.92, 0.04}, {0.04, 0.04, 0.92}},
        {{0.85, 0.10, 0.05}, {0.10, 0.85, 0.05}, {0.10, 0.10, 0.80}},
        {{0.85, 0.10, 0.05}, {0.05, 0.90, 0.05}, {0.05, 0.45, 0.50}},
        {{0.45, 0.50, 0.05}, {0.05, 0.85, 0.10}, {0.05, 0.10, 0.85}},
        {{0.60, 0.20, 0.20}, {0.20, 0.60, 0.20}, {0.20, 0.20, 0.60}},
        {{0.70, 0.20, 0.10}, {0.10, 0.70, 0.20}, {0.20, 0.10, 0.70}},
        {{0.90, 0.05, 0.05}, {0.40, 0.55, 0.05}, {0.40, 0.05, 0.55}},
        {{0.50, 0.25, 0.25}, {0.25, 0.50, 0.25}, {0.25, 0.25, 0.50}},
    };
  }

  @Test
  void recoversEachWorkersConfusionMatrixCellByCell() {
    // 3000 tasks x 5 answers over 8 workers: ~625 answers per worker and true label, so one cell's
    // sampling error is at most ~0.02; a cell must be within 0.05 of what the worker's answers
    // show against the truth, and within 0.07 (3.5 standard errors) of the generating matrix.
    double[][][] confusion = confusedCrowd();
    SyntheticCrowd.Crowd crowd = SyntheticCrowd.generate(3000, 5, confusion, 17);

    DawidSkene.Fit fit = dawidSkene.fit(crowd.answers());

    assertThat(fit.aggregation().converged()).isTrue();
    for (int w = 0; w < crowd.answers().workerCount(); w++) {
      double[][] generating = confusion[Integer.parseInt(crowd.answers().workerId(w).substring(1))];
      double[][] observed = crowd.observedConfusion(w);
      for (int k = 0; k < 3; k++) {
        double[] row = fit.confusionRow(w, k);
        assertThat(java.util.Arrays.stream(row).sum()).isCloseTo(1.0, within(1e-9));
        for (int l = 0; l < 3; l++) {
          assertThat(row[l]).as("worker %s, true c%d, answer c%d", crowd.answers().workerId(w), k, l)
              .isCloseTo(observed[k][l], within(0.05))
              .isCloseTo(generating[k][l], within(0.07));
        }
      }
      assertThat(fit.aggregation().workerAccuracy(w)).isCloseTo(crowd.accuracy()[w], within(0.05));
    }
    for (int k = 0; k < 3; k++) {
      assertThat(fit.prior()[k]).isCloseTo(1.0 / 3, within(0.04)); // uniform truth
    }
  }

  @Test
  void beatsMajorityVoteWhenWorkersConfuseParticularLabels() {
    SyntheticCrowd.Crowd crowd = SyntheticCrowd.generate(3000, 3, confusedCrowd(), 23);

    double ds = crowd.accuracyOf(dawidSkene.aggregate(crowd.answers()));
    double mv = crowd.accuracyOf(new MajorityVote().aggregate(crowd.answers()));

    System.out.printf("confused crowd, 3 answers per task: DS %.4f, MV %.4f%n", ds, mv);
    assertThat(ds).isGreaterThan(mv + 0.03);
  }

  @Test
  void beatsMajorityVoteWhenAccuraciesAreGraded() {
    SyntheticCrowd.Crowd crowd = SyntheticCrowd.generate(3000, 3, 3, graded(), 29);

    double ds = crowd.accuracyOf(dawidSkene.aggregate(crowd.answers()));
    double mv = crowd.accuracyOf(new MajorityVote().aggregate(crowd.answers()));

    System.out.printf("graded crowd (0.55..0.95), 3 answers per task: DS %.4f, MV %.4f%n", ds, mv);
    assertThat(ds).isGreaterThan(mv + 0.02);
  }

  @Test
  void holdsGoldAnswersFixedAgainstUnanimousWorkers() {
    AnswerSet answers = AnswerSet.builder()
        .add("t1", "w1", "cat").add("t1", "w2", "cat").add("t1", "w3", "cat")
        .add("t2", "w1", "dog").add("t2", "w2", "dog").add("t2", "w3", "cat")
        .gold("t1", "dog")
        .build();

    Aggregation result = dawidSkene.aggregate(answers);

    assertThat(result.label(0)).isEqualTo("dog");
    assertThat(result.confidence(0)).isEqualTo(1.0);
  }

  @Test
  void goldLetsItRecoverWorkersWhoMostlySwapLabels() {
    // 3 honest workers (0.8) and 4 who give the wrong label 85% of the time: the majority is
    // usually wrong, and without gold EM settles on the mirror-image solution.
    double[] accuracy = {0.8, 0.8, 0.8, 0.15, 0.15, 0.15, 0.15};
    SyntheticCrowd.Crowd crowd = SyntheticCrowd.generate(1000, 2, 7, accuracy, 3);
    int goldTasks = 200;

    Aggregation withGold = dawidSkene.aggregate(withGold(crowd, goldTasks));
    Aggregation withoutGold = dawidSkene.aggregate(crowd.answers());

    assertThat(accuracyAfter(goldTasks, crowd, withGold)).isGreaterThan(0.9);
    assertThat(accuracyAfter(goldTasks, crowd, withoutGold)).isLessThan(0.5);
    for (int w = 0; w < accuracy.length; w++) { // rebuilding kept the worker numbering
      assertThat(withGold.workerAccuracy(w)).isCloseTo(crowd.accuracy()[w], within(0.05));
    }
  }

  @Test
  void givesIdenticalResultsOnIdenticalInput() {
    SyntheticCrowd.Crowd first = SyntheticCrowd.generate(500, 3, 5, graded(), 7);
    SyntheticCrowd.Crowd second = SyntheticCrowd.generate(500, 3, 5, graded(), 7);

    Aggregation a = dawidSkene.aggregate(first.answers());
    Aggregation b = dawidSkene.aggregate(second.answers());

    assertThat(b.iterations()).isEqualTo(a.iterations());
    for (int t = 0; t < 500; t++) {
      assertThat(b.label(t)).isEqualTo(a.label(t));
      assertThat(b.confidence(t)).isEqualTo(a.confidence(t)); // bit for bit
    }
    for (int w = 0; w < first.answers().workerCount(); w++) {
      assertThat(b.workerAccuracy(w)).isEqualTo(a.workerAccuracy(w));
    }
  }

  @Test
  void doesNotUnderflowWithThousandsOfAnswersPerTask() {
    // a product of 3000 probabilities of ~0.5 is ~1e-900: zero in linear space
    AnswerSet.Builder builder = AnswerSet.builder();
    for (int w = 0; w < 3000; w++) {
      builder.add("t1", "w" + w, w % 5 < 3 ? "yes" : "no");
      builder.add("t2", "w" + w, w % 5 < 2 ? "yes" : "no");
    }

    Aggregation result = dawidSkene.aggregate(builder.build());

    assertThat(result.label(0)).isEqualTo("yes");
    assertThat(result.label(1)).isEqualTo("no");
    assertThat(result.confidence(0)).isBetween(0.5, 1.0);
    assertThat(result.probability(0, 0) + result.probability(0, 1)).isCloseTo(1, within(1e-12));
  }

  @Test
  void singleWorkerIsBelievedOnEveryTask() {
    // believing the worker and ignoring them are equally likely; the diagonal prior decides
    AnswerSet answers = AnswerSet.builder()
        .add("t1", "solo", "a").add("t2", "solo", "b").add("t3", "solo", "a")
        .build();

    Aggregation result = dawidSkene.aggregate(answers);

    assertThat(new String[] {result.label(0), result.label(1), result.label(2)})
        .containsExactly("a", "b", "a");
    assertThat(result.confidence(1)).isGreaterThan(0.5);
    assertThat(result.converged()).isTrue();
    assertThat(result.workerAccuracy(0)).isBetween(0.5, 1.0);
  }

  @Test
  void singleLabelGivesThatLabelWithFullConfidence() {
    AnswerSet answers = AnswerSet.builder()
        .add("t1", "w1", "only").add("t1", "w2", "only").add("t2", "w1", "only")
        .build();

    Aggregation result = dawidSkene.aggregate(answers);

    assertThat(result.label(1)).isEqualTo("only");
    assertThat(result.confidence(0)).isEqualTo(1.0);
    assertThat(result.workerAccuracy(1)).isEqualTo(1.0);
  }

  @Test
  void taskWithOneAnswerFollowsAReliableWorker() {
    AnswerSet.Builder builder = AnswerSet.builder();
    for (int t = 0; t < 20; t++) {
      builder.add("t" + t, "good", t % 2 == 0 ? "x" : "y");
      builder.add("t" + t, "also-good", t % 2 == 0 ? "x" : "y");
    }
    builder.add("lonely", "good", "y");

    Aggregation result = dawidSkene.aggregate(builder.build());

    assertThat(result.label(20)).isEqualTo("y");
    assertThat(result.confidence(20)).isGreaterThan(0.9);
  }

  @Test
  void goldLabelNobodyGaveIsKeptForItsTaskAndNotSpreadToOthers() {
    AnswerSet.Builder builder = AnswerSet.builder();
    for (int t = 0; t < 10; t++) {
      String label = t % 2 == 0 ? "cat" : "dog";
      builder.add("t" + t, "w1", label).add("t" + t, "w2", label).add("t" + t, "w3", label);
    }
    // the bird task's answers look like no other task's
    builder.add("bird-task", "w1", "cat").add("bird-task", "w2", "dog").add("bird-task", "w3",
        "dog");
    builder.gold("bird-task", "bird");

    Aggregation result = dawidSkene.aggregate(builder.build());

    assertThat(result.label(10)).isEqualTo("bird");
    assertThat(result.confidence(10)).isEqualTo(1.0);
    for (int t = 0; t < 10; t++) {
      assertThat(result.label(t)).isEqualTo(t % 2 == 0 ? "cat" : "dog");
    }
  }

  @Test
  void emptyAnswerSetGivesEmptyResult() {
    Aggregation result = dawidSkene.aggregate(AnswerSet.builder().build());

    assertThat(result.answers().taskCount()).isZero();
    assertThat(result.converged()).isTrue();
  }

  @Test
  void unsmoothedEstimateStaysFiniteWhenWorkersNeverGaveSomeLabels() {
    AnswerSet answers = AnswerSet.builder()
        .add("t1", "w1", "a").add("t1", "w2", "b")
        .add("t2", "w1", "a").add("t2", "w2", "a")
        .add("t3", "w1", "c").add("t3", "w2", "b")
        .build();

    Aggregation result = new DawidSkene(new DawidSkene.Config(50, 1e-6, 0, 0)).aggregate(answers);

    for (int t = 0; t < 3; t++) {
      assertThat(result.confidence(t)).isBetween(1.0 / 3, 1.0);
    }
    assertThat(result.workerAccuracy(0)).isBetween(0.0, 1.0);
  }

  @Test
  void unsmoothedEstimateStaysFiniteWhenAWorkerNeverSawSomeClass() {
    // w1 answered only a unanimous "a" task: no mass at all on true class "b"
    AnswerSet answers = AnswerSet.builder()
        .add("t1", "w1", "a").add("t1", "w2", "a")
        .add("t2", "w2", "b").add("t2", "w3", "b")
        .build();

    Aggregation result = new DawidSkene(new DawidSkene.Config(50, 1e-6, 0, 0)).aggregate(answers);

    assertThat(result.label(0)).isEqualTo("a");
    assertThat(result.label(1)).isEqualTo("b");
    assertThat(result.confidence(0)).isBetween(0.5, 1.0);
    assertThat(result.workerAccuracy(0)).isBetween(0.0, 1.0);
  }

  @Test
  void reportsWhenItStoppedBeforeConverging() {
    SyntheticCrowd.Crowd crowd = SyntheticCrowd.generate(500, 2, 5, graded(), 1);

    Aggregation result = new DawidSkene(new DawidSkene.Config(1, 0, 0.01, 1))
        .aggregate(crowd.answers());

    assertThat(result.iterations()).isEqualTo(1);
    assertThat(result.converged()).isFalse();
  }

  @Test
  void rejectsConfigurationsThatCannotRun() {
    assertThatThrownBy(() -> new DawidSkene.Config(0, 1e-4, 0.01, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxIterations");
    assertThatThrownBy(() -> new DawidSkene.Config(10, -1, 0.01, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tolerance");
    assertThatThrownBy(() -> new DawidSkene.Config(10, 1e-4, Double.NaN, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smoothing");
    assertThatThrownBy(() -> new DawidSkene.Config(10, 1e-4, 0.01, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("diagonalPrior");
  }

  /** The crowd's answers again, with the true label as gold for the first {@code n} tasks. */
  static AnswerSet withGold(SyntheticCrowd.Crowd crowd, int n) {
    AnswerSet answers = crowd.answers();
    AnswerSet.Builder builder = AnswerSet.builder();
    for (int t = 0; t < answers.taskCount(); t++) {
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        builder.add(answers.taskId(t), answers.workerId(answers.workerOf(i)),
            answers.label(answers.labelOf(i)));
      }
      if (t < n) {
        builder.gold(answers.taskId(t), answers.label(crowd.truth()[t]));
      }
    }
    return builder.build();
  }

  /** Accuracy on the tasks from {@code first} on (those without gold). */
  private static double accuracyAfter(int first, SyntheticCrowd.Crowd crowd, Aggregation result) {
    int correct = 0;
    for (int t = first; t < crowd.truth().length; t++) {
      correct += result.labelIndex(t) == crowd.truth()[t] ? 1 : 0;
    }
    return (double) correct / (crowd.truth().length - first);
  }
}
