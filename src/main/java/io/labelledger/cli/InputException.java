package io.labelledger.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * The user's input (a file, an argument) cannot be used. {@link LabelLedgerCli} prints the
 * message alone on stderr, without a stack trace, and exits with code 2; so the message must say
 * what is wrong and where (file and line).
 */
public final class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  /** "cannot read answers.csv: no such file", worded for a person rather than a JVM. */
  public static InputException cannot(String verb, String file, IOException cause) {
    String why;
    if (cause instanceof NoSuchFileException) {
      why = "no such file or directory";
    } else if (cause instanceof AccessDeniedException) {
      why = "permission denied";
    } else {
      why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
    return new InputException("cannot " + verb + " " + file + ": " + why);
  }
}
