package io.labelledger.answer.regions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.answer.TypedAnswers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine on hand-made crowds of one-dimensional regions, written as {label, start, end} triples. */
class RegionModelTest {
  private static final Regions.Writer<int[]> TRIPLES = (value, sink) -> {
    for (int i = 0; i < value.length; i += 3) {
      sink.add(value[i], value[i + 1], value[i + 2]);
    }
  };

  private static final RegionModel MODE = new RegionModel(1, 2, RegionModel.Combine.MODE, 1e-9);

  private static int[] regions(int... triples) {
    return triples;
  }

  private static List<int[]> bounds(List<RegionModel.Found> found) {
    List<int[]> out = new ArrayList<>();
    for (RegionModel.Found f : found) {
      out.add(new int[] {f.label(), (int) f.bounds()[0], (int) f.bounds()[1]});
    }
    return out;
  }

  @Test
  void keepsWhatAMajorityMarkedWithBoundariesItsModeAndDropsALoneMark() {
    TypedAnswers<int[], int[]> answers = TypedAnswers.<int[], int[]>builder()
        .add("t", "a", regions(0, 0, 5, 1, 10, 14))
        .add("t", "b", regions(0, 0, 5, 1, 10, 15))
        .add("t", "c", regions(0, 0, 6, 1, 10, 15, 0, 20, 22))
        .build();

    RegionModel.Result r = MODE.fit(answers, TRIPLES, TRIPLES);

    assertThat(bounds(r.found().get(0))).containsExactly(new int[] {0, 0, 5}, new int[] {1, 10, 15});
    assertThat(r.found().get(0)).allSatisfy(f -> assertThat(f.confidence()).isGreaterThan(0.5));
    assertThat(r.confidence()[0]).isBetween(0.0, 1.0);
  }

  @Test
  void neverMatchesTwoRegionsOfOneAnswerOrOfTwoLabels() {
    // a's two regions both overlap b's one: only one of them can be b's match
    TypedAnswers<int[], int[]> answers = TypedAnswers.<int[], int[]>builder()
        .add("t", "a", regions(0, 0, 4, 0, 3, 8))
        .add("t", "b", regions(0, 2, 6, 1, 2, 6))
        .build();

    RegionModel.Result r = MODE.majority(answers, TRIPLES, TRIPLES);

    // majority of 2 answers needs both: at most one candidate of label 0 holds both answers
    assertThat(r.found().get(0)).hasSizeLessThanOrEqualTo(1);
    assertThat(r.found().get(0)).allSatisfy(f -> assertThat(f.label()).isZero());
  }

  @Test
  void completeLinkageKeepsTwoNeighboursApartWhenOneLongMarkSpansBoth() {
    // b marks "New York City Hall" as one; a and c mark the two entities
    TypedAnswers<int[], int[]> answers = TypedAnswers.<int[], int[]>builder()
        .add("t", "a", regions(0, 0, 8, 0, 9, 18))
        .add("t", "b", regions(0, 0, 18))
        .add("t", "c", regions(0, 0, 8, 0, 9, 18))
        .build();

    RegionModel.Result r = MODE.majority(answers, TRIPLES, TRIPLES);

    assertThat(bounds(r.found().get(0))).containsExactly(new int[] {0, 0, 8}, new int[] {0, 9, 18});
  }

  @Test
  void goldTasksKeepTheirGoldAndTeachWhoIsReliable() {
    TypedAnswers.Builder<int[], int[]> builder = TypedAnswers.builder();
    for (int t = 0; t < 30; t++) {
      builder.add("t" + t, "good", regions(0, 10, 20));
      builder.add("t" + t, "liar", regions(0, 40, 50));
      builder.gold("t" + t, regions(0, 10, 20));
    }
    builder.add("open", "good", regions(0, 10, 20));
    builder.add("open", "liar", regions(0, 40, 50));

    RegionModel.Result r = MODE.fit(builder.build(), TRIPLES, TRIPLES);

    assertThat(r.confidence()[0]).isEqualTo(1.0);
    assertThat(bounds(r.found().get(30))).containsExactly(new int[] {0, 10, 20});
    assertThat(r.workerReliability()[0]).isGreaterThan(0.9);
    assertThat(r.workerReliability()[1]).isLessThan(0.6);
  }

  @Test
  void scoresOneTaskAsTheFitDidWithTheFittedParameters() {
    TypedAnswers.Builder<int[], int[]> builder = TypedAnswers.builder();
    for (int t = 0; t < 20; t++) {
      builder.add("t" + t, "a", regions(0, 0, 5, 1, 8, 9)).add("t" + t, "b", regions(0, 0, 5))
          .add("t" + t, "c", regions(0, 1, 5, 1, 8, 10));
    }
    TypedAnswers<int[], int[]> answers = builder.build();
    RegionModel.Result fit = MODE.fit(answers, TRIPLES, TRIPLES);

    RegionModel.Result one = MODE.score(List.of(answers.value(0), answers.value(1), answers.value(2)),
        List.of(fit.workerParams().get(0), fit.workerParams().get(1), fit.workerParams().get(2)), TRIPLES);

    assertThat(bounds(one.found().get(0))).usingRecursiveFieldByFieldElementComparator()
        .isEqualTo(bounds(fit.found().get(0)));
    assertThat(one.confidence()[0]).isEqualTo(fit.confidence()[0]);
    RegionModel.Result unseen = MODE.score(List.of(answers.value(0)), Arrays.asList((double[]) null), TRIPLES);
    assertThat(bounds(unseen.found().get(0))).hasSize(2);
    assertThatThrownBy(() -> MODE.score(List.of(), List.of(), TRIPLES)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesRegionsItCannotPlace() {
    TypedAnswers<int[], int[]> empty = TypedAnswers.<int[], int[]>builder().add("t", "a", regions(0, 5, 5)).build();
    assertThatThrownBy(() -> MODE.fit(empty, TRIPLES, TRIPLES)).hasMessageContaining("empty");
    TypedAnswers<int[], int[]> label = TypedAnswers.<int[], int[]>builder().add("t", "a", regions(2, 0, 5)).build();
    assertThatThrownBy(() -> MODE.fit(label, TRIPLES, TRIPLES)).hasMessageContaining("label index 2");
  }

  @Test
  void aTaskEveryoneLeftEmptyIsEmptyAndAsSureAsItsWorkersAreSensitive() {
    TypedAnswers<int[], int[]> answers = TypedAnswers.<int[], int[]>builder()
        .add("t", "a", regions()).add("t", "b", regions()).add("u", "a", regions(0, 0, 3)).build();

    RegionModel.Result r = MODE.fit(answers, TRIPLES, TRIPLES);

    assertThat(r.found().get(0)).isEmpty();
    assertThat(r.confidence()[0]).isGreaterThan(0.5).isLessThan(1.0);
  }
}
