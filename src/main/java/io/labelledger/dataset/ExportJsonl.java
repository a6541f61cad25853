package io.labelledger.dataset;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.labelledger.chain.Hex;

/**
 * JSON Lines export: one object per item, {@code {"itemId","item","data","label","confidence","leaves"}},
 * built by hand so the payload's JSON text passes through without being parsed and re-printed.
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
    out.append("\",\"confidence\":").append(row.confidence())
        .append(",\"leaves\":[");
    for (int i = 0; i < row.leaves().size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append('"').append(Hex.encode(row.leaves().get(i))).append('"');
    }
    out.append("]}\n");
  }
}
