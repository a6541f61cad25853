package io.labelledger.campaign;

/**
 * When peer validation has decided an upload (Common Voice's rule, with a configurable number of agreeing
 * votes): one label has at least {@code agreeing} votes and more votes than the other. It depends only on
 * the votes counted, never on their order, so a version built from the votes stored when its build
 * started always decides the same way. The database applies the same rule as votes arrive (V19), for the
 * uploads' statuses.
 */
public final class ValidationRule {
  /** What the votes say about an upload. */
  public enum Decision { VALID, INVALID, UNDECIDED }

  private ValidationRule() {}

  public static Decision decide(long validVotes, long invalidVotes, int agreeing) {
    if (validVotes < 0 || invalidVotes < 0 || agreeing < 1) {
      throw new IllegalArgumentException(validVotes + " valid, " + invalidVotes + " invalid, agreeing " + agreeing);
    }
    if (validVotes >= agreeing && validVotes > invalidVotes) {
      return Decision.VALID;
    }
    if (invalidVotes >= agreeing && invalidVotes > validVotes) {
      return Decision.INVALID;
    }
    return Decision.UNDECIDED;
  }
}
