package io.labelledger.answer.pairwise;

import java.util.Objects;

/**
 * One worker's judgement of a pair of candidates.
 *
 * @param a the first candidate's id
 * @param b the second candidate's id, not {@code a}
 * @param outcome which of them was preferred
 */
public record Comparison(String a, String b, Outcome outcome) {
  public Comparison {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    Objects.requireNonNull(outcome, "outcome");
    if (a.equals(b)) {
      throw new IllegalArgumentException("a comparison needs two candidates, got " + a + " twice");
    }
  }

  /** The same judgement with the candidates named the other way round. */
  public Comparison swapped() {
    return new Comparison(b, a, outcome.swapped());
  }
}
