package io.labelledger.demo;

/** A step or figure of the story that did not check out: {@code check} names it, the message says how. */
public final class StoryFailure extends RuntimeException {
  private final String check;

  public StoryFailure(String check, String message) {
    super(check + ": " + message);
    this.check = check;
  }

  /** The name of the failed check or step. */
  public String check() {
    return check;
  }
}
