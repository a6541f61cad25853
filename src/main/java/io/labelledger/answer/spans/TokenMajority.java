package io.labelledger.answer.spans;

import io.labelledger.answer.TypedAnswers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The naive baseline for spans: a plain majority vote per token over BIO tags, as NER crowds are
 * often aggregated. Tokens are a text's whitespace-separated words (without the text, each code
 * point is a token). Each answer tags a token {@code B-L} when the token is the first one a span of
 * label {@code L} overlaps, {@code I-L} when it is a later one, {@code O} when no span overlaps it (the
 * first span wins where spans overlap). Each token takes the tag most answers gave it (a tie goes to
 * {@code O} when {@code O} is among the tied, else to the first tag given); the spans are decoded
 * from the tags ({@code B-L} opens one, {@code I-L} continues an open span of {@code L} or opens one)
 * and run from their first token's start to their last token's end. Every worker counts the same.
 * The confidence of a span is the smallest share of answers that gave its tokens their tags. Gold
 * tasks keep their gold.
 */
public final class TokenMajority {
  private TokenMajority() {}

  /**
   * @param texts the text of each task by task index, or null to use code points as tokens
   */
  public static List<List<ScoredSpan>> aggregate(TypedAnswers<List<Span>, List<ScoredSpan>> answers,
      List<String> texts) {
    List<List<ScoredSpan>> out = new ArrayList<>(answers.taskCount());
    for (int t = 0; t < answers.taskCount(); t++) {
      List<ScoredSpan> gold = answers.gold(t);
      if (gold != null) {
        out.add(gold);
        continue;
      }
      List<List<Span>> given = new ArrayList<>();
      for (int i = answers.answerStart(t); i < answers.answerEnd(t); i++) {
        given.add(answers.value(i));
      }
      out.add(task(given, texts == null ? null : texts.get(t)));
    }
    return out;
  }

  /** One task's spans by per-token majority. */
  public static List<ScoredSpan> task(List<List<Span>> given, String text) {
    int[][] tokens = text == null ? codePoints(given) : words(text);
    int[] starts = tokens[0];
    int[] ends = tokens[1];
    int n = starts.length;
    // a tag is 0 for O, else 1 + 2 * labelIndex for B and 2 + 2 * labelIndex for I
    List<String> labels = new ArrayList<>();
    int[][] tags = new int[given.size()][];
    for (int a = 0; a < given.size(); a++) {
      tags[a] = tag(given.get(a), starts, ends, labels);
    }
    int[] winner = new int[n];
    double[] share = new double[n];
    int[] counts = new int[1 + 2 * labels.size()];
    for (int k = 0; k < n; k++) {
      Arrays.fill(counts, 0);
      for (int[] answerTags : tags) {
        counts[answerTags[k]]++;
      }
      int best = 0;
      for (int[] answerTags : tags) { // ties: O first, else the first tag given
        int tag = answerTags[k];
        if (counts[tag] > counts[best]) {
          best = tag;
        }
      }
      winner[k] = best;
      share[k] = (double) counts[best] / given.size();
    }
    List<ScoredSpan> out = new ArrayList<>();
    int open = -1;
    int openLabel = -1;
    double least = 1;
    for (int k = 0; k <= n; k++) {
      int tag = k < n ? winner[k] : 0;
      boolean continues = tag != 0 && tag % 2 == 0 && open >= 0 && (tag - 2) / 2 == openLabel;
      if (open >= 0 && !continues) {
        out.add(new ScoredSpan(new Span(starts[open], ends[k - 1], labels.get(openLabel)), least));
        open = -1;
      }
      if (tag != 0 && !continues) {
        open = k;
        openLabel = (tag - 1) / 2;
        least = 1;
      }
      if (open >= 0) {
        least = Math.min(least, share[k]);
      }
    }
    return out;
  }

  private static int[] tag(List<Span> spans, int[] starts, int[] ends, List<String> labels) {
    int[] tags = new int[starts.length];
    for (Span s : spans) {
      int label = labels.indexOf(s.label());
      if (label < 0) {
        label = labels.size();
        labels.add(s.label());
      }
      boolean first = true;
      for (int k = 0; k < starts.length; k++) {
        if (starts[k] < s.end() && s.start() < ends[k]) {
          if (tags[k] == 0) {
            tags[k] = first ? 1 + 2 * label : 2 + 2 * label;
          }
          first = false;
        }
      }
    }
    return tags;
  }

  /** The whitespace-separated words of a text as code point ranges {starts, ends}. */
  static int[][] words(String text) {
    List<int[]> out = new ArrayList<>();
    int position = 0;
    int start = -1;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      boolean space = Character.isWhitespace(cp);
      if (!space && start < 0) {
        start = position;
      } else if (space && start >= 0) {
        out.add(new int[] {start, position});
        start = -1;
      }
      i += Character.charCount(cp);
      position++;
    }
    if (start >= 0) {
      out.add(new int[] {start, position});
    }
    return ranges(out);
  }

  /** Every code point up to the furthest span end as a token. */
  private static int[][] codePoints(List<List<Span>> given) {
    int end = 0;
    for (List<Span> spans : given) {
      for (Span s : spans) {
        end = Math.max(end, s.end());
      }
    }
    List<int[]> out = new ArrayList<>(end);
    for (int i = 0; i < end; i++) {
      out.add(new int[] {i, i + 1});
    }
    return ranges(out);
  }

  private static int[][] ranges(List<int[]> tokens) {
    int[] starts = new int[tokens.size()];
    int[] ends = new int[tokens.size()];
    for (int k = 0; k < starts.length; k++) {
      starts[k] = tokens.get(k)[0];
      ends[k] = tokens.get(k)[1];
    }
    return new int[][] {starts, ends};
  }
}
