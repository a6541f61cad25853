package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.chain.Hex;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.db.Migrations;
import io.labelledger.db.Pools;
import io.labelledger.testsupport.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.sqlclient.Pool;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming export on real PostgreSQL over real HTTP: every row arrives, in order, with its
 * payload and leaves, as JSON Lines and as Parquet read back with parquet-java; a client that
 * stops reading does not make the server buffer the rest.
 */
class DatasetExportIT {
  private static final int ITEMS = 5_000;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static Vertx vertx;
  private static Pool pool;
  private static HttpServer server;
  private static long datasetId;
  private static DatasetExporter exporter;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    DatabaseCoordinates db = TestDatabase.freshDatabase("export");
    Migrations.migrate(db);
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 4);
    datasetId = await(SyntheticDataset.create(pool, ITEMS));
    exporter = new DatasetExporter(vertx, pool, 2);
    server = await(vertx.createHttpServer().requestHandler(req -> {
      DatasetExporter.Format format = DatasetExporter.Format.valueOf(req.getParam("format"));
      exporter.export(datasetId, format, SyntheticDataset.TYPE, Map.of(ExportParquet.CARD_KEY, "# card"),
          "dataset-" + datasetId,
          req.response());
    }).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<InputStream> download(String format) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.actualPort() + "/?format=" + format)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  private static byte[] leaf(String prefix, long itemId) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest((prefix + itemId).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void jsonLinesHoldEveryItemInOrderWithItsPayloadLabelAndLeaves() throws Exception {
    HttpResponse<InputStream> reply = download("JSONL");
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    List<JsonNode> lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(reply.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(MAPPER.readTree(line));
      }
    }
    assertThat(lines).hasSize(ITEMS);
    for (int i = 0; i < ITEMS; i++) {
      JsonNode row = lines.get(i);
      long itemId = row.get("itemId").asLong();
      long n = i + 1;
      assertThat(row.get("item").asText()).isEqualTo("item-" + n);
      assertThat(row.get("data").get("text").asText()).isEqualTo("synthetic review number " + n + ", fine.");
      assertThat(row.get("data").get("stars").asInt()).isEqualTo((int) (n % 5));
      assertThat(row.get("label").asText()).isIn("positive", "negative", "neutral");
      assertThat(row.get("leaves")).hasSize(3);
      assertThat(row.get("leaves").get(1).asText()).isEqualTo(Hex.encode(leaf("b", itemId)));
    }
    assertThat(lines.stream().mapToLong(l -> l.get("itemId").asLong())).isSorted();
  }

  @Test
  void parquetReadsBackWithParquetJavaRowForRow() throws Exception {
    HttpResponse<InputStream> reply = download("PARQUET");
    assertThat(reply.statusCode()).isEqualTo(200);
    Path file = dir.resolve("export.parquet");
    try (InputStream body = reply.body()) {
      Files.copy(body, file);
    }

    try (ParquetFileReader meta = ParquetFileReader.open(new LocalInputFile(file))) {
      assertThat(meta.getRecordCount()).isEqualTo(ITEMS);
      assertThat(meta.getFooter().getFileMetaData().getKeyValueMetaData()).containsEntry(ExportParquet.CARD_KEY,
          "# card");
      assertThat(meta.getFooter().getFileMetaData().getSchema()).isEqualTo(ExportParquet.SCHEMA);
    }
    List<Group> rows = new ArrayList<>();
    try (ParquetReader<Group> reader = new ParquetReader.Builder<Group>(new LocalInputFile(file)) {
      @Override
      protected ReadSupport<Group> getReadSupport() {
        return new GroupReadSupport();
      }
    }.build()) {
      Group row;
      while ((row = reader.read()) != null) {
        rows.add(row);
      }
    }
    assertThat(rows).hasSize(ITEMS);
    for (int i = 0; i < ITEMS; i += 997) {
      Group row = rows.get(i);
      long itemId = row.getLong("item_id", 0);
      assertThat(row.getString("item", 0)).isEqualTo("item-" + (i + 1));
      assertThat(MAPPER.readTree(row.getString("data", 0)).get("stars").asInt()).isEqualTo((i + 1) % 5);
      assertThat(row.getDouble("confidence", 0)).isBetween(0.9, 1.0);
      Group leaves = row.getGroup("leaves", 0);
      assertThat(leaves.getFieldRepetitionCount("list")).isEqualTo(3);
      assertThat(leaves.getGroup("list", 2).getBinary("element", 0).getBytes()).isEqualTo(leaf("c", itemId));
    }
  }

  @Test
  void aClientThatStopsReadingIsNotBufferedForAndItsCursorIsReleased() throws Exception {
    HttpResponse<InputStream> reply = download("JSONL");
    byte[] first = reply.body().readNBytes(1024);
    assertThat(new String(first, StandardCharsets.UTF_8)).startsWith("{\"itemId\":");
    reply.body().close();

    // the aborted export gave its connection back: the pool (4) still serves a full export after
    // more aborted ones than it has connections
    for (int i = 0; i < 5; i++) {
      download(i % 2 == 0 ? "PARQUET" : "JSONL").body().close();
    }
    HttpResponse<InputStream> again = download("JSONL");
    long lines;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(again.body(), StandardCharsets.UTF_8))) {
      lines = in.lines().count();
    }
    assertThat(lines).isEqualTo(ITEMS);
  }
}
