package io.labelledger.dataset;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.labelledger.answer.ExportColumn;
import io.labelledger.chain.Hex;
import java.util.List;

/**
 * JSON Lines export: one object per item, {@code {"itemId","item","data","label","confidence",
 * <typed columns>,"leaves"}}, built by hand so the payload's JSON text passes through without being
 * parsed and re-printed. The typed columns are the answer type's ({@code "labels":[...]} for tags,
 * {@code "rating":3.6}, {@code "text":"..."}, {@code "choice":"a"}; none for single choice).
 */
public final class ExportJsonl {
  private static final JsonStringEncoder ENCODER = JsonStringEncoder.getInstance();

  private ExportJsonl() {}

  /** Appends the row as one line (ending in LF) to {@code out}. */
  public static void append(StringBuilder out, ExportRow row) {
    out.append("{\"itemId\":").append(row.itemId())
        .append(",\"item\":\"");
    ENCODER.quoteAsString(row.externalId(), out);
    out.append("\",\"data\":").append(row.dataJson())
        .append(",\"label\":\"");
    ENCODER.quoteAsString(row.label(), out);
    out.append("\",\"confidence\":").append(row.confidence());
    row.typed().forEach((name, value) -> {
      out.append(",\"");
      ENCODER.quoteAsString(name, out);
      out.append("\":");
      value(out, value);
    });
    out.append(",\"leaves\":[");
    for (int i = 0; i < row.leaves().size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append('"').append(Hex.encode(row.leaves().get(i))).append('"');
    }
    out.append("]}\n");
  }

  /** A typed column's value: a string, a number or a list of strings. */
  static void value(StringBuilder out, Object value) {
    if (value instanceof ExportColumn.JsonText json) {
      out.append(json.json());
    } else if (value instanceof Number n) {
      out.append(n.doubleValue());
    } else if (value instanceof List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        out.append(i == 0 ? "" : ",");
        value(out, list.get(i));
      }
      out.append(']');
    } else {
      out.append('"');
      ENCODER.quoteAsString(String.valueOf(value), out);
      out.append('"');
    }
  }

  /**
   * A pairwise item in the preference format of TRL's DPO trainer, {@code {"prompt","chosen","rejected"}},
   * with the aggregate's {@code confidence} and the item's ids; nothing for a tie.
   */
  public static void appendPreference(StringBuilder out, ExportRow row, String prompt, String chosen,
      String rejected) {
    out.append("{\"prompt\":\"");
    ENCODER.quoteAsString(prompt, out);
    out.append("\",\"chosen\":\"");
    ENCODER.quoteAsString(chosen, out);
    out.append("\",\"rejected\":\"");
    ENCODER.quoteAsString(rejected, out);
    out.append("\",\"confidence\":").append(row.confidence()).append(",\"item\":\"");
    ENCODER.quoteAsString(row.externalId(), out);
    out.append("\",\"itemId\":").append(row.itemId()).append("}\n");
  }
}
