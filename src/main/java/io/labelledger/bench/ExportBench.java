package io.labelledger.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labelledger.dataset.DatasetExporter;
import io.labelledger.dataset.ExportParquet;
import io.labelledger.dataset.SyntheticDataset;
import io.labelledger.db.EmbeddedDatabase;
import io.labelledger.db.Migrations;
import io.labelledger.db.Pools;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;

/**
 * {@code scripts/bench export}: streams a dataset version of 1,000,000 synthetic items (and of
 * 100,000, to show that memory does not grow with size) from an embedded PostgreSQL through the
 * service's {@link DatasetExporter} over loopback HTTP, as JSON Lines and as Parquet, and reports
 * MB/s and memory. The JVM runs with a hard heap cap ({@code -Xmx} in scripts/bench); memory is
 * reported three ways: the sum of the heap pools' peaks (an upper bound, inflated by how the
 * collector sizes the young generation), the largest heap still live after a collection during
 * the export (what the export really holds), and the process's peak resident set (VmHWM: heap,
 * metaspace, code, thread stacks and Netty's direct buffers). Every export is checked: the JSONL
 * line count and the Parquet footer's row count must equal the item count.
 *
 * <p>Sizes: {@code -Dexport.items=1000000 -Dexport.small=100000}.
 */
public final class ExportBench {
  private static final double MB = 1_000_000.0;
  private static final long MIB = 1024 * 1024;
  private static final long TARGET_BYTES = 512 * MIB;

  private ExportBench() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    long items = Long.getLong("export.items", 1_000_000);
    long small = Long.getLong("export.small", 100_000);
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("labelledger-export-bench");
    List<Map<String, Object>> runs = new ArrayList<>();
    try (EmbeddedDatabase db = EmbeddedDatabase.start(work.resolve("postgres"),
        Integer.getInteger("export.dbPort", 0))) {
      Migrations.migrate(db.coordinates());
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = Pools.create(vertx, db.coordinates(), 4);
        System.out.printf("seeding %,d + %,d synthetic items...%n", small, items);
        long seedStart = System.nanoTime();
        long smallId = await(SyntheticDataset.create(pool, small));
        long bigId = await(SyntheticDataset.create(pool, items));
        System.out.printf("seeded in %.1f s%n", (System.nanoTime() - seedStart) / 1e9);
        await(pool.query("vacuum analyze").execute());
        DatasetExporter exporter = new DatasetExporter(vertx, pool, 2);
        HttpServer server = await(vertx.createHttpServer().requestHandler(req -> exporter.export(
            Long.parseLong(req.getParam("id")), DatasetExporter.Format.valueOf(req.getParam("format")),
            SyntheticDataset.TYPE, Map.of(ExportParquet.CARD_KEY, "# synthetic"), "bench", req.response()))
            .listen(Integer.getInteger("export.port", 0), "127.0.0.1"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (DatasetExporter.Format format : List.of(DatasetExporter.Format.JSONL, DatasetExporter.Format.PARQUET)) {
          runs.add(run(client, server.actualPort(), smallId, small, format, work));
          runs.add(run(client, server.actualPort(), bigId, items, format, work));
        }
      } finally {
        await(vertx.close());
      }
    } finally {
      deleteTree(work);
    }
    report(out, items, runs);
  }

  private static Map<String, Object> run(HttpClient client, int port, long datasetId, long items,
      DatasetExporter.Format format, Path work) throws Exception {
    Memory memory = new Memory();
    Path file = work.resolve("export." + format.extension);
    long start = System.nanoTime();
    HttpResponse<InputStream> reply = client.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + port + "/?id=" + datasetId + "&format=" + format)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    if (reply.statusCode() != 200) {
      throw new IllegalStateException("export answered " + reply.statusCode());
    }
    long bytes = 0;
    long lines = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = reply.body();
         OutputStream keep = format == DatasetExporter.Format.PARQUET ? Files.newOutputStream(file)
             : OutputStream.nullOutputStream()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        bytes += n;
        for (int i = 0; i < n; i++) {
          if (buffer[i] == '\n') {
            lines++;
          }
        }
        keep.write(buffer, 0, n);
        memory.sample();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    memory.sample();
    long rows = lines;
    if (format == DatasetExporter.Format.PARQUET) {
      try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
        rows = reader.getRecordCount();
      }
      Files.delete(file);
    }
    if (rows != items) {
      throw new IllegalStateException(format + " export of " + items + " items held " + rows + " rows");
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("format", format.extension);
    result.put("items", items);
    result.put("bytes", bytes);
    result.put("seconds", round(seconds, 2));
    result.put("mb_per_s", round(bytes / MB / seconds, 1));
    result.put("items_per_s", Math.round(items / seconds));
    result.put("peak_heap_pools_bytes", memory.poolPeaks());
    result.put("peak_live_heap_after_gc_bytes", memory.liveAfterGc.get());
    result.put("peak_rss_bytes", Memory.vmHwm());
    System.out.printf(Locale.ROOT, "%-8s %,10d items  %,8.1f MB  %6.2f s  %7.1f MB/s  heap peak %4d MiB"
            + "  live after GC %4d MiB  process RSS peak %4d MiB%n", format.extension, items, bytes / MB, seconds,
        bytes / MB / seconds, memory.poolPeaks() / MIB, memory.liveAfterGc.get() / MIB, Memory.vmHwm() / MIB);
    return result;
  }

  private static void report(Path out, long items, List<Map<String, Object>> runs) throws IOException {
    long worstHeap = runs.stream().mapToLong(r -> (Long) r.get("peak_heap_pools_bytes")).max().orElse(0);
    long rss = runs.stream().mapToLong(r -> (Long) r.get("peak_rss_bytes")).max().orElse(0);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("benchmark", "export");
    report.put("what", "dataset export streamed from PostgreSQL over loopback HTTP; MB = 10^6 bytes");
    report.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("java", System.getProperty("java.version"));
    report.put("target", "peak memory < 512 MiB whatever the size");
    report.put("target_met", worstHeap < TARGET_BYTES && rss < TARGET_BYTES);
    report.put("runs", runs);
    Path json = out.resolve("export.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
    System.out.printf("%ntarget: peak memory < 512 MiB for %,d items: heap pools peak %d MiB, process RSS peak %d MiB"
        + " -> %s%n", items, worstHeap / MIB, rss / MIB, (Boolean) report.get("target_met") ? "met" : "MISSED");
    System.out.println("written: " + json);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Memory figures of this process during one export. */
  private static final class Memory {
    private final List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).toList();
    final AtomicLong liveAfterGc = new AtomicLong();
    private long lastSample;

    Memory() {
      System.gc();
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    /** At most every 50 ms: the heap still in use after the latest collection of each pool. */
    void sample() {
      long now = System.nanoTime();
      if (now - lastSample < 50_000_000L) {
        return;
      }
      lastSample = now;
      long live = heap.stream().mapToLong(p -> p.getCollectionUsage() == null ? 0 : p.getCollectionUsage().getUsed())
          .sum();
      liveAfterGc.accumulateAndGet(live, Math::max);
    }

    long poolPeaks() {
      return heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /** Peak resident set of this process (Linux VmHWM), or -1 where /proc is missing. */
    static long vmHwm() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
          }
        }
      } catch (IOException | NumberFormatException e) {
        return -1;
      }
      return -1;
    }
  }
}
