package io.labelledger.answer.regions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RegionMatchTest {
  private static Regions spans(int... labelStartEnd) {
    Regions.Builder b = Regions.builder(1);
    for (int i = 0; i < labelStartEnd.length; i += 3) {
      b.add(labelStartEnd[i], labelStartEnd[i + 1], labelStartEnd[i + 2]);
    }
    return b.build();
  }

  private static Regions boxes(int... labelXywh) {
    Regions.Builder b = Regions.builder(2);
    for (int i = 0; i < labelXywh.length; i += 5) {
      int x = labelXywh[i + 1];
      int y = labelXywh[i + 2];
      b.add(labelXywh[i], x, x + labelXywh[i + 3], y, y + labelXywh[i + 4]);
    }
    return b.build();
  }

  @Test
  void measuresIntersectionOverUnionInOneAndTwoDimensions() {
    assertThat(RegionMatch.iou(spans(0, 0, 10), 0, spans(0, 5, 15), 0)).isCloseTo(5.0 / 15, within(1e-12));
    assertThat(RegionMatch.iou(spans(0, 0, 10), 0, spans(0, 10, 12), 0)).as("touching is not overlapping").isZero();
    assertThat(RegionMatch.iou(boxes(0, 0, 0, 10, 10), 0, boxes(0, 5, 5, 10, 10), 0))
        .isCloseTo(25.0 / 175, within(1e-12));
    assertThat(RegionMatch.iou(boxes(0, 0, 0, 10, 10), 0, boxes(0, 0, 0, 10, 10), 0)).isEqualTo(1.0);
    assertThat(RegionMatch.iou(boxes(0, 0, 0, 1_000_000, 1_000_000), 0, boxes(0, 0, 0, 1_000_000, 500_000), 0))
        .as("areas beyond an int").isEqualTo(0.5);
  }

  @Test
  void matchesOneToOneBySameLabelHighestOverlapFirst() {
    // found 0 overlaps truth 0 best; found 1 overlaps truth 0 and truth 1: greedy gives 2 matches
    Regions found = spans(0, 0, 10, 0, 8, 20);
    Regions truth = spans(0, 0, 9, 0, 10, 20);
    assertThat(RegionMatch.matches(found, truth, 0.5)).isEqualTo(2);
    assertThat(RegionMatch.matches(spans(1, 0, 10), spans(0, 0, 10), 0.5)).as("another label").isZero();
    assertThat(RegionMatch.matches(spans(0, 0, 10, 0, 0, 10), spans(0, 0, 10), 0.5)).as("one to one").isEqualTo(1);
    assertThat(RegionMatch.matches(spans(0, 0, 10), spans(0, 0, 11), 1)).as("exact").isZero();
  }

  @Test
  void scoresF1WithTwoEmptyListsAsPerfect() {
    assertThat(RegionMatch.f1(spans(), spans(), 0.5)).isEqualTo(1.0);
    assertThat(RegionMatch.f1(spans(0, 0, 5), spans(), 0.5)).isZero();
    assertThat(RegionMatch.f1(spans(0, 0, 5, 0, 7, 9), spans(0, 0, 5), 0.5)).isCloseTo(2.0 / 3, within(1e-12));
  }
}
