package io.labelledger.http;

import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Path and query parameters as the API reads them: a malformed or out-of-range value is a 400
 * {@code INVALID_PARAMETER} naming the parameter, never a 500 from a parse.
 */
public final class Params {
  private static final String POSITIVE = "[1-9][0-9]{0,17}";
  private static final String NATURAL = "[0-9]{1,18}";

  private Params() {}

  /** A positive integer path parameter, e.g. the {@code :id} of {@code /api/campaigns/:id}. */
  public static long pathId(RoutingContext ctx, String name) {
    String raw = ctx.pathParam(name);
    if (raw == null || !raw.matches(POSITIVE)) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, name, "must be a positive integer");
    }
    return Long.parseLong(raw);
  }

  /** An optional integer query parameter in {@code [min, max]}; {@code fallback} when absent. */
  public static long query(RoutingContext ctx, String name, long fallback, long min, long max) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return fallback;
    }
    String raw = values.get(0);
    if (!raw.matches(NATURAL) || Long.parseLong(raw) < min || Long.parseLong(raw) > max) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, name, "must be an integer from " + min + " to " + max);
    }
    return Long.parseLong(raw);
  }
}
