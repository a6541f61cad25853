package io.labelledger.answer.spans;

import java.util.ArrayList;
import java.util.List;

/**
 * A text as whitespace tokens with BIO tags, the token-classification form (CoNLL, Hugging Face
 * {@code tokens}/{@code ner_tags}) of its spans.
 *
 * <ul>
 *   <li>A token is a maximal run of code points that are not white space (Java's
 *       {@link Character#isWhitespace} or {@link Character#isSpaceChar}, or U+0085): what Python's
 *       {@code str.split()} gives.
 *   <li>A token belongs to a span when they share a code point. The first token of a span is tagged
 *       {@code B-<label>}, the following ones {@code I-<label>}; a token of no span is {@code O}.
 *   <li>Where spans overlap (campaigns that allow it), a token takes the span that starts first, the
 *       longer of two that start together; the other span's tokens outside it keep their own tags.
 * </ul>
 *
 * A span that starts or ends inside a token takes the whole token: character offsets stay exact in
 * the {@code spans} column, the tags are as exact as whitespace tokens can be.
 */
public final class BioTags {
  /** The tag of a token outside every span. */
  public static final String OUTSIDE = "O";

  /** Tokens and their tags, one tag per token. */
  public record Tagged(List<String> tokens, List<String> tags) {}

  private BioTags() {}

  /** The tag names of a campaign's labels, in the order the dataset card lists them. */
  public static List<String> names(List<String> labels) {
    List<String> out = new ArrayList<>(1 + 2 * labels.size());
    out.add(OUTSIDE);
    for (String label : labels) {
      out.add("B-" + label);
      out.add("I-" + label);
    }
    return out;
  }

  /** {@code text}'s whitespace tokens tagged by {@code spans} (code point offsets into the text). */
  public static Tagged of(String text, List<Span> spans) {
    List<Span> byStart = new ArrayList<>(spans);
    byStart.sort((a, b) -> a.start() != b.start() ? Integer.compare(a.start(), b.start())
        : a.end() != b.end() ? Integer.compare(b.end(), a.end()) : a.label().compareTo(b.label()));
    List<String> tokens = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    Span previous = null;
    int index = 0; // UTF-16 index of code point `position`
    int position = 0;
    int length = text.length();
    while (index < length) {
      int cp = text.codePointAt(index);
      if (blank(cp)) {
        index += Character.charCount(cp);
        position++;
        continue;
      }
      int tokenStart = position;
      int from = index;
      while (index < length && !blank(cp = text.codePointAt(index))) {
        index += Character.charCount(cp);
        position++;
      }
      tokens.add(text.substring(from, index));
      Span span = covering(byStart, tokenStart, position);
      tags.add(span == null ? OUTSIDE : (span == previous ? "I-" : "B-") + span.label());
      previous = span;
    }
    return new Tagged(List.copyOf(tokens), List.copyOf(tags));
  }

  /** The first span, by start then length, sharing a code point with {@code [start, end)}. */
  private static Span covering(List<Span> byStart, int start, int end) {
    for (Span s : byStart) {
      if (s.start() >= end) {
        return null;
      }
      if (s.end() > start) {
        return s;
      }
    }
    return null;
  }

  static boolean blank(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
  }
}
