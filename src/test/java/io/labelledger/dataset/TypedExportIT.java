package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.answer.AnswerType;
import io.labelledger.answer.AnswerTypes;
import io.labelledger.answer.CampaignAnswers;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.db.Migrations;
import io.labelledger.db.Pools;
import io.labelledger.testsupport.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports of typed versions, streamed from a real PostgreSQL: each type's typed columns in JSONL and
 * Parquet (a list of tags, a number, a text, a choice) agree with the stored label, and a pairwise
 * version's DPO rows name the chosen and rejected candidate texts, ties left out.
 */
class TypedExportIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static Vertx vertx;
  private static Pool pool;
  private static DatasetExporter exporter;
  private static HttpServer server;
  /** The datasets by type, with their bound types. */
  private static final Map<String, Long> DATASETS = new HashMap<>();
  private static final Map<String, CampaignAnswers<?, ?>> TYPES = new HashMap<>();

  @TempDir
  Path dir;

  @BeforeAll
  static void start() throws Exception {
    DatabaseCoordinates db = TestDatabase.freshDatabase("typedexport");
    Migrations.migrate(db);
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 4);
    await(pool.query("insert into terms (terms_hash, text) values ('0x" + "ab".repeat(32) + "', 't')").execute());
    dataset("multi_choice", List.of("cat", "dog", "owl"), "{}", "{\"text\":\"photo\"}",
        List.of("{\"labels\":[\"cat\",\"owl\"]}", "{\"labels\":[]}", "{\"labels\":[\"dog\"]}"));
    dataset("rating", List.of(), "{}", "{\"text\":\"film\"}",
        List.of("{\"rating\":3.6}", "{\"rating\":1}", "{\"rating\":4.25}"));
    dataset("free_text", List.of(), "{}", "{\"audio\":\"clip\"}",
        List.of("{\"text\":\"the cat sat\"}", "{\"text\":\"a \\\"quoted\\\" word\"}", "{\"text\":\"ünïcode\"}"));
    dataset("pairwise", List.of(), "{}", null,
        List.of("{\"choice\":\"a\"}", "{\"choice\":\"tie\"}", "{\"choice\":\"b\"}"));
    exporter = new DatasetExporter(vertx, pool, 2);
    server = await(vertx.createHttpServer().requestHandler(req -> {
      String type = req.getParam("type");
      exporter.export(DATASETS.get(type), DatasetExporter.Format.valueOf(req.getParam("format")), TYPES.get(type),
          Map.of(ExportParquet.CARD_KEY, "# card"), "typed", req.response());
    }).listen(0, "127.0.0.1"));
  }

  /** A campaign of {@code type}, three items (pairwise: prompt and candidates) and a version labelled {@code labels}. */
  private static void dataset(String type, List<String> labels, String settings, String data, List<String> itemLabels) {
    AnswerType t = AnswerTypes.of(type);
    var complete = t.settings((com.fasterxml.jackson.databind.node.ObjectNode) read(settings), labels);
    TYPES.put(type, t.bind(labels, complete));
    long campaign = await(pool.preparedQuery("insert into campaigns (name, instructions, task_type, overlap, max_overlap,"
            + " gold_rate, accuracy_floor, target_confidence, terms_hash, settings) values ('c', 'i', $1, 3, 3, 0, 0,"
            + " 0.9, '0x" + "ab".repeat(32) + "', $2::text::jsonb) returning id")
        .execute(Tuple.of(type, complete.toString()))).iterator().next().getLong(0);
    long dataset = await(pool.preparedQuery("insert into datasets (campaign_id, version, name, terms_hash,"
            + " payment_token, price, confidence_bar, content_root, shares_root, total_shares, item_count,"
            + " contribution_count, contributor_count, batch_ids, quality, built_at) values ($1, 1, 'v', '0x"
            + "ab".repeat(32) + "', '0x" + "11".repeat(20) + "', 1, 0.5, '0x" + "22".repeat(32) + "', '0x"
            + "33".repeat(32) + "', 3, 3, 3, 1, '{}', '{}', now()) returning id")
        .execute(Tuple.of(campaign))).iterator().next().getLong(0);
    DATASETS.put(type, dataset);
    for (int i = 0; i < itemLabels.size(); i++) {
      String payload = data != null ? data : "{\"prompt\":\"q" + i + "\",\"a\":{\"text\":\"A" + i + "\"},\"b\":{\"text\":\"B"
          + i + "\"}}";
      long item = await(pool.preparedQuery("insert into items (campaign_id, external_id, payload, answers_wanted)"
              + " values ($1, $2, $3::text::jsonb, 3) returning id").execute(Tuple.of(campaign, "i" + i, payload)))
          .iterator().next().getLong(0);
      await(pool.preparedQuery("insert into dataset_items (dataset_id, position, item_id, label, confidence, leaves)"
          + " values ($1, $2, $3, $4, 0.75, array[sha256('x'::bytea)])").execute(Tuple.of(dataset, i, item,
          itemLabels.get(i))));
    }
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private static JsonNode read(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] download(String type, String format) throws Exception {
    HttpResponse<byte[]> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.actualPort() + "/?type=" + type + "&format=" + format)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(reply.statusCode()).isEqualTo(200);
    return reply.body();
  }

  private static List<JsonNode> lines(String type, String format) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : new String(download(type, format), StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        out.add(read(line));
      }
    }
    return out;
  }

  private List<Group> parquet(String type) throws Exception {
    Path file = dir.resolve(type + ".parquet");
    Files.write(file, download(type, "PARQUET"));
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
    return rows;
  }

  @Test
  void tagsExportAsAListBesideTheirCanonicalLabel() throws Exception {
    List<JsonNode> rows = lines("multi_choice", "JSONL");
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).get("label").asText()).isEqualTo("{\"labels\":[\"cat\",\"owl\"]}");
    assertThat(rows.get(0).get("labels")).extracting(JsonNode::asText).containsExactly("cat", "owl");
    assertThat(rows.get(1).get("labels")).isEmpty();
    List<Group> groups = parquet("multi_choice");
    Group tags = groups.get(0).getGroup("labels", 0);
    assertThat(tags.getFieldRepetitionCount("list")).isEqualTo(2);
    assertThat(tags.getGroup("list", 1).getString("element", 0)).isEqualTo("owl");
    assertThat(groups.get(1).getGroup("labels", 0).getFieldRepetitionCount("list")).isZero();
  }

  @Test
  void ratingsExportAsNumbersAndTextsAsStrings() throws Exception {
    assertThat(lines("rating", "JSONL")).extracting(r -> r.get("rating").asDouble()).containsExactly(3.6, 1.0, 4.25);
    Path file = dir.resolve("schema.parquet");
    Files.write(file, download("rating", "PARQUET"));
    try (ParquetFileReader meta = ParquetFileReader.open(new LocalInputFile(file))) {
      assertThat(meta.getFooter().getFileMetaData().getSchema().getType("rating").asPrimitiveType()
          .getPrimitiveTypeName()).isEqualTo(PrimitiveType.PrimitiveTypeName.DOUBLE);
    }
    assertThat(parquet("rating").get(2).getDouble("rating", 0)).isEqualTo(4.25);
    assertThat(lines("free_text", "JSONL")).extracting(r -> r.get("text").asText())
        .containsExactly("the cat sat", "a \"quoted\" word", "ünïcode");
    assertThat(parquet("free_text").get(2).getString("text", 0)).isEqualTo("ünïcode");
  }

  @Test
  void pairwiseExportsAChoiceAndDpoRowsWithoutTies() throws Exception {
    assertThat(lines("pairwise", "JSONL")).extracting(r -> r.get("choice").asText()).containsExactly("a", "tie", "b");
    List<JsonNode> dpo = lines("pairwise", "DPO");
    assertThat(dpo).hasSize(2);
    assertThat(dpo.get(0).get("prompt").asText()).isEqualTo("q0");
    assertThat(dpo.get(0).get("chosen").asText()).isEqualTo("A0");
    assertThat(dpo.get(0).get("rejected").asText()).isEqualTo("B0");
    assertThat(dpo.get(1).get("prompt").asText()).isEqualTo("q2");
    assertThat(dpo.get(1).get("chosen").asText()).isEqualTo("B2");
    assertThat(dpo.get(1).get("rejected").asText()).isEqualTo("A2");
    assertThat(dpo.get(1).get("confidence").asDouble()).isEqualTo(0.75);
    assertThat(parquet("pairwise").get(1).getString("choice", 0)).isEqualTo("tie");
  }
}
