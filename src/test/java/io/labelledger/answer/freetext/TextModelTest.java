package io.labelledger.answer.freetext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.answer.TypedAnswers;
import io.labelledger.answer.TypedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TextModelTest {
  private static final TextNormalizer ALL = new TextNormalizer(true, true, true);
  private final TextModel model = new TextModel(ALL);

  private static double meanWer(List<String> aggregates, List<String> truth) {
    double sum = 0;
    for (int t = 0; t < truth.size(); t++) {
      sum += Wer.wordErrorRate(aggregates.get(t), truth.get(t), ALL);
    }
    return sum / truth.size();
  }

  @Test
  void beatsRandomAndMostFrequentAnswerInMeanWerOnSeveralSeeds() {
    for (long seed = 1; seed <= 4; seed++) {
      for (int answersPerTask : new int[] {3, 5}) {
        SyntheticTexts.Crowd crowd = SyntheticTexts.generate(seed, 1000, 40, answersPerTask);

        double modelWer = meanWer(model.fit(crowd.answers()).aggregates(), crowd.truth());
        double randomWer = meanWer(TextBaselines.randomAnswer(crowd.answers(), seed), crowd.truth());
        double frequentWer = meanWer(TextBaselines.mostFrequent(crowd.answers()), crowd.truth());

        // the careless quarter alone puts both baselines near 0.25 or above; the model has to
        // halve the better of them
        assertThat(modelWer).as("seed %d, %d answers per task: model vs most frequent %.4f, random %.4f",
            seed, answersPerTask, frequentWer, randomWer).isLessThan(0.5 * Math.min(frequentWer, randomWer));
      }
    }
  }

  @Test
  void trustsWorkersWhoTypeTheTextAndDistrustsCarelessOnes() {
    SyntheticTexts.Crowd crowd = SyntheticTexts.generate(3, 1000, 30, 3);
    double[] observedWer = SyntheticTextsTest.meanWerByWorker(crowd);

    double[] reliability = model.fit(crowd.answers()).workerReliability();

    for (int w = 0; w < observedWer.length; w++) {
      assertThat(reliability[w]).isBetween(0.0, 1.0);
      if (observedWer[w] > 0.7) {
        assertThat(reliability[w]).as("careless %s", crowd.answers().workerId(w)).isLessThan(0.2);
      } else if (observedWer[w] < 0.06) {
        assertThat(reliability[w]).as("careful %s", crowd.answers().workerId(w)).isGreaterThan(0.7);
      }
    }
  }

  @Test
  void stopsWellBeforeTheIterationCapOnALargeCrowd() {
    // big enough for near-tied tasks to swap their aggregates back and forth: the loop must notice
    TypedModel.Fit<String> fit = model.fit(SyntheticTexts.generate(7, 20_000, 2000, 5).answers());

    assertThat(fit.iterations()).isLessThan(TextModel.MAX_ITERATIONS / 2);
  }

  @Test
  void aggregateIsTheOriginalTextOfTheChosenAnswer() {
    TypedAnswers<String, String> answers = TypedAnswers.<String, String>builder()
        .add("t", "w0", "the CAT sat.").add("t", "w1", "The cat sat").add("t", "w2", "a dog ran")
        .build();

    TypedModel.Fit<String> fit = model.fit(answers);

    assertThat(fit.aggregates().get(0)).isEqualTo("the CAT sat."); // first of two equals once normalised
    assertThat(fit.confidence()[0]).isBetween(0.5, 1.0);
  }

  @Test
  void goldTasksKeepTheirGoldTextAndJudgeTheWorkersOnThem() {
    SyntheticTexts.Crowd crowd = SyntheticTexts.generate(8, 300, 12, 3);
    TypedAnswers.Builder<String, String> builder = TypedAnswers.builder();
    TypedAnswers<String, String> plain = crowd.answers();
    for (int t = 0; t < plain.taskCount(); t++) {
      for (int i = plain.answerStart(t); i < plain.answerEnd(t); i++) {
        builder.add(plain.taskId(t), plain.workerId(plain.workerOf(i)), plain.value(i));
      }
    }
    // a gold text no worker typed: the gold stands anyway
    builder.gold("t0", "Gold that nobody wrote.");
    for (int t = 1; t < 60; t++) {
      builder.gold(plain.taskId(t), crowd.truth().get(t));
    }
    TypedAnswers<String, String> answers = builder.build();

    TypedModel.Fit<String> fit = model.fit(answers);

    assertThat(fit.aggregates().get(0)).isEqualTo("Gold that nobody wrote.");
    for (int t = 0; t < 60; t++) {
      assertThat(fit.confidence()[t]).isEqualTo(1.0);
    }
    for (int t = 1; t < 60; t++) {
      assertThat(fit.aggregates().get(t)).isEqualTo(crowd.truth().get(t));
    }
  }

  @Test
  void goldMovesTheReliabilityOfWorkersWhoAnsweredIt() {
    TypedAnswers.Builder<String, String> builder = TypedAnswers.builder();
    for (int t = 0; t < 20; t++) {
      builder.add("t" + t, "a", "one two three four " + t).add("t" + t, "b", "five six seven eight " + t);
    }
    TypedAnswers<String, String> withoutGold = builder.build();
    for (int t = 0; t < 20; t++) {
      builder.gold("t" + t, "five six seven eight " + t);
    }
    TypedAnswers<String, String> withGold = builder.build();

    double[] before = model.fit(withoutGold).workerReliability();
    double[] after = model.fit(withGold).workerReliability();

    assertThat(before[0]).isEqualTo(before[1]); // two workers who never agree look alike
    assertThat(after[1]).isGreaterThan(0.9);
    assertThat(after[0]).isLessThan(0.3);
  }

  @Test
  void fitIsDeterministicBitForBitAndSafeToRunConcurrently() throws Exception {
    TypedAnswers<String, String> answers = SyntheticTexts.generate(21, 400, 15, 4).answers();
    TypedModel.Fit<String> first = model.fit(answers);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<TypedModel.Fit<String>>> runs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        runs.add(pool.submit(() -> model.fit(answers)));
      }
      for (Future<TypedModel.Fit<String>> run : runs) {
        assertSameFit(run.get(), first);
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void assertSameFit(TypedModel.Fit<String> actual, TypedModel.Fit<String> expected) {
    assertThat(actual.aggregates()).isEqualTo(expected.aggregates());
    assertThat(actual.confidence()).isEqualTo(expected.confidence());
    assertThat(actual.workerReliability()).isEqualTo(expected.workerReliability());
    assertThat(actual.iterations()).isEqualTo(expected.iterations());
    for (int w = 0; w < expected.workerParams().size(); w++) {
      assertThat(actual.workerParams().get(w)).isEqualTo(expected.workerParams().get(w));
    }
  }

  @Test
  void scoreGivesTheFitsAggregateAndConfidenceWhenGivenTheFittedParams() {
    TypedAnswers<String, String> answers = SyntheticTexts.generate(5, 500, 20, 4).answers();
    TypedModel.Fit<String> fit = model.fit(answers);

    for (int t = 0; t < answers.taskCount(); t++) {
      List<String> values = new ArrayList<>();
      List<double[]> params = new ArrayList<>();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        values.add(answers.value(i));
        params.add(fit.workerParams().get(answers.workerOf(i)));
      }
      TypedModel.Scored<String> scored = model.score(values, params);
      assertThat(scored.aggregate()).as("task %d", t).isEqualTo(fit.aggregates().get(t));
      assertThat(scored.confidence()).as("task %d", t).isEqualTo(fit.confidence()[t]);
    }
  }

  @Test
  void scoreTakesAnUnseenWorkerForATypicalOne() {
    List<String> values = List.of("x y z", "a b c", "a b c d");
    double[] distrusted = {0.05};

    TypedModel.Scored<String> withUnseen = model.score(values, Arrays.asList(distrusted, null, null));
    TypedModel.Scored<String> withTrusted = model.score(values, List.of(new double[] {0.9}, distrusted,
        distrusted));

    assertThat(withUnseen.aggregate()).isEqualTo("a b c");
    assertThat(withTrusted.aggregate()).isEqualTo("x y z");
  }

  @Test
  void scoreRejectsNoAnswersAndMismatchedLists() {
    assertThatThrownBy(() -> model.score(List.of(), List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> model.score(List.of("a"), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTaskWithOneAnswerTakesItAndLeavesItsWorkerAtThePrior() {
    TypedAnswers<String, String> answers = TypedAnswers.<String, String>builder()
        .add("t", "w", "just me").build();

    TypedModel.Fit<String> fit = model.fit(answers);

    assertThat(fit.aggregates()).containsExactly("just me");
    assertThat(fit.confidence()[0]).isEqualTo(1.0);
    assertThat(fit.workerReliability()[0]).isEqualTo(TextModel.TYPICAL_RELIABILITY);
    assertThat(fit.converged()).isTrue();
  }

  @Test
  void emptyTextsAreAnswersLikeAnyOther() {
    TypedAnswers<String, String> answers = TypedAnswers.<String, String>builder()
        .add("empty", "w0", "").add("empty", "w1", "  ").add("empty", "w2", "something")
        .add("punctuation", "w0", "...").add("punctuation", "w1", "!")
        .add("mixed", "w0", "").add("mixed", "w1", "a b").add("mixed", "w2", "a b")
        .build();

    TypedModel.Fit<String> fit = model.fit(answers);

    assertThat(fit.aggregates()).containsExactly("", "...", "a b");
    assertThat(fit.confidence()[1]).isEqualTo(1.0); // both strip to no words
  }

  @Test
  void confidenceCountsAnswersAtMostOneWordInFiveAway() {
    List<double[]> same = List.of(new double[] {0.8}, new double[] {0.8}, new double[] {0.8});

    TypedModel.Scored<String> oneInFive = model.score(List.of("a b c d e", "a b c d e", "a b c d x"), same);
    TypedModel.Scored<String> twoInFive = model.score(List.of("a b c d e", "a b c d e", "a b c y x"), same);

    assertThat(oneInFive.confidence()).isEqualTo(1.0);
    assertThat(twoInFive.confidence()).isEqualTo(2 / 3.0);
  }

  @Test
  void identicalAnswersAreTheAggregateWithFullConfidence() {
    TypedAnswers.Builder<String, String> builder = TypedAnswers.builder();
    for (int w = 0; w < 5; w++) {
      builder.add("t", "w" + w, "Same words.");
    }
    TypedModel.Fit<String> fit = model.fit(builder.build());

    assertThat(fit.aggregates()).containsExactly("Same words.");
    assertThat(fit.confidence()[0]).isEqualTo(1.0);
  }

  @Test
  void aTaskWithMoreAnswersThanReferencesStillFindsTheConsensus() {
    TypedAnswers.Builder<String, String> builder = TypedAnswers.builder();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < TextModel.MAX_REFERENCES + 18; i++) {
      texts.add(i % 3 == 0 ? "noise " + i : "the agreed text");
    }
    Collections.rotate(texts, 7);
    for (int i = 0; i < texts.size(); i++) {
      builder.add("big", "w" + i, texts.get(i));
    }
    TypedModel.Fit<String> fit = model.fit(builder.build());

    assertThat(fit.aggregates()).containsExactly("the agreed text");
    // 33 of the 50 agree; those workers earn more trust than the noisy ones, so more than 33/50
    assertThat(fit.confidence()[0]).isGreaterThan(33.0 / 50).isLessThan(1.0);
  }

  @Test
  void aVeryLongTextIsComparedByItsFirstWords() {
    String longText = String.join(" ", Collections.nCopies(TextModel.MAX_WORDS + 500, "word"));
    TypedAnswers<String, String> answers = TypedAnswers.<String, String>builder()
        .add("t", "w0", longText).add("t", "w1", longText + " extra").add("t", "w2", "short")
        .build();

    assertThat(model.fit(answers).aggregates().get(0)).isEqualTo(longText);
  }
}
