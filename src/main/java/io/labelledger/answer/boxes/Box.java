package io.labelledger.answer.boxes;

import java.util.Objects;

/**
 * A labelled box on an image, in whole pixels: its top-left corner {@code (x, y)} (from the image's
 * top-left, x to the right, y down), its width {@code w} and height {@code h}; it covers
 * {@code [x, x + w) × [y, y + h)}. Ordered as signed answers list them: by x, y, w, h, then label
 * (by UTF-16 code units, as RFC 8785 sorts keys).
 */
public record Box(int x, int y, int w, int h, String label) implements Comparable<Box> {
  public Box {
    Objects.requireNonNull(label, "label");
  }

  @Override
  public int compareTo(Box other) {
    int c = Integer.compare(x, other.x);
    if (c == 0) {
      c = Integer.compare(y, other.y);
    }
    if (c == 0) {
      c = Integer.compare(w, other.w);
    }
    if (c == 0) {
      c = Integer.compare(h, other.h);
    }
    return c != 0 ? c : label.compareTo(other.label);
  }
}
