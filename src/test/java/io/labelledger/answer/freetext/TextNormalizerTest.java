package io.labelledger.answer.freetext;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {
  private static final TextNormalizer ALL = new TextNormalizer(true, true, true);

  @Test
  void noneLeavesTextAsItIs() {
    String text = "  Hello,\u00a0WORLD!\t";
    assertThat(TextNormalizer.NONE.normalize(text)).isEqualTo(text);
  }

  @Test
  void stripsPunctuationOfEveryUnicodeCategoryButKeepsSymbols() {
    TextNormalizer strip = new TextNormalizer(false, false, true);
    // Ps/Pe «», Pd -, Po ! ¿ 。, Pi/Pf “”, Pc _ ; symbols $ + © stay
    assertThat(strip.normalize("«Bonjour», dit-il ! ¿Qué? “yes_no” 終わり。 $5 + ©"))
        .isEqualTo("Bonjour ditil  Qué yesno 終わり $5 + ©");
  }

  @Test
  void lowerCasesBeyondAscii() {
    assertThat(new TextNormalizer(true, false, false).normalize("ÉCOLE Straße ΣΟΦΙΑ"))
        .isEqualTo("école straße σοφια");
  }

  @Test
  void collapsesAndTrimsUnicodeWhiteSpace() {
    TextNormalizer collapse = new TextNormalizer(false, true, false);
    assertThat(collapse.normalize("\u2003 a\u00a0\u00a0b\t\n c \u202f")).isEqualTo("a b c");
    assertThat(collapse.normalize(" \t ")).isEmpty();
  }

  @Test
  void collapsesTheSpaceLeftWhereStrippedPunctuationStood() {
    assertThat(ALL.normalize("Well , THAT'S it .")).isEqualTo("well thats it");
  }

  @Test
  void splitsWordsAtWhiteSpaceWhetherOrNotItCollapses() {
    assertThat(TextNormalizer.NONE.words("  a\u00a0 b,c  ")).containsExactly("a", "b,c");
    assertThat(ALL.words("A, b. C")).containsExactly("a", "b", "c");
    assertThat(ALL.words("  ")).isEmpty();
  }
}
