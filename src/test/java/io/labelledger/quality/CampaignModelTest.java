package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class CampaignModelTest {
  private static final List<String> LABELS = List.of("yes", "no", "maybe");
  private final CampaignModel fresh = new CampaignModel(LABELS, null, 0.7, new OverlapPolicy(2, 5, 0.95));

  private static CampaignModel.Answer unknown(String label) {
    return new CampaignModel.Answer(label, null, GoldScore.NONE);
  }

  @Test
  void beforeAnyEstimateTwoAgreeingAnswersAreNotEnoughForNinetyFivePercent() {
    CampaignModel.Labelled l = fresh.label(List.of(unknown("no"), unknown("no")), 2, false);
    assertThat(l.label()).isEqualTo("no");
    assertThat(l.confidence()).isCloseTo(0.49 / (0.49 + 2 * 0.0225), within(1e-12)); // 0.916
    assertThat(l.action()).isEqualTo(CampaignModel.Action.RAISE);

    CampaignModel.Labelled three = fresh.label(List.of(unknown("no"), unknown("no"), unknown("no")), 3, false);
    assertThat(three.confidence()).isGreaterThan(0.95);
    assertThat(three.action()).isEqualTo(CampaignModel.Action.DECIDE);
  }

  @Test
  void estimatedConfusionMatricesOutweighNumbers() {
    double[] expert = Posterior.symmetric(3, 0.98);
    double[] coinFlipper = Posterior.symmetric(3, 0.34);
    CampaignModel.Labelled l = fresh.label(List.of(new CampaignModel.Answer("maybe", expert, GoldScore.NONE),
        new CampaignModel.Answer("yes", coinFlipper, GoldScore.NONE),
        new CampaignModel.Answer("yes", coinFlipper, GoldScore.NONE)), 3, false);
    assertThat(l.label()).isEqualTo("maybe");
  }

  @Test
  void goldRecordMovesAnUnestimatedContributorAwayFromTheMean() {
    assertThat(fresh.assumedAccuracy(GoldScore.NONE)).isEqualTo(0.7);
    assertThat(fresh.assumedAccuracy(new GoldScore(8, 8))).isCloseTo(9.4 / 10, within(1e-12));
    assertThat(fresh.assumedAccuracy(new GoldScore(8, 0))).isCloseTo(1.4 / 10, within(1e-12));
  }

  @Test
  void decidedItemIsRelabelledButKept() {
    CampaignModel.Labelled l = fresh.label(List.of(unknown("yes"), unknown("no")), 2, true);
    assertThat(l.action()).isEqualTo(CampaignModel.Action.KEEP);
    assertThat(l.label()).isEqualTo("yes"); // a tie goes to the first label of the campaign
  }

  @Test
  void goldItemIsItsGoldAnswerDecidedAtOnce() {
    assertThat(CampaignModel.gold("maybe")).isEqualTo(new CampaignModel.Labelled("maybe", 1.0, CampaignModel.Action.DECIDE));
  }

  @Test
  void priorOfAnotherShapeIsIgnoredAndUnknownAnswersRefused() {
    CampaignModel odd = new CampaignModel(LABELS, new double[] {0.5, 0.5}, 0.7, new OverlapPolicy(1, 1, 0.9));
    assertThat(odd.prior()).isNull();
    assertThatThrownBy(() -> fresh.label(List.of(unknown("perhaps")), 2, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perhaps");
  }
}
