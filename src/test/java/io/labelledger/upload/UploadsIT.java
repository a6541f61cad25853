package io.labelledger.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.blob.BlobId;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MediaSamples;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedFixtures;
import io.labelledger.testsupport.UploadFixtures;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Collection campaigns through the real service, on the embedded file store (subclasses run the same
 * tests on other stores): upload, then sign; and every kind of bad input refused with its code and
 * nothing stored (no upload row, no blob, no staged file).
 */
@ExtendWith(ChainExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UploadsIT {
  static final int PER_HOUR = 6;
  static final int LEASE_SECONDS = 120;
  static final int MAX_BYTES = 200_000;
  static final int IN_FLIGHT = 2;
  static final int IDLE_SECONDS = 2;
  static TestChain chain;
  static TestApp app;
  static String terms;
  static List<Contributor> crowd;
  static long campaign;
  static long otherCampaign;
  private static int nextContributor;

  /** Extra LABELLEDGER_* variables of the service under test (the blob store's, in subclasses). */
  static Map<String, String> storeEnv = Map.of();

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    Map<String, String> env = new HashMap<>(storeEnv);
    env.put("LABELLEDGER_BLOB_UPLOADS_PER_HOUR", Integer.toString(PER_HOUR));
    env.put("LABELLEDGER_LEASE_TTL_SECONDS", Integer.toString(LEASE_SECONDS));
    env.put("LABELLEDGER_BLOB_SWEEP_INTERVAL_MS", "3600000");
    env.put("LABELLEDGER_BLOB_UPLOADS_IN_FLIGHT", Integer.toString(IN_FLIGHT));
    env.put("LABELLEDGER_BLOB_UPLOAD_IDLE_SECONDS", Integer.toString(IDLE_SECONDS));
    app = TestApp.start("UploadsIT" + storeEnv.size(), env, chain);
    terms = app.publishTerms("Uploads IT terms: my recordings, my photos");
    crowd = WorkFixtures.consentingMany(app, chain, terms, 16);
    nextContributor = 0;
    campaign = TypedFixtures.campaign(app, terms, "upload", null, Map.of("mediaTypes",
        List.of("audio/wav", "audio/webm", "audio/ogg", "image/png", "text/plain"), "maxBytes", MAX_BYTES,
        "minSeconds", 0.5, "maxSeconds", 10));
    TypedFixtures.items(app, campaign, "prompt", prompts(20));
    otherCampaign = TypedFixtures.campaign(app, terms, "upload", null, Map.of());
    TypedFixtures.items(app, otherCampaign, "other", prompts(5));
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static List<Map<String, String>> prompts(int n) {
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Map.of("text", "Read aloud: sentence number " + i + "."));
    }
    return out;
  }

  private static synchronized Contributor fresh() {
    return crowd.get(nextContributor++);
  }

  private static Reply upload(Contributor c, long campaignId, JsonNode task, String type, byte[] bytes) {
    return UploadFixtures.upload(app, c, campaignId, task.get("itemId").asLong(), type, bytes);
  }

  private static long uploadRows() {
    return ((Number) WorkFixtures.queryValue(app, "select count(*) from uploads")).longValue();
  }

  /** Nothing of {@code bytes} kept: no new upload row, no blob, nothing left staged. */
  private static void assertNothingStored(long rowsBefore, byte[] bytes) throws Exception {
    assertThat(uploadRows()).as("upload rows").isEqualTo(rowsBefore);
    assertThat(app.blobs().exists(new BlobId(UploadFixtures.keccak(bytes)))).as("blob").isFalse();
    if (Files.isDirectory(app.blobStaging())) {
      try (Stream<java.nio.file.Path> staged = Files.list(app.blobStaging())) {
        assertThat(staged.filter(p -> p.getFileName().toString().startsWith("upload-"))).as("staged files").isEmpty();
      }
    }
  }

  private static void assertRefused(Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.errorCode()).as(reply.body()).isEqualTo(code);
    assertThat(reply.json().at("/error/message").asText()).isNotBlank();
  }

  @Test
  @Order(1)
  void uploadsARecordingThenAcceptsTheSignedReferenceToIt() throws Exception {
    Contributor c = fresh();
    JsonNode task = TypedFixtures.next(app, c, campaign);
    assertThat(task.get("taskType").asText()).isEqualTo("upload");
    assertThat(task.at("/answerSchema/required").toString()).contains("file");
    byte[] wav = MediaSamples.wav(1.25);
    Reply uploaded = UploadFixtures.upload(app, c, campaign, task.get("itemId").asLong(), "audio/wav", wav,
        "attachment; filename=\"sentence 3.wav\"", false);
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
    JsonNode u = uploaded.json();
    String file = UploadFixtures.keccak(wav);
    assertThat(u.get("file").asText()).isEqualTo(file);
    assertThat(u.get("sha256").asText()).isEqualTo(io.labelledger.chain.Hex.encode(
        MessageDigest.getInstance("SHA-256").digest(wav)));
    assertThat(u.get("bytes").asLong()).isEqualTo(wav.length);
    assertThat(u.get("mediaType").asText()).isEqualTo("audio/wav");
    assertThat(u.get("durationSeconds").asDouble()).isEqualTo(1.25);
    assertThat(u.get("fileName").asText()).isEqualTo("sentence 3.wav");
    String answer = "{\"bytes\":" + wav.length + ",\"file\":\"" + file + "\",\"mediaType\":\"audio/wav\"}";
    assertThat(u.get("answer").asText()).isEqualTo(answer);
    assertThat(app.blobs().exists(new BlobId(file))).isTrue();
    try (InputStream in = app.blobs().open(new BlobId(file))) {
      assertThat(in.readAllBytes()).isEqualTo(wav);
    }

    Reply submitted = TypedFixtures.submit(app, c, task, answer);
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(201);
    assertThat(WorkFixtures.queryValue(app, "select answer from contributions where id = "
        + submitted.json().get("id").asLong())).isEqualTo(answer);
  }

  @Test
  @Order(2)
  void acceptsEachSupportedKindAndStoresIdenticalBytesOnce() {
    Contributor a = fresh();
    Contributor b = fresh();
    byte[] text = MediaSamples.text("A sentence I wrote myself.\n");
    JsonNode taskA = TypedFixtures.next(app, a, campaign);
    JsonNode taskB = TypedFixtures.next(app, b, campaign);
    Reply first = upload(a, campaign, taskA, "text/plain; charset=utf-8", text);
    Reply second = upload(b, campaign, taskB, "text/plain", text);
    assertThat(first.status()).as(first.body()).isEqualTo(201);
    assertThat(second.status()).as(second.body()).isEqualTo(201);
    assertThat(second.json().get("file")).isEqualTo(first.json().get("file"));
    assertThat(upload(a, campaign, taskA, "audio/webm", MediaSamples.webm(2, false, false)).status()).isEqualTo(201);
    assertThat(upload(a, campaign, taskA, "audio/ogg", MediaSamples.oggOpus(3)).status()).isEqualTo(201);
    assertThat(upload(b, campaign, taskB, "image/png", MediaSamples.png(64, 48)).status()).isEqualTo(201);
  }

  @Test
  @Order(3)
  void refusesAFileOverTheCampaignsMaxBytesWith413AndStopsReadingIt() throws Exception {
    Contributor c = fresh();
    JsonNode task = TypedFixtures.next(app, c, campaign);
    long before = uploadRows();
    byte[] big = MediaSamples.wav(13); // 208 kB, over 200,000 bytes
    Reply announced = upload(c, campaign, task, "audio/wav", big);
    assertRefused(announced, 413, "FILE_TOO_LARGE");
    assertThat(announced.header("connection")).isEqualToIgnoringCase("close");
    Reply streamed = UploadFixtures.upload(app, c, campaign, task.get("itemId").asLong(), "audio/wav", big, null, true);
    assertRefused(streamed, 413, "FILE_TOO_LARGE");
    assertNothingStored(before, big);
  }

  @Test
  @Order(4)
  void refusesAMediaTypeTheCampaignDoesNotTakeAndBytesThatAreNotWhatTheyClaim() throws Exception {
    Contributor c = fresh();
    JsonNode task = TypedFixtures.next(app, c, campaign);
    long before = uploadRows();
    byte[] jpeg = MediaSamples.jpeg(32, 32);
    assertRefused(upload(c, campaign, task, "image/jpeg", jpeg), 415, "MEDIA_TYPE_NOT_ALLOWED");
    assertRefused(upload(c, campaign, task, null, jpeg), 415, "MEDIA_TYPE_REQUIRED");
    byte[] png = MediaSamples.png(16, 16);
    Reply mismatch = upload(c, campaign, task, "audio/wav", png);
    assertRefused(mismatch, 422, "MEDIA_TYPE_MISMATCH");
    assertThat(mismatch.json().at("/error/details/detected").asText()).isEqualTo("image/png");
    byte[] video = MediaSamples.webm(2, true, false);
    assertRefused(upload(c, campaign, task, "audio/webm", video), 422, "MEDIA_TYPE_MISMATCH");
    byte[] pdf = "%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n".getBytes(StandardCharsets.UTF_8);
    assertRefused(upload(c, campaign, task, "text/plain", pdf), 422, "MEDIA_TYPE_MISMATCH");
    assertNothingStored(before, jpeg);
    assertNothingStored(before, png);
    assertNothingStored(before, video);
    assertNothingStored(before, pdf);
  }

  @Test
  @Order(5)
  void refusesAnEmptyOrTruncatedUpload() throws Exception {
    Contributor c = fresh();
    JsonNode task = TypedFixtures.next(app, c, campaign);
    long before = uploadRows();
    assertRefused(upload(c, campaign, task, "audio/wav", new byte[0]), 400, "FILE_EMPTY");
    byte[] wav = MediaSamples.wav(2);
    byte[] cut = java.util.Arrays.copyOf(wav, wav.length / 2);
    assertRefused(upload(c, campaign, task, "audio/wav", cut), 400, "FILE_TRUNCATED");
    assertNothingStored(before, cut);

    // a body that breaks off: the client announces 20,000 bytes, sends 5,000 and goes away
    try (Socket socket = new Socket("127.0.0.1", java.net.URI.create(app.baseUrl()).getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/campaigns/" + campaign + "/uploads?itemId=" + task.get("itemId").asLong()
          + " HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer " + c.token()
          + "\r\nContent-Type: audio/wav\r\nContent-Length: 20000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(java.util.Arrays.copyOf(MediaSamples.wav(1), 5000));
      out.flush();
      Thread.sleep(300);
    }
    Thread.sleep(500);
    assertThat(uploadRows()).isEqualTo(before);
    assertNothingStored(before, MediaSamples.wav(1));
  }

  @Test
  @Order(6)
  void refusesAudioOutsideTheCampaignsDurationBounds() throws Exception {
    Contributor c = fresh();
    JsonNode task = TypedFixtures.next(app, c, campaign);
    long before = uploadRows();
    byte[] tooShort = MediaSamples.wav(0.25);
    Reply shortReply = upload(c, campaign, task, "audio/wav", tooShort);
    assertRefused(shortReply, 422, "AUDIO_DURATION_OUT_OF_RANGE");
    assertThat(shortReply.json().at("/error/details/seconds").asDouble()).isEqualTo(0.25);
    byte[] tooLong = MediaSamples.oggOpus(11);
    assertRefused(upload(c, campaign, task, "audio/ogg", tooLong), 422, "AUDIO_DURATION_OUT_OF_RANGE");
    assertNothingStored(before, tooShort);
    assertNothingStored(before, tooLong);
  }

  @Test
  @Order(7)
  void refusesPathTraversalAndOddFileNames() throws Exception {
    Contributor c = fresh();
    JsonNode task = TypedFixtures.next(app, c, campaign);
    long before = uploadRows();
    byte[] wav = MediaSamples.wav(1);
    for (String name : List.of("../../etc/passwd", "..\\\\boot.ini", "a/b.wav", ".hidden", "tab\there.wav",
        "C:evil.wav", "x".repeat(300))) {
      Reply reply = UploadFixtures.upload(app, c, campaign, task.get("itemId").asLong(), "audio/wav", wav,
          "attachment; filename=\"" + name + "\"", false);
      assertRefused(reply, 400, "FILE_NAME_INVALID");
    }
    assertNothingStored(before, wav);
  }

  @Test
  @Order(8)
  void refusesUploadsWithoutALeaseOnTheItemOrToAnotherKindOfCampaign() throws Exception {
    Contributor c = fresh();
    long before = uploadRows();
    byte[] wav = MediaSamples.wav(1.5);
    assertRefused(UploadFixtures.upload(app, c, campaign, 1, "audio/wav", wav), 409, "ITEM_NOT_ASSIGNED");
    long labelling = WorkFixtures.campaign(app, terms, 1, 0);
    assertRefused(UploadFixtures.upload(app, c, labelling, 1, "audio/wav", wav), 409, "NOT_AN_UPLOAD_CAMPAIGN");
    assertNothingStored(before, wav);
  }

  @Test
  @Order(9)
  void refusesSignedContributionsNamingAFileThatIsNotTheSignersUploadForThisItem() throws Exception {
    Contributor owner = fresh();
    Contributor other = fresh();
    JsonNode ownerTask = TypedFixtures.next(app, owner, campaign);
    JsonNode otherTask = TypedFixtures.next(app, other, campaign);
    long stored = TypedFixtures.stored(app, campaign);

    String notStored = "{\"bytes\":100,\"file\":\"0x" + "ab".repeat(32) + "\",\"mediaType\":\"audio/wav\"}";
    assertRefused(TypedFixtures.submit(app, owner, ownerTask, notStored), 422, "FILE_NOT_STORED");

    byte[] wav = MediaSamples.wav(2.5);
    Reply up = upload(owner, campaign, ownerTask, "audio/wav", wav);
    assertThat(up.status()).as(up.body()).isEqualTo(201);
    String answer = up.json().get("answer").asText();
    assertRefused(TypedFixtures.submit(app, other, otherTask, answer), 422, "FILE_NOT_UPLOADED_HERE");

    JsonNode elsewhere = TypedFixtures.next(app, owner, otherCampaign);
    byte[] png = MediaSamples.png(40, 40);
    Reply otherUpload = upload(owner, otherCampaign, elsewhere, "image/png", png);
    assertThat(otherUpload.status()).as(otherUpload.body()).isEqualTo(201);
    assertRefused(TypedFixtures.submit(app, owner, ownerTask, otherUpload.json().get("answer").asText()), 422,
        "FILE_NOT_UPLOADED_HERE");

    String wrongLength = answer.replace("\"bytes\":" + wav.length, "\"bytes\":" + (wav.length - 2));
    assertRefused(TypedFixtures.submit(app, owner, ownerTask, wrongLength), 422, "FILE_MISMATCH");
    String wrongType = answer.replace("audio/wav", "audio/ogg");
    assertRefused(TypedFixtures.submit(app, owner, ownerTask, wrongType), 422, "FILE_MISMATCH");
    assertThat(TypedFixtures.stored(app, campaign)).isEqualTo(stored);

    assertThat(TypedFixtures.submit(app, owner, ownerTask, answer).status()).isEqualTo(201);
  }

  @Test
  @Order(10)
  void refusesTheUploadPastTheHourlyLimitWith429() throws Exception {
    Contributor c = fresh();
    JsonNode task = TypedFixtures.next(app, c, campaign);
    for (int i = 0; i < PER_HOUR; i++) {
      Reply ok = upload(c, campaign, task, "text/plain", MediaSamples.text("take " + i + "\n"));
      assertThat(ok.status()).as(ok.body()).isEqualTo(201);
    }
    long before = uploadRows();
    byte[] extra = MediaSamples.text("one too many\n");
    Reply refused = upload(c, campaign, task, "text/plain", extra);
    assertRefused(refused, 429, "UPLOAD_RATE_LIMITED");
    assertThat(Long.parseLong(refused.header("retry-after"))).isBetween(1L, 3601L);
    assertNothingStored(before, extra);
  }

  /**
   * An upload whose client sends its headers and the first bytes of a 1,000-byte body, then either
   * nothing (it holds one of the account's slots and a staging file until the service gives up on it)
   * or, {@code trickling}, one more byte every 500 ms (still in progress, however long the test takes).
   */
  private static final class SlowUpload implements AutoCloseable {
    final Socket socket;
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    SlowUpload(Contributor c, JsonNode task, boolean trickling) throws IOException {
      URI base = URI.create(app.baseUrl());
      socket = new Socket(base.getHost(), base.getPort());
      socket.setSoTimeout((IDLE_SECONDS + 15) * 1000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/campaigns/" + campaign + "/uploads?itemId=" + task.get("itemId").asLong()
          + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Bearer " + c.token() + "\r\n"
          + "Content-Type: text/plain\r\nContent-Length: 1000\r\n\r\nthe first").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      if (trickling) {
        trickle.scheduleAtFixedRate(() -> {
          try {
            out.write('.');
            out.flush();
          } catch (IOException closed) {
            trickle.shutdown();
          }
        }, 500, 500, TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public void close() throws IOException {
      trickle.shutdownNow();
      socket.close();
    }
  }

  /** Waits until exactly {@code n} uploads are being staged (each holds a slot from before its file is opened). */
  private static void awaitStaging(int n) throws Exception {
    long giveUp = System.nanoTime() + 10_000_000_000L;
    while (true) {
      long staged = 0;
      if (Files.isDirectory(app.blobStaging())) {
        try (Stream<java.nio.file.Path> files = Files.list(app.blobStaging())) {
          staged = files.filter(p -> p.getFileName().toString().startsWith("upload-")).count();
        }
      }
      if (staged == n) {
        return;
      }
      assertThat(System.nanoTime()).as("%d uploads staged, waiting for %d", staged, n).isLessThan(giveUp);
      Thread.sleep(50);
    }
  }

  @Test
  @Order(11)
  void refusesAnUploadThatStopsSendingWith408AndClosesIt() throws Exception {
    Contributor c = fresh();
    JsonNode task = TypedFixtures.next(app, c, campaign);
    long before = uploadRows();
    long started = System.nanoTime();
    try (SlowUpload stalled = new SlowUpload(c, task, false)) {
      String reply = new String(stalled.socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(reply).as("the reply, then the connection closed").startsWith("HTTP/1.1 408")
          .contains("\"UPLOAD_STALLED\"");
    }
    assertThat((System.nanoTime() - started) / 1e9).as("seconds until refused").isGreaterThanOrEqualTo(IDLE_SECONDS);
    awaitStaging(0);
    assertThat(uploadRows()).isEqualTo(before);
  }

  @Test
  @Order(12)
  void countsUploadsInProgressAgainstTheAccountsLimits() throws Exception {
    Contributor c = fresh();
    JsonNode task = TypedFixtures.next(app, c, campaign);
    try (SlowUpload first = new SlowUpload(c, task, true); SlowUpload second = new SlowUpload(c, task, true)) {
      awaitStaging(IN_FLIGHT);
      Reply busy = upload(c, campaign, task, "text/plain", MediaSamples.text("a third at once\n"));
      assertRefused(busy, 429, "UPLOADS_IN_PROGRESS");
      assertThat(busy.header("retry-after")).isEqualTo("1");
    }
    awaitStaging(0); // the clients went away: their slots are free again, their parts deleted

    // one upload in progress and PER_HOUR - 1 recorded: the hour is full until the one in progress ends
    try (SlowUpload inProgress = new SlowUpload(c, task, true)) {
      awaitStaging(1);
      for (int i = 0; i < PER_HOUR - 1; i++) {
        Reply ok = upload(c, campaign, task, "text/plain", MediaSamples.text("take " + i + " beside one in progress\n"));
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
      }
      assertRefused(upload(c, campaign, task, "text/plain", MediaSamples.text("one too many\n")), 429,
          "UPLOAD_RATE_LIMITED");
    }
    awaitStaging(0);
    Reply last = upload(c, campaign, task, "text/plain", MediaSamples.text("the hour's last\n"));
    assertThat(last.status()).as(last.body()).isEqualTo(201);
  }

  @Test
  @Order(20)
  void sweepsFilesNobodySignedWithinTheLeaseTimeButKeepsBytesASignedContributionNames() throws Exception {
    Contributor signer = fresh();
    Contributor idler = fresh();
    byte[] shared = MediaSamples.oggOpus(2);
    byte[] lonely = MediaSamples.webm(3, false, true);
    JsonNode signerTask = TypedFixtures.next(app, signer, campaign);
    JsonNode idlerTask = TypedFixtures.next(app, idler, campaign);
    Reply signed = upload(signer, campaign, signerTask, "audio/ogg", shared);
    assertThat(TypedFixtures.submit(app, signer, signerTask, signed.json().get("answer").asText()).status())
        .isEqualTo(201);
    assertThat(upload(idler, campaign, idlerTask, "audio/ogg", shared).status()).isEqualTo(201);
    assertThat(upload(idler, campaign, idlerTask, "audio/webm", lonely).status()).isEqualTo(201);

    app.sweepUploads();
    BlobId lonelyId = new BlobId(UploadFixtures.keccak(lonely));
    assertThat(app.blobs().exists(lonelyId)).as("not yet expired").isTrue();

    app.clock().advance(Duration.ofSeconds(LEASE_SECONDS).plus(BlobSweeper.GRACE).plusSeconds(1));
    app.sweepUploads();
    assertThat(app.blobs().exists(lonelyId)).as("unsigned past the lease time").isFalse();
    assertThat(app.blobs().exists(new BlobId(UploadFixtures.keccak(shared))))
        .as("the same bytes are named by a signed contribution").isTrue();
    assertThat(WorkFixtures.queryValue(app, "select count(*) from uploads where file = '" + lonelyId
        + "' and swept_at is not null")).isEqualTo(1L);

    Reply late = TypedFixtures.submit(app, idler, idlerTask, UploadType_answer(lonely));
    assertThat(late.status()).as(late.body()).isIn(409, 422);

    long before = uploadRows();
    byte[] afterLease = MediaSamples.text("uploaded once the lease ran out\n");
    assertRefused(upload(idler, campaign, idlerTask, "text/plain", afterLease), 409, "LEASE_EXPIRED");
    assertNothingStored(before, afterLease);
  }

  private static String UploadType_answer(byte[] webm) {
    return "{\"bytes\":" + webm.length + ",\"file\":\"" + UploadFixtures.keccak(webm) + "\",\"mediaType\":\"audio/webm\"}";
  }
}
