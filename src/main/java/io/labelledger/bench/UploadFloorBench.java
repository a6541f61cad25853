package io.labelledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labelledger.App;
import io.labelledger.blob.Blob;
import io.labelledger.blob.BlobHasher;
import io.labelledger.blob.BlobId;
import io.labelledger.blob.FileBlobStore;
import io.labelledger.ops.LocalFiles;
import io.labelledger.upload.StagedBody;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code scripts/bench upload-floor}: what this machine allows an upload path at all, whatever the
 * service does around it. A receiver in its own JVM does only what every stored upload must: it
 * streams the body to a staging file ({@link StagedBody}, as the service does), computes its keccak256
 * and sha256 ({@link BlobHasher}), fsyncs it and renames it into a {@link FileBlobStore}; no inspection,
 * no database, no session, no signature. The client is {@code scripts/bench upload}'s: {@code --clients}
 * threads of the JDK's HTTP/1.1 client sending files of the same log-uniform sizes from their own directory
 * and checking each keccak256 returned. An untimed pass first (the JIT), then the timed one. Prints MB/s,
 * files/s and the CPU time of the receiver and of the client per GB; {@code --hash none} leaves out the
 * hashing to show its share. Writes {@code target/bench/upload-floor.json}.
 */
public final class UploadFloorBench {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private UploadFloorBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("receiver")) {
      receive(Integer.parseInt(args[1]), Path.of(args[2]), args[3].equals("both"));
      return;
    }
    BenchFlags flags = new BenchFlags(args);
    int files = flags.integer("files", 400);
    int warmUp = flags.integer("warm-up-files", 400);
    int clients = flags.integer("clients", 16);
    int minKb = flags.integer("min-kb", 100);
    int maxKb = flags.integer("max-kb", 5 * 1024);
    int seed = flags.integer("seed", 1);
    String hashFlag = flags.text("hash");
    String hash = hashFlag == null ? "both" : hashFlag;
    Path out = flags.path(0, "target/bench");
    flags.requireAllTaken("--files --warm-up-files --clients --min-kb --max-kb --seed --hash");
    BenchFlags.require(files > 0 && clients > 0 && warmUp >= 0 && minKb > 0 && maxKb >= minKb, "sizes must be positive");
    BenchFlags.require(hash.equals("both") || hash.equals("none"), "--hash is both or none");

    Path dir = out.resolve("upload-floor");
    LocalFiles.deleteRecursively(dir);
    Files.createDirectories(dir);
    SplittableRandom random = new SplittableRandom(seed);
    List<ClientFile> warm = write(dir.resolve("client-warm-up"), warmUp, minKb, maxKb, random);
    List<ClientFile> timed = write(dir.resolve("client"), files, minKb, maxKb, random);

    int port = LocalFiles.freePort();
    Process receiver = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
        "-cp", System.getProperty("java.class.path"), UploadFloorBench.class.getName(), "receiver",
        Integer.toString(port), dir.resolve("receiver").toString(), hash)
        .redirectErrorStream(true).redirectOutput(dir.resolve("receiver.log").toFile()).start();
    Runtime.getRuntime().addShutdownHook(new Thread(receiver::destroy, "upload-floor-stop"));
    try {
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      awaitListening(http, port, receiver);
      send(http, port, warm, clients, hash.equals("both"));
      long receiverBefore = ProcessCpu.ticksIfAlive(receiver.pid());
      long clientBefore = ProcessCpu.ticksIfAlive(ProcessHandle.current().pid());
      long t0 = System.nanoTime();
      long bytes = send(http, port, timed, clients, hash.equals("both"));
      double seconds = (System.nanoTime() - t0) / 1e9;
      long receiverTicks = ProcessCpu.ticksIfAlive(receiver.pid()) - receiverBefore;
      long clientTicks = ProcessCpu.ticksIfAlive(ProcessHandle.current().pid()) - clientBefore;

      double gb = bytes / 1e9;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("hash", hash);
      r.put("clients", clients);
      r.put("files", files);
      r.put("bytes", bytes);
      r.put("seconds", Math.round(seconds * 100) / 100.0);
      r.put("mb_per_s", Math.round(bytes / 1e6 / seconds * 10) / 10.0);
      r.put("files_per_s", Math.round(files / seconds * 10) / 10.0);
      r.put("receiver_cpu_s_per_gb", Math.round(receiverTicks / 100.0 / gb * 10) / 10.0);
      r.put("client_cpu_s_per_gb", Math.round(clientTicks / 100.0 / gb * 10) / 10.0);
      r.put("load_average", Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      System.out.printf("upload floor (hash %s): %,d files, %.0f MB in %.2f s: %.1f MB/s, %.1f files/s; CPU per GB:"
              + " receiver %.1f s, client %.1f s (the two cores give %.0f MB/s at that cost)%n", hash, files, bytes / 1e6,
          seconds, bytes / 1e6 / seconds, files / seconds, receiverTicks / 100.0 / gb, clientTicks / 100.0 / gb,
          2 / ((receiverTicks + clientTicks) / 100.0 / gb) * 1000);
      JSON.writeValue(out.resolve("upload-floor" + (hash.equals("none") ? "-nohash" : "") + ".json").toFile(), r);
    } finally {
      receiver.destroy();
      receiver.waitFor(10, TimeUnit.SECONDS);
      LocalFiles.deleteRecursively(dir);
    }
  }

  /** The receiver: staged, hashed (or not), fsynced and renamed into the store; 201 with the keccak256. */
  private static void receive(int port, Path dir, boolean hashed) throws Exception {
    FileBlobStore store = FileBlobStore.open(dir);
    Vertx vertx = Vertx.vertx();
    vertx.createHttpServer(new HttpServerOptions().setMaxChunkSize(App.HTTP_MAX_CHUNK)).requestHandler(request -> {
      if (request.path().equals("/ready")) {
        request.response().end();
        return;
      }
      request.pause();
      StagedBody.receive(vertx, request, store.tmpDir(), Long.MAX_VALUE, Duration.ofMinutes(1))
          .compose(staged -> vertx.executeBlocking(() -> {
            // unhashed: a random name of the same shape, so that each file is still renamed into place
            Blob hashes = hashed ? BlobHasher.of(staged) : new Blob(new BlobId("0x" + UUID.randomUUID().toString()
                .replace("-", "") + UUID.randomUUID().toString().replace("-", "")), "", Files.size(staged), false);
            return store.putHashed(staged, hashes);
          }, false))
          .onSuccess(blob -> request.response().setStatusCode(201).end("{\"file\":\"" + blob.id().hex() + "\"}"))
          .onFailure(err -> request.response().setStatusCode(500).end(String.valueOf(err)));
    }).listen(port, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
  }

  private static void awaitListening(HttpClient http, int port, Process receiver) throws Exception {
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
            HttpResponse.BodyHandlers.discarding());
        return;
      } catch (IOException notYet) {
        if (!receiver.isAlive() || System.nanoTime() > giveUp) {
          throw new IllegalStateException("the receiver did not start; see its log", notYet);
        }
        Thread.sleep(200);
      }
    }
  }

  /** A file the client sends, and its keccak256 (computed as it was written, untimed). */
  private record ClientFile(Path path, long bytes, String keccak) {}

  /** Seeded random bytes of log-uniform sizes, as {@code scripts/bench upload}'s mixed pass. */
  private static List<ClientFile> write(Path dir, int n, int minKb, int maxKb, SplittableRandom random)
      throws IOException {
    Files.createDirectories(dir);
    List<ClientFile> out = new ArrayList<>(n);
    byte[] buffer = new byte[64 * 1024];
    for (int i = 0; i < n; i++) {
      double logMin = Math.log(minKb * 1024.0);
      long size = Math.round(Math.exp(logMin + random.nextDouble() * (Math.log(maxKb * 1024.0) - logMin)));
      Path file = dir.resolve("f" + i);
      BlobHasher hasher = new BlobHasher();
      try (OutputStream o = Files.newOutputStream(file)) {
        for (long left = size; left > 0; left -= buffer.length) {
          random.nextBytes(buffer);
          int length = (int) Math.min(left, buffer.length);
          o.write(buffer, 0, length);
          hasher.update(buffer, 0, length);
        }
      }
      out.add(new ClientFile(file, size, hasher.finish(false).id().hex()));
    }
    return out;
  }

  /** Sends every file from {@code clients} threads (each reply's keccak256 checked when hashed); the bytes sent. */
  private static long send(HttpClient http, int port, List<ClientFile> files, int clients, boolean hashed)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Long>> running = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        running.add(pool.submit(() -> {
          long sent = 0;
          for (int i; (i = next.getAndIncrement()) < files.size(); ) {
            ClientFile file = files.get(i);
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/up"))
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofFile(file.path())).build(),
                HttpResponse.BodyHandlers.ofString());
            JsonNode body = reply.statusCode() == 201 ? JSON.readTree(reply.body()) : null;
            if (body == null || (hashed && !body.path("file").asText().equals(file.keccak()))) {
              throw new IllegalStateException("the receiver answered " + reply.statusCode() + " " + reply.body()
                  + " for a file hashing to " + file.keccak());
            }
            sent += file.bytes();
          }
          return sent;
        }));
      }
      long bytes = 0;
      for (Future<Long> f : running) {
        bytes += f.get(30, TimeUnit.MINUTES);
      }
      return bytes;
    } finally {
      pool.shutdownNow();
    }
  }
}
