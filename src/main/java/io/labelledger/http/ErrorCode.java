package io.labelledger.http;

/**
 * Every error the HTTP API can return: a stable code clients may switch on, the HTTP status, and
 * a message template ({@link String#format} arguments) that names the problem. Rendered by
 * {@link ErrorResponder} as {@code {"error":{"code","message","details"?}}}.
 */
public enum ErrorCode {
  // request shape
  ROUTE_NOT_FOUND(404, "no route for %s %s"),
  METHOD_NOT_ALLOWED(405, "%s is not allowed on %s"),
  BODY_TOO_LARGE(413, "request body is larger than the limit of %s bytes"),
  UNSUPPORTED_MEDIA_TYPE(415, "Content-Type must be %s"),
  BODY_REQUIRED(400, "a JSON object body is required"),
  MALFORMED_JSON(400, "request body is not valid JSON: %s"),
  UNKNOWN_FIELD(400, "unknown field '%s'"),
  MISSING_FIELD(400, "missing required field(s): %s"),
  WRONG_TYPE(400, "field '%s' must be %s"),
  VALIDATION_FAILED(400, "invalid request: %s"),
  INVALID_PARAMETER(400, "parameter '%s' %s"),
  BAD_REQUEST(400, "bad request: %s"),
  RATE_LIMITED(429, "too many requests; retry after %s s"),
  INTERNAL_ERROR(500, "unexpected server error; quote correlation id %s"),

  // authentication
  AUTH_REQUIRED(401, "this endpoint needs 'Authorization: Bearer <session token>' (sign in with POST /api/auth/siwe)"),
  SESSION_INVALID(401, "the session token is unknown or was logged out"),
  SESSION_EXPIRED(401, "the session expired at %s; sign in again"),
  OPERATOR_AUTH_REQUIRED(401, "this endpoint needs 'Authorization: Bearer <operator token>'"),
  OPERATOR_TOKEN_INVALID(403, "the operator token is not valid"),
  SIWE_MESSAGE_INVALID(400, "not a valid EIP-4361 message: %s"),
  SIWE_DOMAIN_MISMATCH(401, "the message is for domain '%s'; this service is '%s'"),
  SIWE_CHAIN_MISMATCH(401, "the message is for chain id %s; this service is on chain id %s"),
  SIWE_ISSUED_IN_FUTURE(401, "the message was issued at %s, which is in the future"),
  SIWE_EXPIRED(401, "the message expired at %s"),
  SIWE_NOT_YET_VALID(401, "the message is not valid before %s"),
  NONCE_UNKNOWN_OR_USED(401, "nonce '%s' was not issued by this service, was already used, or expired"),
  SIGNATURE_INVALID(400, "signature must be 65 bytes as 0x-hex (r, s, v): %s"),
  SIGNATURE_MISMATCH(401, "the signature does not recover to %s"),

  // terms and campaigns
  TERMS_NOT_FOUND(404, "no terms with hash %s"),
  TERMS_UNKNOWN(422, "terms %s are not published; publish them with POST /api/terms first"),
  CAMPAIGN_NOT_FOUND(404, "no campaign with id %s"),
  UNSUPPORTED_TASK_TYPE(400, "task type '%s' is not supported; supported: %s"),
  ITEM_LINE_MALFORMED(400, "upload rejected, nothing stored: line %s is not a JSON object: %s");

  private final int status;
  private final String template;

  ErrorCode(int status, String template) {
    this.status = status;
    this.template = template;
  }

  public int status() {
    return status;
  }

  public String message(Object... args) {
    return args.length == 0 ? template : String.format(template, args);
  }
}
