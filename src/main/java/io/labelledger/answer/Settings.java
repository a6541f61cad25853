package io.labelledger.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Set;

/** Reading a campaign's {@code settings} object strictly: unknown keys and wrong types are refused by name. */
public final class Settings {
  private final ObjectNode given;
  private final String prefix;

  private Settings(ObjectNode given, String prefix, Set<String> known) {
    this.given = given;
    this.prefix = prefix;
    for (Iterator<String> names = given.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new AnswerType.InvalidSettingsException(prefix + name, "is not a setting of this task type (known: "
            + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  /** Reads {@code given}, which may name only {@code known} keys. */
  public static Settings of(ObjectNode given, Set<String> known) {
    return new Settings(given == null ? JsonNodeFactory.instance.objectNode() : given, "", known);
  }

  /** The nested object {@code name} (empty when absent), which may name only {@code known} keys. */
  public Settings object(String name, Set<String> known) {
    JsonNode node = given.get(name);
    if (node == null || node.isNull()) {
      return new Settings(JsonNodeFactory.instance.objectNode(), prefix + name + ".", known);
    }
    if (!node.isObject()) {
      throw new AnswerType.InvalidSettingsException(prefix + name, "must be an object");
    }
    return new Settings((ObjectNode) node, prefix + name + ".", known);
  }

  public int integer(String name, int fallback, int min, int max) {
    JsonNode node = given.get(name);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
      throw new AnswerType.InvalidSettingsException(prefix + name, "must be an integer from " + min + " to " + max);
    }
    return node.intValue();
  }

  public double number(String name, double fallback, double min, double max) {
    JsonNode node = given.get(name);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isNumber() || node.doubleValue() < min || node.doubleValue() > max) {
      throw new AnswerType.InvalidSettingsException(prefix + name, "must be a number from " + min + " to " + max);
    }
    return node.doubleValue();
  }

  public boolean bool(String name, boolean fallback) {
    JsonNode node = given.get(name);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw new AnswerType.InvalidSettingsException(prefix + name, "must be true or false");
    }
    return node.booleanValue();
  }

  public String text(String name, String fallback, int maxLength) {
    JsonNode node = given.get(name);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isTextual() || node.textValue().length() > maxLength) {
      throw new AnswerType.InvalidSettingsException(prefix + name, "must be a string of at most " + maxLength
          + " characters");
    }
    return node.textValue();
  }

  /** Refuses the setting {@code name} with {@code problem}. */
  public AnswerType.InvalidSettingsException invalid(String name, String problem) {
    return new AnswerType.InvalidSettingsException(prefix + name, problem);
  }
}
