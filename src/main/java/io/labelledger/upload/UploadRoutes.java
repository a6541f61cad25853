package io.labelledger.upload;

import io.labelledger.auth.Guards;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.JsonCodec;
import io.labelledger.http.Params;
import io.labelledger.http.RequestPausing;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/campaigns/{id}/uploads?itemId=N}: a contributor's file for an item they hold a lease
 * on, as the raw request body (no multipart), {@code Content-Type} saying what it is, optionally
 * {@code Content-Disposition: attachment; filename="..."} naming it. 201 with the file's keccak256,
 * sha256, media type, length, duration (audio) and the exact answer string to sign.
 */
public final class UploadRoutes implements ApiModule {
  private static final Pattern FILENAME = Pattern.compile("filename\\s*=\\s*\"([^\"]*)\"|filename\\s*=\\s*([^;\\s]+)");
  static final int MAX_NAME = 200;

  private final UploadService uploads;
  private final JsonCodec json;

  public UploadRoutes(UploadService uploads, JsonCodec json) {
    this.uploads = uploads;
    this.json = json;
  }

  @Override
  public void mount(Router router) {
    // no BodyHandler: the body is streamed to a staging file (see StagedBody)
    router.post("/api/campaigns/:id/uploads").handler(Guards.requireSession()).handler(this::upload);
  }

  private void upload(RoutingContext ctx) {
    long campaignId = Params.pathId(ctx, "id");
    long itemId = Params.query(ctx, "itemId", -1, 1, Long.MAX_VALUE);
    if (itemId < 1) {
      throw new ApiException(ErrorCode.INVALID_PARAMETER, "itemId", "is required: the item (prompt) the file answers");
    }
    String fileName = fileName(ctx.request().getHeader("Content-Disposition"));
    String claimed = mediaType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
    String uploader = Guards.account(ctx).address();
    UploadService.Slot slot = uploads.claim(uploader); // 429 when the account's slots are all taken
    RequestPausing.pauseUntilConsumed(ctx); // the checks below are asynchronous
    json.reply(ctx, 201, uploads.admit(slot, campaignId, itemId, claimed).compose(admitted -> {
      String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
      if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > admitted.campaign().maxBytes()) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close"); // refused before a byte of it is read
        throw new ApiException(ErrorCode.FILE_TOO_LARGE, admitted.campaign().maxBytes());
      }
      return uploads.receive(ctx.request(), uploader, campaignId, itemId, admitted, fileName);
    }).onComplete(ended -> slot.release()));
  }

  private static String mediaType(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    int semicolon = header.indexOf(';');
    return (semicolon < 0 ? header : header.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
  }

  /**
   * The client's name for the file, kept as metadata only (files are stored under their hash): a plain
   * name, no directories, no {@code ..}, no control characters, no leading dot, at most 200 characters.
   */
  static String fileName(String disposition) {
    if (disposition == null) {
      return null;
    }
    Matcher m = FILENAME.matcher(disposition);
    if (!m.find()) {
      return null;
    }
    String name = m.group(1) != null ? m.group(1) : m.group(2);
    String problem = name.isEmpty() ? "it is empty"
        : name.length() > MAX_NAME ? "it is longer than " + MAX_NAME + " characters"
        : name.contains("/") || name.contains("\\") ? "it names a directory"
        : name.contains("..") ? "it contains '..'"
        : name.startsWith(".") ? "it starts with a dot"
        : name.chars().anyMatch(c -> c < 0x20 || c == 0x7f) ? "it contains control characters"
        : name.contains(":") ? "it contains ':'"
        : null;
    if (problem != null) {
      throw new ApiException(ErrorCode.FILE_NAME_INVALID, JsonCodecQuote.quote(name), problem);
    }
    return name;
  }

  /** A name as a message shows it: quoted, control characters escaped, cut at 80 characters. */
  private static final class JsonCodecQuote {
    static String quote(String name) {
      StringBuilder s = new StringBuilder("'");
      name.codePoints().limit(80).forEach(c -> {
        if (c < 0x20 || c == 0x7f) {
          s.append(String.format("\\u%04x", c));
        } else {
          s.appendCodePoint(c);
        }
      });
      return s.append(name.length() > 80 ? "...'" : "'").toString();
    }
  }
}
