package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ReestimateTest {
  /** The campaign's order, deliberately not the sorted order the answer set uses. */
  private static final List<String> LABELS = List.of("yes", "no", "maybe");

  @Test
  void modelIsLaidOutByTheCampaignsLabelPositions() {
    AnswerSet.Builder b = Reestimate.answers(LABELS);
    for (int t = 0; t < 60; t++) {
      String truth = LABELS.get(t % 3);
      b.add(Integer.toString(100 + t), "0xgood", truth).add(Integer.toString(100 + t), "0xalso", truth);
      // always says "no" when the truth is "maybe"
      b.add(Integer.toString(100 + t), "0xbiased", truth.equals("maybe") ? "no" : truth);
    }

    Reestimate.Result r = Reestimate.run(new DawidSkene(), LABELS, b.build());

    Map<String, Reestimate.ContributorEstimate> byName = r.contributors().stream()
        .collect(Collectors.toMap(Reestimate.ContributorEstimate::contributor, c -> c));
    double[] biased = byName.get("0xbiased").confusion();
    assertThat(biased[2 * 3 + 1]).as("P(no | maybe)").isGreaterThan(0.9);
    assertThat(biased[0]).as("P(yes | yes)").isGreaterThan(0.9);
    assertThat(byName.get("0xgood").accuracy()).isGreaterThan(0.95);
    assertThat(byName.get("0xbiased").accuracy()).isCloseTo(2.0 / 3, within(0.03));
    assertThat(r.prior()).hasSize(3);
    assertThat(r.items()).hasSize(60);
    Reestimate.ItemEstimate first = r.items().get(0);
    assertThat(first.itemId()).isEqualTo(100);
    assertThat(first.answers()).isEqualTo(3);
    assertThat(first.label()).isEqualTo("yes");
    assertThat(r.items().get(2).label()).isEqualTo("maybe");
    assertThat(r.answerCount()).isEqualTo(180);
    assertThat(r.meanAccuracy()).isCloseTo((2 * byName.get("0xgood").accuracy() + byName.get("0xbiased").accuracy()) / 3,
        within(0.02));
  }

  @Test
  void labelsNobodyUsedStillGetARowAndAColumn() {
    Reestimate.Result r = Reestimate.run(new DawidSkene(), LABELS,
        Reestimate.answers(LABELS).add("1", "0xa", "yes").add("1", "0xb", "yes").build());
    double[] confusion = r.contributors().get(0).confusion();
    assertThat(confusion).hasSize(9);
    assertThat(java.util.Arrays.stream(confusion).min().orElseThrow()).isPositive();
  }

  @Test
  void answersOutsideTheCampaignsLabelsAreRefused() {
    AnswerSet set = Reestimate.answers(LABELS).add("1", "0xa", "perhaps").build();
    assertThatThrownBy(() -> Reestimate.run(new DawidSkene(), LABELS, set)).isInstanceOf(IllegalArgumentException.class);
  }
}
