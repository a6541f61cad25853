package io.labelledger.answer.freetext;

/** Word error rate, the usual measure of a transcript against its reference. */
public final class Wer {
  private Wer() {}

  /**
   * The word-level Levenshtein distance from {@code hypothesis} to {@code reference} (substituted,
   * deleted and inserted words, each 1) over the reference's word count, both texts normalised by
   * {@code normalizer} and split into words at white space. 0 is a perfect match; insertions can
   * take it above 1. An empty reference (no words) gives 0 when the hypothesis is empty too, and 1
   * otherwise: every word of the hypothesis is wrong, and the rate stays finite so it can be
   * averaged.
   */
  public static double wordErrorRate(String hypothesis, String reference, TextNormalizer normalizer) {
    WordSequences words = new WordSequences(normalizer, Integer.MAX_VALUE);
    int[] ref = words.encode(reference);
    int[] hyp = words.encode(hypothesis);
    if (ref.length == 0) {
      return hyp.length == 0 ? 0 : 1;
    }
    int distance = WordSequences.distance(hyp, 0, hyp.length, ref, 0, ref.length, new int[ref.length + 1]);
    return (double) distance / ref.length;
  }
}
