package io.labelledger.answer.freetext;

import java.util.Arrays;
import java.util.List;

/**
 * Texts as sequences of word ids, for edit distances over ints instead of strings: each distinct
 * normalised word gets the next int the first time it is seen. Ids only ever meet ids of the same
 * instance. Not thread-safe: one instance per computation.
 *
 * <p>ASCII texts, the common case, are normalised, split and interned in one pass over their chars
 * without building a string per word; a text with any other char goes through {@link
 * TextNormalizer#words}, whose result the fast path reproduces exactly for ASCII.
 */
final class WordSequences {
  private static final boolean[] ASCII_SPACE = new boolean[128];
  private static final boolean[] ASCII_PUNCTUATION = new boolean[128];

  static {
    for (int c = 0; c < 128; c++) {
      ASCII_SPACE[c] = TextNormalizer.isSpace(c);
      ASCII_PUNCTUATION[c] = TextNormalizer.isPunctuation(c);
    }
  }

  private final TextNormalizer normalizer;
  private final int maxWords;
  // interned words: word k is pool[wordStart[k] .. wordStart[k + 1]); slots hold word id + 1, 0 = free
  private char[] pool = new char[1024];
  private int[] wordStart = new int[65];
  private int words;
  private int[] slots = new int[128];
  private char[] current = new char[64];
  private int[] scratch = new int[64];

  /**
   * @param maxWords words of a text beyond this many are left out, which bounds the edit distance of
   *     two texts to {@code maxWords²} steps
   */
  WordSequences(TextNormalizer normalizer, int maxWords) {
    this.normalizer = normalizer;
    this.maxWords = maxWords;
  }

  /** How many distinct words have been seen. */
  int distinctWords() {
    return words;
  }

  /** The word ids of {@code text}, at most {@code maxWords} of them. */
  int[] encode(String text) {
    int count = encodeInto(text);
    return Arrays.copyOf(scratch, count);
  }

  /**
   * Encodes {@code text} into an internal buffer and returns its word count; the ids are then
   * {@link #encoded()}{@code [0 .. count)}, valid until the next call.
   */
  int encodeInto(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 128) {
        return encodeWords(normalizer.words(text));
      }
    }
    boolean lower = normalizer.lowerCase();
    boolean strip = normalizer.stripPunctuation();
    int count = 0;
    int length = 0;
    for (int i = 0; i <= text.length() && count < maxWords; i++) {
      char c = i < text.length() ? text.charAt(i) : ' ';
      if (ASCII_SPACE[c]) {
        if (length > 0) {
          count = append(count, intern(current, length));
          length = 0;
        }
      } else if (!(strip && ASCII_PUNCTUATION[c])) {
        if (length == current.length) {
          current = Arrays.copyOf(current, length * 2);
        }
        current[length++] = lower && c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
      }
    }
    return count;
  }

  int[] encoded() {
    return scratch;
  }

  private int encodeWords(List<String> split) {
    int count = 0;
    for (String word : split) {
      if (count == maxWords) {
        break;
      }
      char[] chars = word.toCharArray();
      count = append(count, intern(chars, chars.length));
    }
    return count;
  }

  private int append(int count, int id) {
    if (count == scratch.length) {
      scratch = Arrays.copyOf(scratch, count * 2);
    }
    scratch[count] = id;
    return count + 1;
  }

  private int intern(char[] chars, int length) {
    int hash = 0;
    for (int i = 0; i < length; i++) {
      hash = 31 * hash + chars[i];
    }
    hash ^= hash >>> 16;
    int mask = slots.length - 1;
    for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
      int entry = slots[slot];
      if (entry == 0) {
        int id = add(chars, length);
        slots[slot] = id + 1;
        if (words * 2 > slots.length) {
          rehash();
        }
        return id;
      }
      int id = entry - 1;
      int from = wordStart[id];
      if (wordStart[id + 1] - from == length && Arrays.equals(pool, from, from + length, chars, 0, length)) {
        return id;
      }
    }
  }

  private int add(char[] chars, int length) {
    int from = wordStart[words];
    while (from + length > pool.length) {
      pool = Arrays.copyOf(pool, pool.length * 2);
    }
    System.arraycopy(chars, 0, pool, from, length);
    if (words + 2 > wordStart.length) {
      wordStart = Arrays.copyOf(wordStart, wordStart.length * 2);
    }
    wordStart[words + 1] = from + length;
    return words++;
  }

  private void rehash() {
    int[] grown = new int[slots.length * 2];
    int mask = grown.length - 1;
    for (int id = 0; id < words; id++) {
      int hash = 0;
      for (int i = wordStart[id]; i < wordStart[id + 1]; i++) {
        hash = 31 * hash + pool[i];
      }
      hash ^= hash >>> 16;
      int slot = hash & mask;
      while (grown[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      grown[slot] = id + 1;
    }
    slots = grown;
  }

  /**
   * Levenshtein distance over words (substitution, insertion and deletion cost 1 each) between
   * {@code a[aFrom, aFrom + aLength)} and {@code b[bFrom, bFrom + bLength)}.
   *
   * @param row scratch of at least {@code bLength + 1} ints, overwritten
   */
  static int distance(int[] a, int aFrom, int aLength, int[] b, int bFrom, int bLength, int[] row) {
    if (aLength == 0 || bLength == 0) {
      return aLength + bLength;
    }
    for (int j = 0; j <= bLength; j++) {
      row[j] = j;
    }
    for (int i = 1; i <= aLength; i++) {
      int word = a[aFrom + i - 1];
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= bLength; j++) {
        int above = row[j];
        int substitution = diagonal + (word == b[bFrom + j - 1] ? 0 : 1);
        row[j] = Math.min(substitution, Math.min(above, row[j - 1]) + 1);
        diagonal = above;
      }
    }
    return row[bLength];
  }

  /**
   * Word edit distance over the longer text's word count: 0 for the same words, 1 when nothing
   * aligns, symmetric; 0 for two empty texts.
   */
  static double normalizedDistance(int[] a, int aFrom, int aLength, int[] b, int bFrom, int bLength,
      int[] row) {
    int longer = Math.max(aLength, bLength);
    if (longer == 0) {
      return 0;
    }
    if (aLength == bLength && Arrays.equals(a, aFrom, aFrom + aLength, b, bFrom, bFrom + bLength)) {
      return 0;
    }
    return (double) distance(a, aFrom, aLength, b, bFrom, bLength, row) / longer;
  }
}
