package io.labelledger.http;

import java.util.Map;

/**
 * A failure that becomes a 4xx/5xx JSON reply. Thrown (or failed into a future) anywhere below a
 * route; the router's failure handler renders it. Carries no stack trace: it is an expected
 * outcome, not a bug.
 */
public final class ApiException extends RuntimeException {
  private final ErrorCode code;
  private final Map<String, Object> details;

  public ApiException(ErrorCode code, Object... args) {
    this(code, Map.of(), args);
  }

  public ApiException(ErrorCode code, Map<String, Object> details, Object... args) {
    super(code.message(args), null, false, false);
    this.code = code;
    this.details = Map.copyOf(details);
  }

  public ErrorCode code() {
    return code;
  }

  public Map<String, Object> details() {
    return details;
  }
}
