package io.labelledger.answer.pairwise;

/** Which candidate of a comparison was preferred: its first ({@code A}), its second ({@code B}), or neither. */
public enum Outcome {
  A,
  B,
  TIE;

  /** The same judgement of the pair named the other way round. */
  public Outcome swapped() {
    return switch (this) {
      case A -> B;
      case B -> A;
      case TIE -> TIE;
    };
  }
}
