package io.labelledger.audit;

import io.labelledger.chain.Deployment;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.Params;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/datasets/{id}/audit-bundle} (public): the audit bundle of a listed dataset
 * version, format version 1 ({@code frontend-api/audit-bundle.schema.json}), streamed from the
 * service's tables with memory flat whatever the number of contributions.
 *
 * <p>Streaming: the version's contributions are read batch by batch in on-chain order (each anchor
 * batch's stored tree once, the proofs are cut from it), {@link #SLICE} rows at a time in leaf
 * order; each slice becomes JSON on a worker thread (keccak of each answer, proofs) and is handed
 * to the response, and the next slice is read only once the response's write queue has drained.
 * Shares follow in pages. What is held at any time: one batch's tree (32 bytes a node, 256 KiB for
 * 4096 leaves), one slice's rows and bytes, and the response's write queue.
 *
 * <p>Errors before the first byte are JSON replies; once the body has started, an error resets the
 * connection, so a client sees a truncated transfer, never a short bundle that parses.
 */
public final class AuditRoutes implements ApiModule {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRoutes.class);
  /** Bytes the response may queue before the next batch waits for it to drain. */
  static final int WRITE_QUEUE_BYTES = 1 << 20;
  /** Contributions turned into JSON per hand-over (about 350 KB with 12-node proofs). */
  static final int SLICE = 256;

  private final Vertx vertx;
  private final AuditBundleQueries queries;
  private final Optional<Deployment> deployment;

  public AuditRoutes(Vertx vertx, AuditBundleQueries queries, Optional<Deployment> deployment) {
    this.vertx = vertx;
    this.queries = queries;
    this.deployment = deployment;
  }

  @Override
  public void mount(Router router) {
    router.get("/api/datasets/:id/audit-bundle").handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    long id = Params.pathId(ctx, "id");
    Deployment d = deployment.orElseThrow(() -> new ApiException(ErrorCode.CHAIN_UNAVAILABLE,
        "no chain is configured for this service"));
    HttpServerResponse response = ctx.response();
    queries.listed(id, d)
        .compose(listed -> queries.inChainOrder(listed.batchIds()).compose(batches -> stream(listed, batches, response)))
        .onSuccess(count -> LOG.info("audit bundle of dataset {} served: {} contributions", id, count))
        .onFailure(err -> {
          if (!response.headWritten()) {
            ctx.fail(err);
          } else {
            LOG.warn("audit bundle of dataset {} aborted: {}", id, err.toString());
            if (!response.ended() && !response.closed()) {
              response.reset();
            }
          }
        });
  }

  private Future<Long> stream(AuditBundleQueries.Listed listed, List<Long> batches, HttpServerResponse response) {
    response.setChunked(true)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"dataset-" + listed.id() + "-v" + listed.version()
            + ".audit.json\"")
        .putHeader("Cache-Control", "no-store")
        .setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
    AuditBundleWriter writer = AuditBundleWriter.buffered();
    writer.begin(listed.header());
    return batches(listed.id(), batches, 0, writer, response)
        .compose(v -> shares(listed.id(), 0, writer, response))
        .compose(v -> {
          writer.finish();
          return response.end(Buffer.buffer(writer.drain()));
        })
        .map(v -> writer.contributionsWritten());
  }

  private Future<Void> batches(long datasetId, List<Long> batches, int next, AuditBundleWriter writer,
      HttpServerResponse response) {
    if (next == batches.size()) {
      return Future.succeededFuture();
    }
    return queries.batch(datasetId, batches.get(next))
        .compose(batch -> slices(datasetId, batch, 0, writer, response))
        .compose(v -> batches(datasetId, batches, next + 1, writer, response));
  }

  /**
   * The version's contributions in {@code batch} from leaf {@code fromLeaf} on, {@link #SLICE} at a
   * time: each slice is read, becomes JSON on a worker thread and is handed to the response, and the
   * next is read only once the response has drained.
   */
  private Future<Void> slices(long datasetId, AuditBundleQueries.Batch batch, int fromLeaf, AuditBundleWriter writer,
      HttpServerResponse response) {
    return queries.contributions(datasetId, batch.id(), fromLeaf, SLICE).compose(rows -> {
      if (rows.isEmpty()) {
        return Future.succeededFuture();
      }
      int nextLeaf = rows.get(rows.size() - 1).getInteger("leaf_index") + 1;
      return vertx.executeBlocking(() -> {
        // the writer is used by one thread at a time: each slice starts after the last one was written
        for (Row row : rows) {
          writer.contribution(AuditBundleQueries.toContribution(row, batch));
        }
        return writer.drain();
      }, true)
          .compose(bytes -> write(response, bytes))
          .compose(v -> rows.size() < SLICE ? Future.succeededFuture()
              : slices(datasetId, batch, nextLeaf, writer, response));
    });
  }

  private Future<Void> shares(long datasetId, long from, AuditBundleWriter writer, HttpServerResponse response) {
    return queries.shares(datasetId, from).compose(page -> {
      if (page.isEmpty()) {
        return Future.succeededFuture();
      }
      page.forEach(writer::share);
      long after = page.get(page.size() - 1).index() + 1;
      return write(response, writer.drain()).compose(v -> page.size() < AuditBundleQueries.SHARES_PAGE
          ? Future.succeededFuture() : shares(datasetId, after, writer, response));
    });
  }

  /** Hands {@code bytes} to the response; completes once the response can take more. */
  private static Future<Void> write(HttpServerResponse response, byte[] bytes) {
    if (response.closed()) {
      return Future.failedFuture(new IOException("the client closed the connection"));
    }
    if (bytes.length > 0) {
      response.write(Buffer.buffer(bytes));
    }
    if (!response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    response.drainHandler(v -> drained.tryComplete());
    response.closeHandler(v -> drained.tryFail(new IOException("the client closed the connection")));
    return drained.future();
  }
}
