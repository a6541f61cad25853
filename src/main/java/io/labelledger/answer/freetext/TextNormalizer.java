package io.labelledger.answer.freetext;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How free-text answers are made comparable before they are compared word by word. Each switch is
 * independent; applied in this order:
 *
 * <ol>
 *   <li>{@code stripPunctuation}: deletes every code point of a Unicode punctuation category (Pc, Pd,
 *       Ps, Pe, Pi, Pf, Po), so {@code "don't"} becomes {@code "dont"} and {@code "«oui»"} {@code "oui"};
 *       symbols (Sm, Sc, Sk, So: {@code + $ ^ ©}) stay.
 *   <li>{@code lowerCase}: Unicode lower-casing, locale-independent ({@link Locale#ROOT}).
 *   <li>{@code collapseWhitespace}: every run of Unicode white space (what {@link
 *       Character#isWhitespace} or {@link Character#isSpaceChar} accepts, so no-break spaces too)
 *       becomes one ASCII space, and leading and trailing white space goes.
 * </ol>
 *
 * <p>Words are always the white-space-separated runs of the normalised text ({@link #words}), so
 * collapsing white space changes the normalised string but never the words. Immutable and
 * thread-safe.
 */
public record TextNormalizer(boolean lowerCase, boolean collapseWhitespace, boolean stripPunctuation) {
  /** Leaves texts as they are. */
  public static final TextNormalizer NONE = new TextNormalizer(false, false, false);

  /** The normalised form of {@code text}, see the class comment. */
  public String normalize(String text) {
    String out = text;
    if (stripPunctuation) {
      out = stripPunctuation(out);
    }
    if (lowerCase) {
      out = out.toLowerCase(Locale.ROOT);
    }
    if (collapseWhitespace) {
      out = collapseWhitespace(out);
    }
    return out;
  }

  /** The words of the normalised text: its maximal runs of non-white-space code points, in order. */
  public List<String> words(String text) {
    String normalized = normalize(text);
    List<String> words = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < normalized.length(); ) {
      int cp = normalized.codePointAt(i);
      if (isSpace(cp)) {
        if (start >= 0) {
          words.add(normalized.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
      i += Character.charCount(cp);
    }
    if (start >= 0) {
      words.add(normalized.substring(start));
    }
    return words;
  }

  static boolean isSpace(int codePoint) {
    return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint);
  }

  static boolean isPunctuation(int codePoint) {
    switch (Character.getType(codePoint)) {
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
        return true;
      default:
        return false;
    }
  }

  private static String stripPunctuation(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (isPunctuation(cp)) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
      } else if (out != null) {
        out.appendCodePoint(cp);
      }
      i = next;
    }
    return out == null ? text : out.toString();
  }

  private static String collapseWhitespace(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean pendingSpace = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (isSpace(cp)) {
        pendingSpace = out.length() > 0;
      } else {
        if (pendingSpace) {
          out.append(' ');
          pendingSpace = false;
        }
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }
}
