package io.labelledger.answer;

/**
 * A typed column an answer type adds to a dataset export, beside the columns every export has: the
 * aggregate as ML tools load it (a list of tags, a number, a text, a choice), where the
 * {@code label} column holds it as canonical JSON text.
 */
public record ExportColumn(String name, Kind kind) {
  /** How the column is typed in Parquet and JSON. */
  public enum Kind {
    /** UTF-8 text; a JSON string. */
    STRING,
    /** A 64-bit float; a JSON number. */
    DOUBLE,
    /** A list of UTF-8 texts; a JSON array of strings. */
    STRING_LIST,
    /**
     * A structured value, given as {@link JsonText}: the JSON itself in JSON Lines, its text in a
     * Parquet column of the JSON logical type.
     */
    JSON
  }

  /** The value of a {@link Kind#JSON} column: JSON text, written as it is. */
  public record JsonText(String json) {}
}
