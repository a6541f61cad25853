package io.labelledger.upload;

import io.labelledger.auth.Guards;
import io.labelledger.auth.Principal;
import io.labelledger.blob.BlobId;
import io.labelledger.blob.BlobStore;
import io.labelledger.dataset.DatasetExporter.ResponseOutputStream;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.Params;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * {@code GET /api/campaigns/{id}/items/{itemId}/file}: the bytes of the contributed file a validation
 * item is about, for its validators to listen to or look at. Served to a signed-in contributor holding a
 * live lease on that item of that (validation) campaign, and to operators; never when the contribution
 * was erased (its contributor withdrew consent), whatever else still stores the same bytes.
 *
 * <p>The blob is streamed from the store on a worker thread through a bounded number of chunks in flight
 * (flat memory, any store). The reply carries the media type the signed answer states, is never cached
 * by a shared cache, and is sandboxed so that a file cannot act as a page of this origin.
 */
public final class ValidationFileRoutes implements ApiModule {
  private static final String ITEM = """
      select i.payload ->> 'file', i.payload ->> 'mediaType', i.validates_contribution,
             exists (select 1 from erasures e where e.contribution_id = i.validates_contribution) as erased,
             (select l.expires_at from leases l
               where l.item_id = i.id and l.campaign_id = i.campaign_id and l.contributor = $3) as lease
        from items i
        join campaigns k on k.id = i.campaign_id and k.validates_campaign is not null
       where i.id = $2 and i.campaign_id = $1""";

  private final Vertx vertx;
  private final Pool pool;
  private final BlobStore store;
  private final Clock clock;

  public ValidationFileRoutes(Vertx vertx, Pool pool, BlobStore store, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/campaigns/:id/items/:itemId/file").handler(Guards.requireSessionOrOperator()).handler(this::file);
  }

  private record Target(BlobId blob, String mediaType, long bytes) {}

  private void file(RoutingContext ctx) {
    long campaignId = Params.pathId(ctx, "id");
    long itemId = Params.pathId(ctx, "itemId");
    Principal caller = Guards.principal(ctx).orElseThrow();
    boolean operator = caller instanceof Principal.Operator || Guards.isOperatorAccount(ctx);
    String account = caller instanceof Principal.Account a ? a.address() : "";
    pool.preparedQuery(ITEM).execute(Tuple.of(campaignId, itemId, account)).compose(rows -> {
      if (rows.size() == 0) {
        throw new ApiException(ErrorCode.ITEM_NOT_FOUND, campaignId, itemId);
      }
      Row row = rows.iterator().next();
      String file = row.getString(0);
      String mediaType = row.getString(1);
      if (row.getLong(2) == null || !BlobId.isValid(file) || mediaType == null) {
        throw new ApiException(ErrorCode.ITEM_HAS_NO_FILE, itemId, campaignId);
      }
      if (!operator) {
        OffsetDateTime lease = row.getOffsetDateTime("lease");
        Instant now = clock.instant();
        if (lease == null || !lease.toInstant().isAfter(now)) {
          throw new ApiException(ErrorCode.FILE_NOT_YOURS, itemId, campaignId,
              lease == null ? "(ask POST /api/campaigns/" + campaignId + "/tasks/next)" : "(your lease expired)");
        }
      }
      if (row.getBoolean("erased")) {
        throw new ApiException(ErrorCode.FILE_ERASED, file);
      }
      BlobId blob = new BlobId(file);
      return vertx.executeBlocking(() -> store.size(blob), false).map(size -> new Target(blob, mediaType,
          size.orElseThrow(() -> new ApiException(ErrorCode.FILE_MISSING, file))));
    }).onSuccess(target -> stream(ctx, target)).onFailure(ctx::fail);
  }

  private void stream(RoutingContext ctx, Target target) {
    HttpServerResponse response = ctx.response();
    response.setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, target.mediaType())
        .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(target.bytes()))
        .putHeader(HttpHeaders.CACHE_CONTROL, "private, no-store")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "default-src 'none'; sandbox")
        .putHeader("Content-Disposition", "inline; filename=\"" + target.blob().digits() + "\"");
    Context context = vertx.getOrCreateContext();
    ResponseOutputStream out = new ResponseOutputStream(context, response);
    response.closeHandler(v -> out.fail(new IOException("the client closed the connection")));
    Future<Void> sent = vertx.executeBlocking(() -> {
      try (InputStream in = store.open(target.blob())) {
        in.transferTo(out);
      }
      out.flushAll();
      return null;
    }, false);
    sent.onComplete(ar -> {
      if (ar.succeeded()) {
        response.end();
      } else if (!response.headWritten() && ar.cause() instanceof NoSuchFileException) {
        ctx.fail(new ApiException(ErrorCode.FILE_MISSING, target.blob().hex()));
      } else {
        response.reset(); // part of the file went out: the client must see a broken transfer, not a short file
      }
    });
  }
}
