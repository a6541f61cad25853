package io.labelledger.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.answer.CampaignAnswers;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a JSONL item upload into PostgreSQL with flat memory: the body is split into lines as
 * it arrives, lines are inserted in batches, and the request is paused while a batch is written
 * (at most one batch is held). Everything happens in one transaction:
 * <ul>
 *   <li>a line that is not a JSON object → 400 naming the line, rolled back, nothing stored;
 *   <li>a JSON object that is not a valid item → skipped and listed in {@code rejected};
 *   <li>an id the campaign already has → counted in {@code duplicates} (uploads are idempotent);
 *   <li>more bytes than the upload limit → 413, rolled back.
 * </ul>
 */
final class ItemUpload {
  private static final Logger LOG = LoggerFactory.getLogger(ItemUpload.class);

  private final HttpServerRequest request;
  private final SqlConnection tx;
  private final ItemQueries items;
  private final Campaign campaign;
  private final ItemLineParser lineParser;
  private final int batchSize;
  private final long byteLimit;
  private final int reportedRejections;
  private final Promise<UploadResult> done = Promise.promise();

  private RecordParser parser;
  private Future<Void> writes = Future.succeededFuture();
  private final List<String> ids = new ArrayList<>();
  private final List<String> payloads = new ArrayList<>();
  private final List<String> golds = new ArrayList<>();
  private final List<String> goldKeys = new ArrayList<>();
  private final List<UploadResult.Rejection> rejected = new ArrayList<>();
  private long lineNumber;
  private long nonEmptyLines;
  private long bytes;
  private long rejectedCount;
  private long inserted;
  private long insertedGold;
  private boolean finished;
  private boolean ended;

  ItemUpload(HttpServerRequest request, SqlConnection tx, ItemQueries items, Campaign campaign,
      CampaignAnswers<?, ?> type, ObjectMapper mapper, int batchSize, long byteLimit, int reportedRejections,
      int maxLineBytes) {
    this.request = request;
    this.tx = tx;
    this.items = items;
    this.campaign = campaign;
    this.lineParser = new ItemLineParser(mapper, type);
    this.batchSize = batchSize;
    this.byteLimit = byteLimit;
    this.reportedRejections = reportedRejections;
    this.parser = RecordParser.newDelimited("\n", request).maxRecordSize(maxLineBytes);
  }

  /** Reads the whole body; completes when every item is written (not yet committed). */
  Future<UploadResult> run() {
    parser.exceptionHandler(this::onStreamError);
    parser.endHandler(v -> onEnd());
    parser.handler(this::onLine);
    parser.resume(); // the router paused the request until a handler was ready
    return done.future();
  }

  private void onLine(Buffer raw) {
    if (finished) {
      return;
    }
    lineNumber++;
    bytes += raw.length() + 1;
    if (bytes > byteLimit + 1) {
      abort(new ApiException(ErrorCode.BODY_TOO_LARGE, byteLimit), true);
      return;
    }
    String line = raw.toString(StandardCharsets.UTF_8);
    if (line.endsWith("\r")) {
      line = line.substring(0, line.length() - 1);
    }
    if (line.isBlank()) {
      return;
    }
    nonEmptyLines++;
    try {
      ItemLineParser.Item item = lineParser.parse(line);
      ids.add(item.externalId());
      payloads.add(item.payload());
      golds.add(item.gold());
      goldKeys.add(item.goldKey());
    } catch (ItemLineParser.Malformed e) {
      abort(new ApiException(ErrorCode.ITEM_LINE_MALFORMED, Map.of("line", lineNumber), lineNumber, e.getMessage()),
          false);
      return;
    } catch (ItemLineParser.Rejected e) {
      rejectedCount++;
      if (rejected.size() < reportedRejections) {
        rejected.add(new UploadResult.Rejection(lineNumber, e.getMessage()));
      }
    }
    if (ids.size() >= batchSize) {
      parser.pause(); // backpressure: no more lines until this batch is in the database
      flush().onComplete(ar -> {
        if (ar.succeeded() && !finished) {
          parser.resume();
        }
      });
    }
  }

  /** Queues the buffered lines as one INSERT behind earlier ones. */
  private Future<Void> flush() {
    if (ids.isEmpty()) {
      return writes;
    }
    List<String> batchIds = List.copyOf(ids);
    List<String> batchPayloads = List.copyOf(payloads);
    List<String> batchGolds = new ArrayList<>(golds); // may hold nulls
    List<String> batchGoldKeys = new ArrayList<>(goldKeys);
    ids.clear();
    payloads.clear();
    golds.clear();
    goldKeys.clear();
    writes = writes
        .compose(v -> items.insertBatch(tx, campaign.id(), batchIds, batchPayloads, batchGolds, batchGoldKeys))
        .map(batch -> {
          inserted += batch.items();
          insertedGold += batch.gold();
          return (Void) null;
        })
        .onFailure(err -> abort(err, false));
    return writes;
  }

  private void onEnd() {
    if (finished || ended) {
      return; // the parser may report the end more than once
    }
    ended = true;
    flush()
        .compose(v -> items.addCounts(tx, campaign.id(), inserted, insertedGold))
        .onSuccess(v -> {
          if (!finished) {
            finished = true;
            long duplicates = nonEmptyLines - rejectedCount - inserted;
            LOG.info("campaign {}: upload of {} lines stored {} items ({} gold), {} duplicates, {} rejected",
                campaign.id(), nonEmptyLines, inserted, insertedGold, duplicates, rejectedCount);
            done.complete(new UploadResult(nonEmptyLines, inserted, duplicates, rejectedCount, rejected));
          }
        })
        .onFailure(err -> abort(err, false));
  }

  private void onStreamError(Throwable err) {
    if (err instanceof IllegalStateException && String.valueOf(err.getMessage()).contains("size exceeded")) {
      abort(new ApiException(ErrorCode.ITEM_LINE_MALFORMED, Map.of("line", lineNumber + 1), lineNumber + 1,
          "line is longer than the limit for one item"), false);
    } else {
      abort(err, true);
    }
  }

  /**
   * Stops the upload: the transaction is rolled back by the caller. The rest of the body is
   * drained without parsing (so the client can read the error), unless the client is over the
   * byte limit or the stream broke, in which case the connection is closed after the reply.
   */
  private void abort(Throwable cause, boolean closeConnection) {
    if (finished) {
      return;
    }
    finished = true;
    if (!request.isEnded()) {
      if (closeConnection) {
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        request.response().endHandler(v -> request.connection().close());
      } else {
        request.handler(buffer -> { });
        request.endHandler(null);
        request.resume();
      }
    }
    done.fail(cause);
  }

  static Future<UploadResult> run(Pool pool, HttpServerRequest request, ItemQueries items, Campaign campaign,
      CampaignAnswers<?, ?> type, ObjectMapper mapper, int batchSize, long byteLimit, int reportedRejections,
      int maxLineBytes) {
    return pool.withTransaction(tx -> new ItemUpload(request, tx, items, campaign, type, mapper, batchSize, byteLimit,
        reportedRejections, maxLineBytes).run());
  }
}
