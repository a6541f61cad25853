package io.labelledger.answer.freetext;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class WordSequencesTest {
  @Provide
  Arbitrary<String> asciiTexts() {
    return Arbitraries.strings().withChars("aAbBzZ ,.'!-_$+\t\n\u001f0").ofMaxLength(40);
  }

  /** The one-pass ASCII path splits, normalises and interns exactly as the normaliser does. */
  @Property(tries = 300)
  void asciiFastPathMatchesTheNormalizersWords(@ForAll("asciiTexts") String first,
      @ForAll("asciiTexts") String second, @ForAll boolean lower, @ForAll boolean strip) {
    TextNormalizer normalizer = new TextNormalizer(lower, false, strip);
    WordSequences sequences = new WordSequences(normalizer, Integer.MAX_VALUE);
    int[] a = sequences.encode(first);
    int[] b = sequences.encode(second);
    List<String> wordsA = normalizer.words(first);
    List<String> wordsB = normalizer.words(second);
    assertThat(a).hasSize(wordsA.size());
    assertThat(b).hasSize(wordsB.size());
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        assertThat(a[i] == b[j]).as("%s vs %s", wordsA.get(i), wordsB.get(j))
            .isEqualTo(wordsA.get(i).equals(wordsB.get(j)));
      }
    }
  }

  @Property(tries = 200)
  void editDistanceIsAMetricOnWords(@ForAll("asciiTexts") String x, @ForAll("asciiTexts") String y,
      @ForAll("asciiTexts") String z) {
    WordSequences sequences = new WordSequences(TextNormalizer.NONE, Integer.MAX_VALUE);
    int[] a = sequences.encode(x);
    int[] b = sequences.encode(y);
    int[] c = sequences.encode(z);
    int[] row = new int[64];
    int ab = WordSequences.distance(a, 0, a.length, b, 0, b.length, row);
    assertThat(WordSequences.distance(b, 0, b.length, a, 0, a.length, row)).isEqualTo(ab);
    assertThat(ab == 0).isEqualTo(java.util.Arrays.equals(a, b));
    assertThat(ab).isLessThanOrEqualTo(Math.max(a.length, b.length));
    assertThat(ab).isLessThanOrEqualTo(WordSequences.distance(a, 0, a.length, c, 0, c.length, row)
        + WordSequences.distance(c, 0, c.length, b, 0, b.length, row));
  }

  @Test
  void capsTheWordsOfALongText() {
    WordSequences sequences = new WordSequences(TextNormalizer.NONE, 3);
    assertThat(sequences.encode("a b c d e")).hasSize(3);
    assertThat(sequences.encode("é ü ö ä ß")).hasSize(3);
  }
}
