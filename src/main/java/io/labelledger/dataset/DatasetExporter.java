package io.labelledger.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.answer.CampaignAnswers;
import io.labelledger.answer.CanonicalJson;
import io.labelledger.answer.boxes.BoxesType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowStream;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.parquet.hadoop.ParquetWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a dataset version's items from PostgreSQL to an HTTP response, as JSON Lines or Parquet,
 * with memory flat whatever the size: rows come through a cursor ({@link RowStream}, {@link #FETCH}
 * rows per round trip) and the cursor is paused whenever the client reads slower than the
 * database delivers.
 *
 * <ul>
 *   <li>JSONL is written on the event loop: rows become text in {@link #CHUNK_BYTES} chunks, and
 *       the cursor pauses while the response's write queue is full (resumed by its drain handler).
 *   <li>Parquet's writer blocks, so it runs on a worker thread: rows reach it through a handoff
 *       that pauses the cursor above {@link #HANDOFF_HIGH} queued rows, and its bytes reach the
 *       response through an {@link OutputStream} that blocks while {@link #CHUNKS_IN_FLIGHT}
 *       chunks are not yet written to the socket.
 * </ul>
 *
 * <p>Once the headers are out an error cannot become a JSON reply: the connection is reset, so
 * the client sees a truncated transfer rather than a short file that looks complete.
 */
public final class DatasetExporter {
  private static final Logger LOG = LoggerFactory.getLogger(DatasetExporter.class);
  static final int FETCH = 1024;
  static final int CHUNK_BYTES = 64 * 1024;
  static final int CHUNKS_IN_FLIGHT = 16;
  static final int HANDOFF_HIGH = 4 * FETCH;
  static final int HANDOFF_LOW = FETCH;

  /** Export formats. */
  public enum Format {
    JSONL("application/x-ndjson", "jsonl"),
    PARQUET("application/vnd.apache.parquet", "parquet"),
    /** Pairwise versions only: TRL's DPO preference rows, {@code prompt, chosen, rejected}; ties left out. */
    DPO("application/x-ndjson", "dpo.jsonl"),
    /** Boxes versions only: one COCO object-detection document ({@link ExportCoco}). */
    COCO("application/json", "coco.json");

    public final String contentType;
    public final String extension;

    Format(String contentType, String extension) {
      this.contentType = contentType;
      this.extension = extension;
    }
  }

  static final String SQL = """
      select di.item_id, i.external_id, i.payload::text, di.label, di.confidence, di.leaves
        from dataset_items di join items i on i.id = di.item_id
       where di.dataset_id = $1
       order by di.position""";

  private final Vertx vertx;
  private final Pool pool;
  private final WorkerExecutor workers;

  /** {@code parallelParquet}: how many Parquet exports may hold a worker thread at once. */
  public DatasetExporter(Vertx vertx, Pool pool, int parallelParquet) {
    this.vertx = vertx;
    this.pool = pool;
    this.workers = vertx.createSharedWorkerExecutor("labelledger-export", parallelParquet, 24, TimeUnit.HOURS);
  }

  /**
   * Writes the headers and streams every item of {@code datasetId} to {@code response}, then ends
   * it. The future completes with the number of rows once the last byte is handed to the socket.
   * Call on the event loop.
   */
  public Future<Long> export(long datasetId, Format format, CampaignAnswers<?, ?> type, Map<String, String> metadata,
      String fileName, HttpServerResponse response) {
    response.setChunked(true)
        .putHeader("Content-Type", format.contentType)
        .putHeader("Content-Disposition", "attachment; filename=\"" + fileName + "." + format.extension + "\"")
        .putHeader("Cache-Control", "no-store");
    if (format == Format.COCO) {
      return pool.getConnection().compose(conn -> conn.begin().compose(tx -> conn.prepare(SQL).compose(ps ->
          coco(ps, datasetId, type, fileName, response).andThen(ar -> {
            Future<Void> closed = ar.succeeded() ? tx.commit() : tx.rollback();
            closed.onComplete(v -> conn.close());
          }))).onFailure(err -> conn.close()));
    }
    return pool.getConnection().compose(conn -> conn.begin().compose(tx -> conn.prepare(SQL).compose(ps -> {
      RowStream<Row> rows = ps.createStream(FETCH, Tuple.of(datasetId));
      Future<Long> done = format == Format.PARQUET ? parquet(rows, type, metadata, response)
          : jsonl(rows, format == Format.DPO ? preferences(type) : (text, row) -> {
            ExportJsonl.append(text, toExportRow(row, type));
            return true;
          }, response);
      return done.andThen(ar -> finish(conn, tx, rows, ar.succeeded()));
    })).onFailure(err -> conn.close()));
  }

  private static void finish(SqlConnection conn, Transaction tx, RowStream<Row> rows, boolean ok) {
    Future<Void> closed = ok ? tx.commit() : rows.close().transform(ar -> tx.rollback());
    closed.onComplete(ar -> conn.close());
  }

  /** Appends one database row as JSONL; false when the row is left out (a tie, in preference rows). */
  private interface LineWriter {
    boolean append(StringBuilder text, Row row);
  }

  /** TRL's DPO rows of a pairwise version: the chosen and rejected candidates' texts, ties left out. */
  private static LineWriter preferences(CampaignAnswers<?, ?> type) {
    return (text, row) -> {
      ExportRow r = toExportRow(row, type);
      String choice = String.valueOf(r.typed().get("choice"));
      if (!choice.equals("a") && !choice.equals("b")) {
        return false;
      }
      JsonNode data = CanonicalJson.read(r.dataJson());
      String other = choice.equals("a") ? "b" : "a";
      ExportJsonl.appendPreference(text, r, data.path("prompt").asText(), data.path(choice).path("text").asText(),
          data.path(other).path("text").asText());
      return true;
    };
  }

  private Future<Long> jsonl(RowStream<Row> rows, LineWriter lines, HttpServerResponse response) {
    return pump(rows, lines, response).compose(count -> response.end().map(count))
        .onFailure(err -> abortQuietly(response));
  }

  /**
   * COCO in two passes over the version's items, each a cursor: the images, then the boxes as
   * annotations, between the categories in front and the closing brackets. The count is of images.
   */
  private Future<Long> coco(PreparedStatement ps, long datasetId, CampaignAnswers<?, ?> type, String fileName,
      HttpServerResponse response) {
    ExportCoco coco = new ExportCoco(type.labels());
    response.setWriteQueueMaxSize(CHUNK_BYTES * CHUNKS_IN_FLIGHT);
    response.write(coco.head(fileName));
    RowStream<Row> images = ps.createStream(FETCH, Tuple.of(datasetId));
    return pump(images, (text, row) -> coco.image(text, toExportRow(row, type)), response)
        .compose(count -> {
          response.write(coco.between());
          RowStream<Row> boxes = ps.createStream(FETCH, Tuple.of(datasetId));
          BoxesType.Bound boxesType = (BoxesType.Bound) type; // the route lets COCO through for boxes only
          return pump(boxes, (text, row) -> coco.annotations(text, row.getLong(0),
              boxesType.parseAggregate(row.getString(3))), response)
              .compose(n -> response.end(coco.tail()).map(count));
        })
        .onFailure(err -> abortQuietly(response));
  }

  private static void abortQuietly(HttpServerResponse response) {
    if (!response.ended() && !response.closed()) {
      response.reset();
    }
  }

  /**
   * Writes every row of the cursor through {@code lines} to the response, without ending it; the
   * count is of the rows written. The cursor pauses while the response's write queue is full.
   */
  private Future<Long> pump(RowStream<Row> rows, LineWriter lines, HttpServerResponse response) {
    Promise<Long> done = Promise.promise();
    AtomicLong count = new AtomicLong();
    StringBuilder text = new StringBuilder(CHUNK_BYTES + 4096);
    response.setWriteQueueMaxSize(CHUNK_BYTES * CHUNKS_IN_FLIGHT);
    response.closeHandler(v -> done.tryFail(new IOException("the client closed the connection")));
    rows.exceptionHandler(err -> abort(response, done, err));
    rows.handler(row -> {
      if (lines.append(text, row)) {
        count.incrementAndGet();
      }
      if (text.length() >= CHUNK_BYTES) {
        response.write(text.toString());
        text.setLength(0);
        if (response.writeQueueFull()) {
          rows.pause();
          response.drainHandler(v -> rows.resume());
        }
      }
    });
    rows.endHandler(v -> response.write(text.toString()).onComplete(ar -> {
      if (ar.succeeded()) {
        done.tryComplete(count.get());
      } else {
        done.tryFail(ar.cause());
      }
    }));
    return done.future();
  }

  private Future<Long> parquet(RowStream<Row> rows, CampaignAnswers<?, ?> type, Map<String, String> metadata,
      HttpServerResponse response) {
    Context context = vertx.getOrCreateContext();
    Handoff handoff = new Handoff(rows);
    ResponseOutputStream out = new ResponseOutputStream(context, response);
    response.closeHandler(v -> {
      out.fail(new IOException("the client closed the connection"));
      handoff.fail(new IOException("the client closed the connection"));
    });
    rows.exceptionHandler(handoff::fail);
    rows.endHandler(v -> handoff.end());
    rows.handler(row -> handoff.offer(toExportRow(row, type)));
    Future<Long> written = workers.executeBlocking(() -> {
      long count = 0;
      try (ParquetWriter<ExportRow> writer = ExportParquet.open(out, metadata, type.exportSchema())) {
        ExportRow row;
        while ((row = handoff.take()) != null) {
          writer.write(row);
          count++;
        }
      }
      out.flushAll();
      return count;
    }, false);
    Promise<Long> done = Promise.promise();
    written.onComplete(ar -> {
      if (ar.failed()) {
        handoff.fail(ar.cause());
        abort(response, done, ar.cause());
      } else {
        response.end().onComplete(end -> {
          if (end.succeeded()) {
            done.tryComplete(ar.result());
          } else {
            done.tryFail(end.cause());
          }
        });
      }
    });
    return done.future();
  }

  private static void abort(HttpServerResponse response, Promise<Long> done, Throwable err) {
    if (done.tryFail(err)) {
      LOG.warn("export aborted: {}", err.toString());
      if (!response.ended() && !response.closed()) {
        response.reset();
      }
    }
  }

  /** The label as the type's typed columns, in the type's column order. */
  private static <A> Map<String, Object> typed(CampaignAnswers<?, A> type, String label, String dataJson) {
    Map<String, Object> columns = type.exportColumns(type.parseAggregate(label), dataJson);
    Map<String, Object> ordered = new java.util.LinkedHashMap<>();
    type.exportSchema().forEach(c -> ordered.put(c.name(), columns.get(c.name())));
    return ordered;
  }

  static ExportRow toExportRow(Row row, CampaignAnswers<?, ?> type) {
    Buffer[] leaves = row.getArrayOfBuffers(5);
    List<byte[]> bytes = new ArrayList<>(leaves.length);
    for (Buffer leaf : leaves) {
      bytes.add(leaf.getBytes());
    }
    return new ExportRow(row.getLong(0), row.getString(1), row.getString(2), row.getString(3), row.getDouble(4),
        typed(type, row.getString(3), row.getString(2)), bytes);
  }

  /**
   * Rows from the cursor (event loop) to the Parquet writer (worker thread). The cursor pauses at
   * {@link #HANDOFF_HIGH} queued rows and resumes, on its own context, below {@link #HANDOFF_LOW}.
   */
  static final class Handoff {
    private static final Object END = new Object();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final RowStream<Row> rows;
    private final Context context;
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile Throwable failure;

    Handoff(RowStream<Row> rows) {
      this.rows = rows;
      this.context = Vertx.currentContext();
    }

    /** Event loop. */
    void offer(ExportRow row) {
      queue.add(row);
      if (queue.size() >= HANDOFF_HIGH && paused.compareAndSet(false, true)) {
        rows.pause();
      }
    }

    void end() {
      queue.add(END);
    }

    void fail(Throwable err) {
      if (failure == null) {
        failure = err;
      }
      queue.add(END);
    }

    /** Worker thread: the next row, or null at the end; throws if the cursor or the client failed. */
    ExportRow take() throws IOException {
      Object next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("export interrupted");
      }
      if (failure != null) {
        throw new IOException("export stopped: " + failure.getMessage(), failure);
      }
      if (queue.size() <= HANDOFF_LOW && paused.compareAndSet(true, false)) {
        context.runOnContext(v -> rows.resume());
      }
      return next == END ? null : (ExportRow) next;
    }
  }

  /**
   * A blocking {@link OutputStream} (for a worker thread) onto a Vert.x response: bytes go out in
   * {@link #CHUNK_BYTES} chunks written on the response's context, and a write blocks while
   * {@link #CHUNKS_IN_FLIGHT} chunks are still on their way to the socket.
   */
  static final class ResponseOutputStream extends OutputStream {
    private final Context context;
    private final HttpServerResponse response;
    private final Semaphore inFlight = new Semaphore(CHUNKS_IN_FLIGHT);
    private byte[] chunk = new byte[CHUNK_BYTES];
    private int used;
    private volatile Throwable failure;

    ResponseOutputStream(Context context, HttpServerResponse response) {
      this.context = context;
      this.response = response;
    }

    void fail(Throwable err) {
      if (failure == null) {
        failure = err;
      }
      inFlight.release(CHUNKS_IN_FLIGHT);
    }

    @Override
    public void write(int b) throws IOException {
      if (used == chunk.length) {
        emit();
      }
      chunk[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (used == chunk.length) {
          emit();
        }
        int n = Math.min(len, chunk.length - used);
        System.arraycopy(b, off, chunk, used, n);
        used += n;
        off += n;
        len -= n;
      }
    }

    /** Sends what is buffered and waits until every chunk reached the socket. */
    void flushAll() throws IOException {
      if (used > 0) {
        emit();
      }
      acquire(CHUNKS_IN_FLIGHT);
      inFlight.release(CHUNKS_IN_FLIGHT);
      check();
    }

    private void emit() throws IOException {
      acquire(1);
      check();
      Buffer buffer = Buffer.buffer(used == chunk.length ? chunk : Arrays.copyOf(chunk, used));
      chunk = new byte[CHUNK_BYTES];
      used = 0;
      context.runOnContext(v -> response.write(buffer).onComplete(ar -> {
        if (ar.failed()) {
          fail(ar.cause());
        }
        inFlight.release();
      }));
    }

    private void acquire(int permits) throws IOException {
      try {
        while (!inFlight.tryAcquire(permits, 1, TimeUnit.SECONDS)) {
          check();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("export interrupted");
      }
    }

    private void check() throws IOException {
      if (failure != null) {
        throw new IOException("the response failed: " + failure.getMessage(), failure);
      }
    }
  }
}
