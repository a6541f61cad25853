package io.labelledger.cli;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A header line and rows of comma-separated UTF-8 text. A field may be enclosed in double quotes,
 * inside which a comma is literal and {@code ""} is one quote; a quoted field cannot span lines.
 * Fields are not trimmed. Empty lines are skipped; a byte-order mark before the header is
 * ignored. Every failure is an {@link InputException} naming the file and the line.
 */
public final class CsvReader implements Closeable {
  private final BufferedReader in;
  private final String name;
  private final List<String> header;
  private int line;

  /** Opens {@code path} and reads its header; the reader's name in messages is the path. */
  public static CsvReader open(Path path) {
    BufferedReader in;
    try {
      in = Files.newBufferedReader(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw InputException.cannot("read", path.toString(), e);
    }
    try {
      return new CsvReader(in, path.toString());
    } catch (RuntimeException e) {
      closeQuietly(in);
      throw e;
    }
  }

  /** Reads the header from {@code in}; {@code name} identifies the input in messages. */
  public CsvReader(Reader in, String name) {
    this.in = in instanceof BufferedReader b ? b : new BufferedReader(in);
    this.name = name;
    String first = nextLine();
    if (first == null) {
      throw new InputException(name + " is empty: expected a header line");
    }
    if (first.startsWith("\uFEFF")) {
      first = first.substring(1);
    }
    this.header = List.copyOf(split(first));
  }

  public List<String> header() {
    return header;
  }

  /** The line number (from 1) of the row last returned, or of the header. */
  public int line() {
    return line;
  }

  /** The index of the first header column named one of {@code names} (any case), or -1. */
  public int column(String... names) {
    for (String candidate : names) {
      for (int i = 0; i < header.size(); i++) {
        if (header.get(i).trim().toLowerCase(Locale.ROOT).equals(candidate)) {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * The index of the first header column named one of {@code names}.
   *
   * @throws InputException naming the file and the columns it does have, when there is none
   */
  public int requireColumn(String... names) {
    int index = column(names);
    if (index < 0) {
      throw new InputException(name + ": header has no '" + String.join("' or '", names)
          + "' column; found " + String.join(",", header));
    }
    return index;
  }

  /**
   * {@code row[column]}, which must not be empty.
   *
   * @throws InputException naming the line and the column, when it is empty
   */
  public String nonEmpty(String[] row, int column) {
    if (row[column].isEmpty()) {
      throw error("empty " + header.get(column).trim());
    }
    return row[column];
  }

  /**
   * The next row, with exactly as many fields as the header, or null at the end.
   *
   * @throws InputException when the row has another number of fields or a broken quote
   */
  public String[] next() {
    String text = nextLine();
    if (text == null) {
      return null;
    }
    List<String> fields = split(text);
    if (fields.size() != header.size()) {
      throw new InputException(String.format(Locale.ROOT,
          "%s line %d: expected %d columns (%s) but found %d", name, line, header.size(),
          String.join(",", header), fields.size()));
    }
    return fields.toArray(String[]::new);
  }

  /** {@code name} line {@code line()}: {@code problem}, for errors found by the caller. */
  public InputException error(String problem) {
    return new InputException(name + " line " + line + ": " + problem);
  }

  @Override
  public void close() {
    closeQuietly(in);
  }

  private String nextLine() {
    try {
      String text;
      do {
        text = in.readLine();
        line++;
      } while (text != null && text.isEmpty());
      return text;
    } catch (CharacterCodingException e) {
      throw new InputException(name + " line " + line + ": not UTF-8 text");
    } catch (IOException e) {
      throw InputException.cannot("read", name, e);
    }
  }

  private List<String> split(String text) {
    List<String> fields = new ArrayList<>();
    if (text.indexOf('"') < 0) {
      int from = 0;
      for (int comma = text.indexOf(','); comma >= 0; comma = text.indexOf(',', from)) {
        fields.add(text.substring(from, comma));
        from = comma + 1;
      }
      fields.add(text.substring(from));
      return fields;
    }
    StringBuilder field = new StringBuilder();
    int i = 0;
    while (true) {
      if (i < text.length() && text.charAt(i) == '"') {
        i++;
        while (true) {
          int quote = text.indexOf('"', i);
          if (quote < 0) {
            throw error("unterminated quoted field (a quoted field cannot span lines)");
          }
          field.append(text, i, quote);
          i = quote + 1;
          if (i < text.length() && text.charAt(i) == '"') {
            field.append('"');
            i++;
          } else {
            break;
          }
        }
        if (i < text.length() && text.charAt(i) != ',') {
          throw error("unexpected text after a closing quote in column " + (fields.size() + 1));
        }
      } else {
        int comma = text.indexOf(',', i);
        int end = comma < 0 ? text.length() : comma;
        field.append(text, i, end);
        i = end;
      }
      fields.add(field.toString());
      field.setLength(0);
      if (i >= text.length()) {
        return fields;
      }
      i++; // the comma
      if (i == text.length()) {
        fields.add("");
        return fields;
      }
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing was written; a failing close of a reader loses nothing
    }
  }
}
