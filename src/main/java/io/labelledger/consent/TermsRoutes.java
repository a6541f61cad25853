package io.labelledger.consent;

import io.labelledger.auth.Guards;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.JsonCodec;
import io.labelledger.ops.ActivityLog;
import io.vertx.ext.web.Router;
import java.util.regex.Pattern;

/**
 * {@code POST /api/terms} (operator) stores terms under {@code keccak256(text)};
 * {@code GET /api/terms/{hash}} serves the full text to anyone, so a contributor can read exactly
 * what a consent signature refers to.
 */
public final class TermsRoutes implements ApiModule {
  static final Pattern HASH = Pattern.compile("0x[0-9a-fA-F]{64}");
  private final TermsQueries terms;
  private final JsonCodec json;

  private final ActivityLog activity;

  public TermsRoutes(TermsQueries terms, JsonCodec json, ActivityLog activity) {
    this.terms = terms;
    this.json = json;
    this.activity = activity;
  }

  public static String termsHash(String text) {
    return Hex.encode(Eip712.keccak(text));
  }

  @Override
  public void mount(Router router) {
    router.post("/api/terms").handler(json.bodyHandler()).handler(Guards.requireOperator()).handler(ctx -> {
      PublishTermsRequest request = json.decode(ctx, PublishTermsRequest.class);
      String hash = termsHash(request.text());
      activity.after(ctx, "terms.published", terms.insert(hash, request.text(), request.uri())
          .compose(inserted -> inserted.isPresent()
              ? io.vertx.core.Future.succeededFuture(new Published(201, inserted.get()))
              : terms.find(hash).map(existing -> new Published(200, existing.orElseThrow()))),
              p -> java.util.Map.of("termsHash", hash, "new", p.status() == 201))
          .onSuccess(p -> json.respond(ctx, p.status(), p.terms().withoutText()))
          .onFailure(ctx::fail);
    });

    router.get("/api/terms/:hash").handler(ctx -> {
      String hash = ctx.pathParam("hash");
      if (!HASH.matcher(hash).matches()) {
        throw new ApiException(ErrorCode.INVALID_PARAMETER, "hash", "must be 0x + 64 hex digits");
      }
      String normalized = hash.toLowerCase();
      json.reply(ctx, 200, terms.find(normalized).map(found ->
          found.orElseThrow(() -> new ApiException(ErrorCode.TERMS_NOT_FOUND, normalized))));
    });
  }

  private record Published(int status, Terms terms) {}
}
