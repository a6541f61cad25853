package io.labelledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

class AnswerFilesTest {
  @Test
  void printsSixDecimals() {
    assertThat(AnswerFiles.number(1)).isEqualTo("1.000000");
    assertThat(AnswerFiles.number(0)).isEqualTo("0.000000");
    assertThat(AnswerFiles.number(2.0 / 3)).isEqualTo("0.666667");
    assertThat(AnswerFiles.number(0.0000004)).isEqualTo("0.000000");
    assertThat(AnswerFiles.number(0.9999996)).isEqualTo("1.000000");
  }

  @Test
  void printsNegativeNumbersWithASignAndNoNegativeZero() {
    assertThat(AnswerFiles.number(-2.5)).isEqualTo("-2.500000");
    assertThat(AnswerFiles.number(-0.0000126)).isEqualTo("-0.000013");
    assertThat(AnswerFiles.number(-0.0000004)).isEqualTo("0.000000");
    assertThat(AnswerFiles.number(-0.0)).isEqualTo("0.000000");
  }

  @Property(tries = 500)
  void printsProbabilitiesAsFormatWould(@ForAll @DoubleRange(min = 0, max = 1) double p) {
    String expected = String.format(Locale.ROOT, "%.6f", p);
    String actual = AnswerFiles.number(p);
    // the two may round a value within 1e-15 of a half-micro differently; nothing else
    if (!actual.equals(expected)) {
      assertThat(Math.abs(p * 1e6 - Math.floor(p * 1e6) - 0.5)).isLessThan(1e-6);
    }
  }
}
