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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import io.labelledger.answer.upload.UploadType;
import io.labelledger.blob.BlobStore;
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
    COCO("application/json", "coco.json"),
    /** Upload versions only: the files, as a WebDataset tar ({@link ExportFiles.Tar}). */
    WEBDATASET("application/x-tar", "tar"),
    /** Audio upload versions only: Hugging Face {@code audiofolder} in a zip ({@link ExportFiles.Zip}). */
    AUDIOFOLDER("application/zip", "audiofolder.zip"),
    /** Image upload versions only: Hugging Face {@code imagefolder} in a zip ({@link ExportFiles.Zip}). */
    IMAGEFOLDER("application/zip", "imagefolder.zip");

    public final String contentType;
    public final String extension;

    /** Whether the export carries the files themselves (upload versions). */
    public boolean withFiles() {
      return this == WEBDATASET || this == AUDIOFOLDER || this == IMAGEFOLDER;
    }

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

  /**
   * An upload version's items with the answers of their contributions in the version that are not erased
   * (column 6): the files column is rebuilt from those, and an item with none left is left out.
   */
  static final String UPLOAD_SQL = """
      select di.item_id, i.external_id, i.payload::text, di.label, di.confidence, di.leaves,
             array(select c.answer from dataset_contributions dc join contributions c on c.id = dc.contribution_id
                    where dc.dataset_id = di.dataset_id and dc.item_id = di.item_id
                      and not exists (select 1 from erasures e where e.contribution_id = dc.contribution_id))
        from dataset_items di join items i on i.id = di.item_id
       where di.dataset_id = $1
       order by di.position""";

  /**
   * An upload version's files that are not erased, with their signed fields: the archive's samples. Only
   * the upload campaign's own contributions: the version also holds its validators' votes, which are no files.
   */
  static final String SAMPLES_SQL = """
      select dc.item_id, i.external_id, i.payload::text, c.id, c.campaign_id, c.contributor, c.answer, c.terms_hash,
             c.submitted_at, c.digest
        from dataset_contributions dc
        join datasets d on d.id = dc.dataset_id
        join contributions c on c.id = dc.contribution_id and c.campaign_id = d.campaign_id
        join items i on i.id = dc.item_id
       where dc.dataset_id = $1
         and not exists (select 1 from erasures e where e.contribution_id = dc.contribution_id)
       order by dc.leaf_index""";

  /**
   * What erasure took out of a version: its contributions whose contributor withdrew consent (and whose
   * files were erased), and its items with no contribution left.
   */
  static final String LEFT_OUT_SQL = """
      select (select count(*) from dataset_contributions dc join erasures e on e.contribution_id = dc.contribution_id
               where dc.dataset_id = $1),
             (select count(*) from dataset_items di
               where di.dataset_id = $1
                 and not exists (select 1 from dataset_contributions dc
                                  where dc.dataset_id = di.dataset_id and dc.item_id = di.item_id
                                    and not exists (select 1 from erasures e
                                                     where e.contribution_id = dc.contribution_id)))""";

  /** Response headers that say how many contributions and items of the version erasure left out. */
  public static final String LEFT_OUT_CONTRIBUTIONS = "LabelLedger-Erased-Contributions";
  public static final String LEFT_OUT_ITEMS = "LabelLedger-Erased-Items";

  /** Contributions and items of a version left out of its exports because their contributors withdrew. */
  public record LeftOut(long contributions, long items) {
    static final LeftOut NONE = new LeftOut(0, 0);
  }

  private final Vertx vertx;
  private final Pool pool;
  private final WorkerExecutor workers;
  private final BlobStore blobs;

  /** {@code parallelParquet}: how many Parquet exports may hold a worker thread at once. */
  public DatasetExporter(Vertx vertx, Pool pool, int parallelParquet) {
    this(vertx, pool, parallelParquet, null);
  }

  /**
   * {@code parallel}: how many Parquet and file exports may hold a worker thread at once; {@code blobs}: where
   * the files of upload versions are (null: no file exports).
   */
  public DatasetExporter(Vertx vertx, Pool pool, int parallel, BlobStore blobs) {
    this.vertx = vertx;
    this.pool = pool;
    this.workers = vertx.createSharedWorkerExecutor("labelledger-export", parallel, 24, TimeUnit.HOURS);
    this.blobs = blobs;
  }

  /** What erasure left out of version {@code datasetId} (one query; for the dataset card). */
  public static Future<LeftOut> leftOut(io.vertx.sqlclient.SqlClient client, long datasetId) {
    return client.preparedQuery(LEFT_OUT_SQL).execute(Tuple.of(datasetId)).map(rows -> {
      Row row = rows.iterator().next();
      return new LeftOut(row.getLong(0), row.getLong(1));
    });
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
    if (type instanceof UploadType.Bound upload) {
      return withFiles(datasetId, format, upload, metadata, response);
    }
    if (format == Format.COCO) {
      return pool.getConnection().compose(conn -> conn.begin().compose(tx -> conn.prepare(SQL).compose(ps ->
          coco(ps, datasetId, type, fileName, response).andThen(ar -> {
            Future<Void> closed = ar.succeeded() ? tx.commit() : tx.rollback();
            closed.onComplete(v -> conn.close());
          }))).onFailure(err -> conn.close()));
    }
    return pool.getConnection().compose(conn -> conn.begin().compose(tx -> conn.prepare(SQL).compose(ps -> {
      RowStream<Row> rows = ps.createStream(FETCH, Tuple.of(datasetId));
      Future<Long> done = format == Format.PARQUET ? parquet(rows, row -> toExportRow(row, type), metadata, type, response)
          : jsonl(rows, format == Format.DPO ? preferences(type) : (text, row) -> {
            ExportJsonl.append(text, toExportRow(row, type));
            return true;
          }, response);
      return done.andThen(ar -> finish(conn, tx, rows, ar.succeeded()));
    })).onFailure(err -> conn.close()));
  }

  /**
   * An upload version: in one repeatable-read transaction (so the count and the rows agree), what erasure
   * left out goes into the headers, then the rows without the erased contributions, or the files.
   */
  private Future<Long> withFiles(long datasetId, Format format, UploadType.Bound type, Map<String, String> metadata,
      HttpServerResponse response) {
    if (format.withFiles() && blobs == null) {
      return Future.failedFuture(new IllegalStateException("file exports need the blob store"));
    }
    return pool.getConnection().compose(conn -> conn.begin().compose(tx -> conn
        .query("set transaction isolation level repeatable read, read only").execute()
        .compose(v -> leftOut(conn, datasetId))
        .compose(left -> {
          response.putHeader(LEFT_OUT_CONTRIBUTIONS, Long.toString(left.contributions()))
              .putHeader(LEFT_OUT_ITEMS, Long.toString(left.items()));
          return conn.prepare(format.withFiles() ? SAMPLES_SQL : UPLOAD_SQL);
        })
        .compose(ps -> {
          if (format.withFiles()) {
            return archive(ps, datasetId, format, type, response);
          }
          RowStream<Row> rows = ps.createStream(FETCH, Tuple.of(datasetId));
          Future<Long> done = format == Format.PARQUET
              ? parquet(rows, row -> keptRow(row, type), metadata, type, response)
              : jsonl(rows, (text, row) -> {
                ExportRow r = keptRow(row, type);
                if (r == null) {
                  return false;
                }
                ExportJsonl.append(text, r);
                return true;
              }, response);
          return done.andThen(ar -> {
            if (ar.failed()) {
              rows.close();
            }
          });
        })
        .andThen(ar -> (ar.succeeded() ? tx.commit() : tx.rollback()).onComplete(v -> conn.close())))
        .onFailure(err -> conn.close()));
  }

  /** The row with the files of its contributions that are not erased; null when none is left. */
  static ExportRow keptRow(Row row, UploadType.Bound type) {
    String[] kept = row.getArrayOfStrings(6);
    if (kept.length == 0) {
      return null;
    }
    Buffer[] leaves = row.getArrayOfBuffers(5);
    List<byte[]> bytes = new ArrayList<>(leaves.length);
    for (Buffer leaf : leaves) {
      bytes.add(leaf.getBytes());
    }
    String label = type.aggregateOf(Arrays.asList(kept));
    return new ExportRow(row.getLong(0), row.getString(1), row.getString(2), label, row.getDouble(4),
        typed(type, label, row.getString(2)), bytes);
  }

  static ExportFiles.Sample sample(Row row, UploadType.Bound type) {
    String answer = row.getString(6);
    return new ExportFiles.Sample(row.getLong(0), row.getString(1), row.getString(2), row.getLong(3), row.getLong(4),
        row.getString(5), answer, type.parse(answer), row.getString(7), row.getLong(8),
        row.getBuffer(9).getBytes());
  }

  /**
   * The files of an upload version as an archive, written on a worker thread: samples reach it through a
   * {@link Handoff} from the cursor, bytes leave through a {@link ResponseOutputStream}. WebDataset is one
   * pass; the folder layouts are two (the metadata, then the files), each its own cursor.
   */
  private Future<Long> archive(PreparedStatement ps, long datasetId, Format format, UploadType.Bound type,
      HttpServerResponse response) {
    Context context = vertx.getOrCreateContext();
    ResponseOutputStream out = new ResponseOutputStream(context, response);
    AtomicReference<Handoff<ExportFiles.Sample>> current = new AtomicReference<>();
    response.closeHandler(v -> {
      out.fail(new IOException("the client closed the connection"));
      Handoff<ExportFiles.Sample> h = current.get();
      if (h != null) {
        h.fail(new IOException("the client closed the connection"));
      }
    });
    Future<Long> written;
    if (format == Format.WEBDATASET) {
      Handoff<ExportFiles.Sample> samples = samples(ps, datasetId, type, current);
      written = workers.executeBlocking(() -> {
        long count = 0;
        try (ExportFiles.Tar tar = new ExportFiles.Tar(out, blobs)) {
          for (ExportFiles.Sample s; (s = samples.take()) != null; count++) {
            tar.write(s);
          }
        }
        out.flushAll();
        return count;
      }, false);
    } else {
      ExportFiles.Zip zip = new ExportFiles.Zip(out, blobs);
      Handoff<ExportFiles.Sample> first = samples(ps, datasetId, type, current);
      written = workers.executeBlocking(() -> {
        long count = 0;
        for (ExportFiles.Sample s; (s = first.take()) != null; count++) {
          zip.metadata(s);
        }
        return count;
      }, false).compose(count -> {
        Handoff<ExportFiles.Sample> second = samples(ps, datasetId, type, current);
        return workers.executeBlocking(() -> {
          for (ExportFiles.Sample s; (s = second.take()) != null; ) {
            zip.file(s);
          }
          zip.close();
          out.flushAll();
          return count;
        }, false);
      });
    }
    return finish(written, response, err -> {
      Handoff<ExportFiles.Sample> h = current.get();
      if (h != null) {
        h.fail(err);
      }
    });
  }

  /** A cursor over the version's samples into a new handoff (event loop). */
  private Handoff<ExportFiles.Sample> samples(PreparedStatement ps, long datasetId, UploadType.Bound type,
      AtomicReference<Handoff<ExportFiles.Sample>> current) {
    RowStream<Row> rows = ps.createStream(FETCH, Tuple.of(datasetId));
    Handoff<ExportFiles.Sample> handoff = new Handoff<>(rows);
    current.set(handoff);
    rows.exceptionHandler(handoff::fail);
    rows.endHandler(v -> handoff.end());
    rows.handler(row -> {
      try {
        handoff.offer(sample(row, type));
      } catch (RuntimeException e) {
        handoff.fail(e);
      }
    });
    return handoff;
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

  /** Parquet of the rows {@code toRow} makes (a null is a row left out). */
  private Future<Long> parquet(RowStream<Row> rows, Function<Row, ExportRow> toRow, Map<String, String> metadata,
      CampaignAnswers<?, ?> type, HttpServerResponse response) {
    Context context = vertx.getOrCreateContext();
    Handoff<ExportRow> handoff = new Handoff<>(rows);
    ResponseOutputStream out = new ResponseOutputStream(context, response);
    response.closeHandler(v -> {
      out.fail(new IOException("the client closed the connection"));
      handoff.fail(new IOException("the client closed the connection"));
    });
    rows.exceptionHandler(handoff::fail);
    rows.endHandler(v -> handoff.end());
    rows.handler(row -> {
      ExportRow r = toRow.apply(row);
      if (r != null) {
        handoff.offer(r);
      }
    });
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
    return finish(written, response, handoff::fail);
  }

  /**
   * Ends the response once the worker has written every row, or, when writing failed, stops the
   * producer through {@code stopFeed} and resets the response so the client sees a broken stream
   * rather than a short file that looks whole. Completes with the number of rows written.
   */
  private static Future<Long> finish(Future<Long> written, HttpServerResponse response,
      Consumer<Throwable> stopFeed) {
    Promise<Long> done = Promise.promise();
    written.onComplete(ar -> {
      if (ar.failed()) {
        stopFeed.accept(ar.cause());
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
   * Rows from the cursor (event loop) to a blocking writer (worker thread: Parquet, archives). The cursor pauses at
   * {@link #HANDOFF_HIGH} queued rows and resumes, on its own context, below {@link #HANDOFF_LOW}.
   */
  static final class Handoff<T> {
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
    void offer(T row) {
      queue.add(row);
      if (queue.size() >= HANDOFF_HIGH && paused.compareAndSet(false, true)) {
        rows.pause();
      }
    }

    void end() {
      queue.add(END);
    }

    public void fail(Throwable err) {
      if (failure == null) {
        failure = err;
      }
      queue.add(END);
    }

    /** Worker thread: the next row, or null at the end; throws if the cursor or the client failed. */
    @SuppressWarnings("unchecked")
    T take() throws IOException {
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
      return next == END ? null : (T) next;
    }
  }

  /**
   * A blocking {@link OutputStream} (for a worker thread) onto a Vert.x response: bytes go out in
   * {@link #CHUNK_BYTES} chunks written on the response's context, and a write blocks while
   * {@link #CHUNKS_IN_FLIGHT} chunks are still on their way to the socket.
   */
  public static final class ResponseOutputStream extends OutputStream {
    private final Context context;
    private final HttpServerResponse response;
    private final Semaphore inFlight = new Semaphore(CHUNKS_IN_FLIGHT);
    private byte[] chunk = new byte[CHUNK_BYTES];
    private int used;
    private volatile Throwable failure;

    public ResponseOutputStream(Context context, HttpServerResponse response) {
      this.context = context;
      this.response = response;
    }

    public void fail(Throwable err) {
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
    public void flushAll() throws IOException {
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
