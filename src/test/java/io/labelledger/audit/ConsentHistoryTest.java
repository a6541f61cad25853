package io.labelledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ConsentHistory answers as ConsentRegistry.wasValidAt (whose on-chain twin is checked in ConsentHistoryIT). */
class ConsentHistoryTest {
  @Test
  void neverGrantedIsNeverValid() {
    var none = new ConsentHistory(new AuditChain.ConsentRecord(0, 0, 0, 0, 0), new long[0][]);
    assertThat(none.validAt(0)).isFalse();
    assertThat(none.validAt(1_000)).isFalse();
    assertThat(none.describe()).isEqualTo("never granted");
  }

  @Test
  void theCurrentIntervalRunsFromTheGrantToExpiryOrRevocationExclusive() {
    var current = new ConsentHistory(new AuditChain.ConsentRecord(100, 200, 150, 2, 0), new long[0][]);
    assertThat(current.validAt(99)).isFalse();
    assertThat(current.validAt(100)).isTrue();
    assertThat(current.validAt(149)).isTrue();
    assertThat(current.validAt(150)).isFalse();
    var unrevoked = new ConsentHistory(new AuditChain.ConsentRecord(100, 200, 0, 1, 0), new long[0][]);
    assertThat(unrevoked.validAt(199)).isTrue();
    assertThat(unrevoked.validAt(200)).isFalse();
  }

  @Test
  void earlierIntervalsAnswerForEarlierTimes() {
    var renewed = new ConsentHistory(new AuditChain.ConsentRecord(500, 900, 0, 4, 2),
        new long[][] {{100, 200}, {300, 300}});
    assertThat(renewed.validAt(50)).isFalse();
    assertThat(renewed.validAt(100)).isTrue();
    assertThat(renewed.validAt(199)).isTrue();
    assertThat(renewed.validAt(200)).isFalse();
    assertThat(renewed.validAt(300)).as("an interval closed the moment it opened").isFalse();
    assertThat(renewed.validAt(499)).isFalse();
    assertThat(renewed.validAt(500)).isTrue();
    assertThat(renewed.describe()).contains("[100, 200)").contains("[500, 900) until expiry");
  }
}
