package io.labelledger.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.web3j.crypto.Credentials;

/**
 * A wallet key for command-line tools, read from a file or an environment variable, never from a
 * command-line argument (which would land in the shell history and in {@code ps}). Messages about
 * a bad key name where it came from, never any part of it.
 */
final class BuyerKey {
  private BuyerKey() {}

  /** The key in {@code file} if given, else in the variable {@code variable} of {@code env}. */
  static Credentials load(Path file, Map<String, String> env, String variable) {
    String text;
    String source;
    if (file != null) {
      source = "key file " + file;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new InputException("cannot read the " + source + ": " + e.getClass().getSimpleName());
      }
    } else {
      source = "$" + variable;
      text = env.get(variable);
      if (text == null || text.isBlank()) {
        throw new InputException("no key: set " + variable + " or give --key-file FILE");
      }
    }
    String hex = text.strip();
    if (hex.startsWith("0x") || hex.startsWith("0X")) {
      hex = hex.substring(2);
    }
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new InputException("the " + source + " does not hold a private key (64 hex digits, optionally 0x-prefixed)");
    }
    return Credentials.create(hex);
  }
}
