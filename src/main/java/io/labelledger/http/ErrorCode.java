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
  SERVICE_BUSY(503, "the service is at capacity (%s); retry after %s s"),
  INTERNAL_ERROR(500, "unexpected server error; quote correlation id %s"),

  // authentication
  AUTH_REQUIRED(401, "this endpoint needs 'Authorization: Bearer <session token>' (sign in with POST /api/auth/siwe)"),
  SESSION_INVALID(401, "the session token is unknown or was logged out"),
  SESSION_EXPIRED(401, "the session expired at %s; sign in again"),
  OPERATOR_AUTH_REQUIRED(401, "this endpoint needs 'Authorization: Bearer <operator token>'"),
  OPERATOR_TOKEN_INVALID(403, "the operator token is not valid"),
  NOT_AN_OPERATOR(403, "account %s is signed in but is not one of this marketplace's operators (auth.operators)"),
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
  ITEM_NOT_FOUND(404, "campaign %s has no item %s"),
  UNSUPPORTED_TASK_TYPE(400, "task type '%s' is not supported; supported: %s"),
  CAMPAIGN_LABELS_INVALID(400, "a %s campaign %s"),
  CAMPAIGN_SETTINGS_INVALID(400, "settings.%s %s"),
  ITEM_LINE_MALFORMED(400, "upload rejected, nothing stored: line %s is not a JSON object: %s"),

  // signed typed data (consents, revocations, contributions)
  CHAIN_UNAVAILABLE(503, "the chain is not available: %s"),
  TYPED_DATA_MISMATCH(400, "the typed data is not one this service accepts: %s"),
  DOMAIN_MISMATCH(400, "the typed data is for domain '%s'; this service expects '%s'"),
  CHAIN_ID_MISMATCH(400, "the typed data is for chain id %s; this service is on chain id %s"),
  VERIFYING_CONTRACT_MISMATCH(400, "the typed data names verifying contract %s; this service's %s is %s"),
  CONTRIBUTOR_NOT_SIGNED_IN(403, "the message is for contributor %s but you are signed in as %s"),
  SIGNER_MISMATCH(422, "the signature recovers to %s, not to the contributor %s"),

  // consent
  CONSENT_EXPIRY_INVALID(422, "expiresAt %s is not in the future (server time %s)"),
  DEADLINE_EXPIRED(422, "the deadline %s has passed (server time %s)"),
  CONSENT_NONCE_MISMATCH(409, "nonce %s is not the current on-chain nonce %s of this contributor for these terms"),
  CONSENT_NONCE_PENDING(409, "nonce %s of this contributor for these terms is already used by request %s, still waiting to be relayed"),
  CONSENT_REQUIRED(403, "%s has no valid consent to the terms %s of campaign %s; grant it with POST /api/consents"),

  // tasks and contributions
  NO_TASK_AVAILABLE(404, "no task is available for you in campaign %s right now"),
  TERMS_MISMATCH(422, "the message names terms %s but campaign %s uses terms %s"),
  ITEM_NOT_ASSIGNED(409, "item %s of campaign %s is not leased to you; ask POST /api/campaigns/%s/tasks/next"),
  LEASE_EXPIRED(409, "your lease on item %s expired at %s"),
  ANSWER_NOT_IN_LABEL_SET(422, "answer '%s' is not one of the campaign's labels %s"),
  ANSWER_MALFORMED(422, "the answer is not a valid %s answer: %s"),
  ANSWER_NOT_CANONICAL(422, "the answer is not in canonical form (RFC 8785) for a %s answer; sign exactly %s"),
  PICKS_OUT_OF_RANGE(422, "%s labels picked; this campaign takes from %s to %s"),
  RATING_OUT_OF_RANGE(422, "rating %s is outside the campaign's scale %s..%s"),
  TEXT_EMPTY(422, "the text is empty"),
  TEXT_TOO_LONG(422, "the text has %s characters; the campaign's limit is %s"),
  TIE_NOT_ALLOWED(422, "this campaign does not allow a tie; choose a or b"),
  ANNOTATIONS_TOO_MANY(422, "the answer has %s %s; this campaign takes at most %s"),
  SPAN_OUT_OF_TEXT(422, "span %s..%s is outside the text: %s"),
  SPAN_WIDTH_INVALID(422, "span %s..%s is empty or reversed: its end must be above its start"),
  SPANS_OVERLAP(422, "spans %s..%s and %s..%s overlap, and this campaign does not allow overlapping spans"),
  BOX_OUTSIDE_IMAGE(422, "box x=%s y=%s w=%s h=%s is not inside the image: %s"),
  BOX_SIZE_INVALID(422, "box w=%s h=%s has no area: its width and height must be positive"),
  BOX_TOO_SMALL(422, "box w=%s h=%s is smaller than this campaign's minimum of %s pixels a side"),
  // contributed files (upload campaigns)
  NOT_AN_UPLOAD_CAMPAIGN(409, "campaign %s is a %s campaign; files are uploaded to upload campaigns only"),
  FILE_TOO_LARGE(413, "the file is larger than this campaign's limit of %s bytes"),
  FILE_EMPTY(400, "the upload is empty: send the file's bytes as the request body"),
  FILE_TRUNCATED(400, "the upload is truncated: %s"),
  FILE_UNREADABLE(422, "the file is not a readable %s: %s"),
  MEDIA_TYPE_REQUIRED(415, "say what the file is with Content-Type, one of %s"),
  MEDIA_TYPE_NOT_ALLOWED(415, "media type '%s' is not accepted by this campaign; it accepts %s"),
  MEDIA_TYPE_MISMATCH(422, "the bytes are %s, not the %s the request claims"),
  FILE_NAME_INVALID(400, "file name %s is refused: %s"),
  AUDIO_DURATION_OUT_OF_RANGE(422, "the recording lasts %s s; this campaign takes %s to %s s"),
  UPLOAD_RATE_LIMITED(429, "%s files uploaded in the last hour, the limit per account; retry after %s s"),
  UPLOADS_IN_PROGRESS(429, "%s uploads of yours are already in progress, the most at once; send this one when one of them has finished"),
  UPLOAD_STALLED(408, "no byte of the upload arrived for %s s; send it again"),
  FILE_NOT_STORED(422, "file %s is not stored: upload it with POST /api/campaigns/%s/uploads before signing"),
  FILE_NOT_UPLOADED_HERE(422, "file %s was not uploaded by you for item %s of campaign %s"),
  FILE_MISMATCH(422, "file %s was uploaded as %s bytes of %s, but the answer says %s bytes of %s"),
  FILE_UPLOAD_EXPIRED(409, "the upload of file %s expired at %s unsigned; upload it again"),
  ITEM_HAS_NO_FILE(404, "item %s of campaign %s is not the validation of a contributed file"),
  FILE_NOT_YOURS(403, "item %s of campaign %s is not leased to you %s: only its validators (and operators) may fetch its file"),
  FILE_ERASED(410, "file %s was erased: its contributor withdrew consent"),
  FILE_MISSING(404, "file %s is no longer stored"),
  ALREADY_ANSWERED(409, "you already answered item %s of campaign %s (contribution %s)"),
  SUBMITTED_AT_OUT_OF_RANGE(422, "submittedAt %s is more than %s s away from the server time %s"),

  // datasets, licences, earnings
  DATASET_NOT_FOUND(404, "no dataset with id %s"),
  DATASET_EMPTY(422, "campaign %s has no item at or above confidence %s with accepted, consented, anchored work"),
  DATASET_NOT_LISTED(409, "dataset %s is not listed on-chain (status %s)"),
  DATASET_ALREADY_LISTED(409, "dataset %s is already %s"),
  LICENCE_REQUIRED(403, "%s holds no on-chain licence for dataset %s (DataMarketplace id %s); see GET /api/datasets/%s/purchase"),
  NOTHING_TO_CLAIM(409, "nothing is owed to %s now"),
  CLAIM_TOO_SOON(429, "the operator already sent claims for %s at %s; the next may be sent after %s"),
  AUDIT_BUNDLE_NOT_FOUND(404, "dataset %s has no audit bundle: only a dataset listed on-chain has one (its status is %s)"),

  // provenance
  CONTRIBUTION_NOT_FOUND(404, "no contribution %s that you may read"),

  // quality
  ACCURACY_BELOW_FLOOR(403, "your accuracy on the gold items of campaign %s is %s (%s of %s correct, smoothed), "
      + "below its floor of %s: it hands you no more tasks");

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
