package io.labelledger.answer.spans;

import java.util.Objects;

/**
 * A labelled span of a text: the code points {@code [start, end)} (Unicode code points, not UTF-16
 * units, so an emoji is one). Ordered as signed answers list them: by start, then end, then label
 * (by UTF-16 code units, as RFC 8785 sorts keys and JavaScript sorts strings).
 */
public record Span(int start, int end, String label) implements Comparable<Span> {
  public Span {
    Objects.requireNonNull(label, "label");
  }

  @Override
  public int compareTo(Span other) {
    int byStart = Integer.compare(start, other.start);
    if (byStart != 0) {
      return byStart;
    }
    int byEnd = Integer.compare(end, other.end);
    return byEnd != 0 ? byEnd : label.compareTo(other.label);
  }

  /** Whether the two spans share a code point. */
  public boolean overlaps(Span other) {
    return start < other.end && other.start < end;
  }
}
