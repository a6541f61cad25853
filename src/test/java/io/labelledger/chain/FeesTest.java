package io.labelledger.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class FeesTest {
  private static BigInteger wei(long n) {
    return BigInteger.valueOf(n);
  }

  @Test
  void aReplacementRaisesBothFeesByAtLeastTheBumpRoundedUp() {
    Fees first = Fees.eip1559(wei(2_000_000_001L), wei(100_000_001L));
    Fees next = first.bumped(10);
    assertThat(next.maxFeePerGas()).isEqualTo(wei(2_200_000_002L)); // 2,200,000,001.1 rounded up
    assertThat(next.maxPriorityFeePerGas()).isEqualTo(wei(110_000_002L));
    assertThat(next.maxFeePerGas().multiply(wei(100))).isGreaterThanOrEqualTo(first.maxFeePerGas().multiply(wei(110)));
    assertThat(next.maxPriorityFeePerGas().multiply(wei(100)))
        .isGreaterThanOrEqualTo(first.maxPriorityFeePerGas().multiply(wei(110)));
  }

  @Test
  void aReplacementOfTinyFeesStillRaisesThem() {
    Fees next = Fees.eip1559(wei(7), wei(0)).bumped(10);
    assertThat(next.maxFeePerGas()).isEqualTo(wei(8));
    assertThat(next.maxPriorityFeePerGas()).isEqualTo(wei(1));
  }

  @Test
  void legacyPricesBumpTheirOneField() {
    Fees next = Fees.legacy(wei(1_000)).bumped(25);
    assertThat(next.isLegacy()).isTrue();
    assertThat(next.maxFeePerGas()).isEqualTo(wei(1_250));
  }

  @Test
  void atLeastTakesTheLargerOfEachFieldAndKeepsTheTipUnderTheMaxFee() {
    Fees a = Fees.eip1559(wei(100), wei(50));
    Fees b = Fees.eip1559(wei(80), wei(90).min(wei(80)));
    assertThat(a.atLeast(b)).isEqualTo(Fees.eip1559(wei(100), wei(80)));
  }

  @Test
  void refusesATipAboveTheMaxFee() {
    assertThatThrownBy(() -> Fees.eip1559(wei(10), wei(11))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gweiConvertsDecimalsExactly() {
    assertThat(Fees.gwei(0.1)).isEqualTo(wei(100_000_000L));
    assertThat(Fees.gwei(500)).isEqualTo(wei(500_000_000_000L));
    assertThat(Fees.inGwei(wei(1_500_000_000L))).isEqualTo("1.5 gwei");
  }

  @Test
  void signsType2TransactionsAndLegacyOnes() {
    var type2 = Fees.eip1559(wei(2), wei(1)).transaction(1337, BigInteger.ZERO, wei(21_000), "0x" + "11".repeat(20), "0x");
    assertThat(type2.getType().isEip1559()).isTrue();
    var legacy = Fees.legacy(wei(2)).transaction(1337, BigInteger.ZERO, wei(21_000), "0x" + "11".repeat(20), "0x");
    assertThat(legacy.getType().isLegacy()).isTrue();
  }
}
