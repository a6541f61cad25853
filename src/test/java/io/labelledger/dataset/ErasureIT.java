package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.blob.BlobId;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MediaSamples;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedDataSigner;
import io.labelledger.testsupport.TypedFixtures;
import io.labelledger.testsupport.UploadFixtures;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import io.labelledger.upload.ErasureSweeper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * Consent withdrawn = data erased, end to end on the file store (subclasses: other stores): recordings
 * uploaded and signed, a version built, listed and bought, its files exported as a WebDataset tar and an
 * audiofolder zip, each file checked by the buyer from its bytes to an anchored digest; then one
 * contributor revokes through the service and another directly on ConsentRegistry with their own key:
 * after one erasure round their files are gone from the store (except bytes another consenting
 * contributor also signed), every export of the version leaves them out and says how many, and the next
 * version is built without them while the earlier buyer is told.
 */
@ExtendWith(ChainExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErasureIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final BigInteger PRICE = BigInteger.valueOf(1_000_000);
  static TestChain chain;
  static TestApp app;
  static String terms;
  static long campaign;
  /** 0 revokes through the service, 1 directly on-chain, 2 signs one of 0's files too, 3 keeps consenting. */
  static List<Contributor> crowd;
  /** Files each contributor signed (address, lower case → blob ids). */
  static final Map<String, Set<String>> FILES = new HashMap<>();
  static String shared;
  static long v1;
  /** A second campaign under the same terms, one text file per item: contributor 1's item loses its only file. */
  static long notes;
  static long notesVersion;
  static String lostNote;
  static Credentials buyer;
  static String buyerToken;

  /** Extra LABELLEDGER_* variables of the service under test (the blob store's, in subclasses). */
  static Map<String, String> storeEnv = Map.of();

  @TempDir
  Path dir;

  @BeforeAll
  static void start(TestChain testChain) throws Exception {
    chain = testChain;
    FILES.clear();
    Map<String, String> env = new HashMap<>(storeEnv);
    env.put("LABELLEDGER_LEASE_TTL_SECONDS", "600");
    env.put("LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "0");
    env.put("LABELLEDGER_BLOB_SWEEP_INTERVAL_MS", "3600000");
    env.put("LABELLEDGER_BLOB_ERASURE_INTERVAL_MS", "3600000");
    env.put("LABELLEDGER_CLAIM_INTERVAL_SECONDS", "3600");
    app = TestApp.start("ErasureIT" + storeEnv.size(), env, chain);
    terms = app.publishTerms("Erasure IT terms: my recordings may be sold until I withdraw; then erase them.");
    crowd = WorkFixtures.consentingMany(app, chain, terms, 4);
    Reply created = TypedFixtures.create(app, terms, "upload", null, Map.of("mediaTypes", List.of("audio/wav"),
        "maxBytes", 1_000_000, "minSeconds", 0.1, "maxSeconds", 10), 4);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    campaign = created.json().get("id").asLong();
    TypedFixtures.items(app, campaign, "sentence", List.of(Map.of("text", "Read aloud: the first sentence."),
        Map.of("text", "Read aloud: the second sentence.")));
    for (int k = 0; k < crowd.size(); k++) {
      Contributor c = crowd.get(k);
      for (int round = 0; round < 2; round++) {
        JsonNode task = TypedFixtures.next(app, c, campaign);
        long item = task.get("itemId").asLong();
        // contributor 2's first file is byte for byte contributor 0's file for the same item
        byte[] wav = recording(k == 2 && round == 0 ? 0 : k, item);
        Reply uploaded = UploadFixtures.upload(app, c, campaign, item, "audio/wav", wav);
        assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
        Reply signed = TypedFixtures.submit(app, c, task, uploaded.json().get("answer").asText());
        assertThat(signed.status()).as(signed.body()).isEqualTo(201);
        String file = UploadFixtures.keccak(wav);
        FILES.computeIfAbsent(c.address().toLowerCase(), a -> new HashSet<>()).add(file);
        if (k == 2 && round == 0) {
          shared = file;
        }
      }
    }
    Reply notesCreated = TypedFixtures.create(app, terms, "upload", null, Map.of("mediaTypes",
        List.of("text/plain")), 1);
    assertThat(notesCreated.status()).as(notesCreated.body()).isEqualTo(201);
    notes = notesCreated.json().get("id").asLong();
    TypedFixtures.items(app, notes, "note", List.of(Map.of("text", "Write what you saw."),
        Map.of("text", "Write what you heard.")));
    for (int k : List.of(1, 3)) {
      Contributor c = crowd.get(k);
      JsonNode task = TypedFixtures.next(app, c, notes);
      byte[] text = MediaSamples.text("Note of contributor " + k + ".");
      Reply uploaded = UploadFixtures.upload(app, c, notes, task.get("itemId").asLong(), "text/plain", text);
      assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
      assertThat(TypedFixtures.submit(app, c, task, uploaded.json().get("answer").asText()).status()).isEqualTo(201);
      if (k == 1) {
        lostNote = UploadFixtures.keccak(text);
      }
    }
    // peer validation: two validators (their own consent) find every file valid, which accepts it
    List<Contributor> validators = WorkFixtures.consentingMany(app, chain, terms, 2);
    for (long uploads : List.of(campaign, notes)) {
      long validation = app.get("/api/campaigns/" + uploads).json().get("validationCampaignId").asLong();
      UploadFixtures.voteOnAll(app, validators, validation, "valid");
      DatasetPrerequisites.anchorAll(app, validation);
    }
    app.aggregate();
    DatasetPrerequisites.anchorAll(app, campaign);
    DatasetPrerequisites.anchorAll(app, notes);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  /** Distinct bytes per (contributor, item): durations 1 s apart per contributor, 20 ms per item. */
  private static byte[] recording(int contributor, long item) {
    return MediaSamples.wav(0.5 + contributor + (item % 40) * 0.02);
  }

  private static Set<String> filesOf(int k) {
    return FILES.get(crowd.get(k).address().toLowerCase());
  }

  @Test
  @Order(1)
  void aBoughtVersionExportsItsFilesAndEachChecksOutFromItsBytesToAnAnchoredLeaf() throws Exception {
    Reply built = app.postJson("/api/campaigns/" + campaign + "/datasets",
        Map.of("price", PRICE.toString(), "name", "Read sentences", "confidenceBar", 0.5), TestApp.OPERATOR_TOKEN);
    assertThat(built.status()).as(built.body()).isEqualTo(201);
    v1 = built.json().get("id").asLong();
    assertThat(built.json().get("itemCount").asLong()).isEqualTo(2);
    assertThat(built.json().get("contributionCount").asLong()).as("8 files and their 2 validations each")
        .isEqualTo(24);
    Reply listed = app.postJson("/api/datasets/" + v1 + "/listing", "", TestApp.OPERATOR_TOKEN);
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    buyer = chain.newAccount(2);
    buyerToken = app.signIn(buyer);
    assertThat(download(v1, "webdataset").statusCode()).as("no licence yet").isEqualTo(403);
    buy(v1);

    HttpResponse<byte[]> tar = download(v1, "webdataset");
    assertThat(tar.statusCode()).isEqualTo(200);
    assertThat(tar.headers().firstValue("Content-Type")).hasValue("application/x-tar");
    assertThat(tar.headers().firstValue("LabelLedger-Erased-Contributions")).hasValue("0");
    Map<String, Sample> samples = readTar(tar.body());
    assertThat(samples).hasSize(8);
    Map<Long, Set<String>> leaves = leavesByItem(v1);
    for (Sample s : samples.values()) {
      assertChecksOut(s, leaves);
    }
    assertThat(samples.values().stream().map(s -> s.meta().get("file").asText()).toList())
        .containsExactlyInAnyOrderElementsOf(allSigned());

    HttpResponse<byte[]> zip = download(v1, "audiofolder");
    assertThat(zip.statusCode()).isEqualTo(200);
    List<Sample> folder = readFolder(zip.body());
    assertThat(folder).hasSize(8);
    for (Sample s : folder) {
      assertChecksOut(s, leaves);
    }
    Reply refused = app.get("/api/datasets/" + v1 + "/export?format=imagefolder", buyerToken);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.errorCode()).isEqualTo("INVALID_PARAMETER");
    assertThat(app.get("/api/datasets/" + v1 + "/card").body()).contains("Checking a file",
        "Left out of this version so far: 0 contribution(s)");

    Reply notesBuilt = app.postJson("/api/campaigns/" + notes + "/datasets",
        Map.of("price", PRICE.toString(), "confidenceBar", 0.5), TestApp.OPERATOR_TOKEN);
    assertThat(notesBuilt.status()).as(notesBuilt.body()).isEqualTo(201);
    notesVersion = notesBuilt.json().get("id").asLong();
    assertThat(notesBuilt.json().get("itemCount").asLong()).isEqualTo(2);
    assertThat(app.postJson("/api/datasets/" + notesVersion + "/listing", "", TestApp.OPERATOR_TOKEN).status())
        .isEqualTo(200);
    buy(notesVersion);
    assertThat(readTar(download(notesVersion, "webdataset").body())).hasSize(2);
    Reply audio = app.get("/api/datasets/" + notesVersion + "/export?format=audiofolder", buyerToken);
    assertThat(audio.status()).as("text files are no audiofolder").isEqualTo(400);
    assertThat(audio.errorCode()).isEqualTo("INVALID_PARAMETER");
  }

  @Test
  @Order(2)
  void withdrawnContributorsFilesAreErasedAndLeftOutOfEveryExportSaying() throws Exception {
    Contributor viaService = crowd.get(0);
    Reply revoked = app.postJson("/api/revocations", TypedDataSigner.signed(TypedDataSigner.revocation(
        app.deployment(), viaService.address(), terms, WorkFixtures.nonceOf(app, chain, viaService.address(), terms),
        System.currentTimeMillis() / 1000 + 3600), viaService.key()), viaService.token());
    assertThat(revoked.status()).as(revoked.body()).isEqualTo(202);
    Contributor direct = crowd.get(1);
    assertThat(ConsentRegistry.load(app.deployment().consentRegistry(), chain.web3j(),
        chain.txManager(direct.key()), chain.gas()).revoke(Hex.decode(terms)).send().isStatusOK()).isTrue();
    app.relayAndIndex();
    for (String file : allSigned()) {
      assertThat(app.blobs().exists(new BlobId(file))).as("nothing is erased before the sweeper's round").isTrue();
    }

    ErasureSweeper.Round round = app.eraseWithdrawn();
    assertThat(round.contributionsErased()).as("four recordings and a note").isEqualTo(5);
    assertThat(round.blobsDeleted()).as("the shared file stays for contributor 2").isEqualTo(4);
    assertThat(app.blobs().exists(new BlobId(lostNote))).isFalse();
    for (int k : List.of(0, 1)) {
      for (String file : filesOf(k)) {
        assertThat(app.blobs().exists(new BlobId(file))).as(file).isEqualTo(file.equals(shared));
      }
    }
    for (int k : List.of(2, 3)) {
      for (String file : filesOf(k)) {
        assertThat(app.blobs().exists(new BlobId(file))).as(file).isTrue();
      }
    }
    assertThat(app.eraseWithdrawn().contributionsErased()).as("a second round finds nothing").isZero();
    assertThat(WorkFixtures.queryValue(app, "select count(*) from erasures where erased_at is not null"
        + " and revoked_at is not null")).isEqualTo(5L);

    Set<String> kept = new HashSet<>(filesOf(2));
    kept.addAll(filesOf(3));
    HttpResponse<byte[]> tar = download(v1, "webdataset");
    assertThat(tar.statusCode()).isEqualTo(200);
    assertThat(tar.headers().firstValue("LabelLedger-Erased-Contributions")).hasValue("4");
    assertThat(tar.headers().firstValue("LabelLedger-Erased-Items")).hasValue("0");
    Map<String, Sample> samples = readTar(tar.body());
    Map<Long, Set<String>> leaves = leavesByItem(v1);
    for (Sample s : samples.values()) {
      assertChecksOut(s, leaves);
    }
    assertThat(samples.values().stream().map(s -> s.meta().get("contributor").asText()).distinct().toList())
        .containsExactlyInAnyOrder(crowd.get(2).address().toLowerCase(), crowd.get(3).address().toLowerCase());
    assertThat(samples.values().stream().map(s -> s.meta().get("file").asText()).toList())
        .containsExactlyInAnyOrderElementsOf(kept);
    List<Sample> folder = readFolder(download(v1, "audiofolder").body());
    assertThat(folder).hasSize(4);

    HttpResponse<byte[]> jsonl = download(v1, "jsonl");
    assertThat(jsonl.headers().firstValue("LabelLedger-Erased-Contributions")).hasValue("4");
    Set<String> listed = new HashSet<>();
    for (String line : new String(jsonl.body(), StandardCharsets.UTF_8).split("\n")) {
      JsonNode row = JSON.readTree(line);
      row.get("files").forEach(f -> listed.add(f.asText()));
      assertThat(row.get("label").asText()).doesNotContain(filesOf(1).toArray(String[]::new));
    }
    assertThat(listed).isEqualTo(kept);
    HttpResponse<byte[]> parquet = download(v1, "parquet");
    assertThat(parquet.statusCode()).isEqualTo(200);
    assertThat(parquet.headers().firstValue("LabelLedger-Erased-Contributions")).hasValue("4");
    assertThat(app.get("/api/datasets/" + v1 + "/card").body())
        .contains("Left out of this version so far: 4 contribution(s), 0 item(s)");

    HttpResponse<byte[]> notesRows = download(notesVersion, "jsonl");
    assertThat(notesRows.headers().firstValue("LabelLedger-Erased-Contributions")).hasValue("1");
    assertThat(notesRows.headers().firstValue("LabelLedger-Erased-Items")).hasValue("1");
    String[] rows = new String(notesRows.body(), StandardCharsets.UTF_8).split("\n");
    assertThat(rows).as("the item whose only file is erased is left out").hasSize(1);
    assertThat(rows[0]).doesNotContain(lostNote);
    Map<String, Sample> noteSamples = readTar(download(notesVersion, "webdataset").body());
    assertThat(noteSamples).hasSize(1);
    assertThat(noteSamples.values().iterator().next().meta().get("contributor").asText())
        .isEqualTo(crowd.get(3).address().toLowerCase());
  }

  @Test
  @Order(3)
  void theNextVersionIsBuiltWithoutThemAndTheEarlierBuyerIsTold() throws Exception {
    Reply built = app.postJson("/api/campaigns/" + campaign + "/datasets",
        Map.of("price", PRICE.toString(), "confidenceBar", 0.5), TestApp.OPERATOR_TOKEN);
    assertThat(built.status()).as(built.body()).isEqualTo(201);
    long v2 = built.json().get("id").asLong();
    assertThat(built.json().get("contributionCount").asLong()).as("4 files left and their 2 validations each")
        .isEqualTo(12);
    assertThat(built.json().get("contributorCount").asInt()).as("2 uploaders left and the 2 validators")
        .isEqualTo(4);
    assertThat(app.postJson("/api/datasets/" + v2 + "/listing", "", TestApp.OPERATOR_TOKEN).status()).isEqualTo(200);
    app.purchases(); // a purchase-indexing round tells buyers of earlier versions (it runs on its own timer)
    JsonNode notices = app.get("/api/notices/me", buyerToken).json().get("notices");
    assertThat(notices).singleElement().satisfies(n -> {
      assertThat(n.get("datasetId").asLong()).isEqualTo(v1);
      assertThat(n.get("contributorsRemoved").asInt()).isEqualTo(2);
      // their 4 files and the 8 votes on those files (a vote on a file the version no longer sells goes too)
      assertThat(n.get("contributionsRemoved").asInt()).isEqualTo(12);
    });

    buy(v2);
    HttpResponse<byte[]> jsonl = download(v2, "jsonl");
    assertThat(jsonl.headers().firstValue("LabelLedger-Erased-Contributions")).hasValue("0");
    Set<String> listed = new HashSet<>();
    for (String line : new String(jsonl.body(), StandardCharsets.UTF_8).split("\n")) {
      JSON.readTree(line).get("files").forEach(f -> listed.add(f.asText()));
    }
    Set<String> kept = new HashSet<>(filesOf(2));
    kept.addAll(filesOf(3));
    assertThat(listed).as("the items' files are those of the version's contributions").isEqualTo(kept);
    assertThat(readTar(download(v2, "webdataset").body())).hasSize(4);
  }

  // ---- the buyer's side

  /** A sample as the buyer finds it: its metadata and the file's bytes. */
  record Sample(JsonNode meta, byte[] file) {}

  /**
   * What the dataset card tells a buyer to check: keccak256(file) is the signed {@code file}; {@code answer}
   * names exactly it; the EIP-712 digest of the signed fields is {@code digest}; the digest is among the
   * item's leaves, and its proof leads to a root anchored on-chain.
   */
  private static void assertChecksOut(Sample s, Map<Long, Set<String>> leaves) {
    JsonNode m = s.meta();
    assertThat(UploadFixtures.keccak(s.file())).isEqualTo(m.get("file").asText());
    assertThat((long) s.file().length).isEqualTo(m.get("bytes").asLong());
    assertThat(m.get("answer").asText()).isEqualTo("{\"bytes\":" + s.file().length + ",\"file\":\""
        + m.get("file").asText() + "\",\"mediaType\":\"" + m.get("mediaType").asText() + "\"}");
    byte[] digest = new ContributionMessage(m.get("contributor").asText(),
        BigInteger.valueOf(m.get("campaignId").asLong()), BigInteger.valueOf(m.get("itemId").asLong()),
        m.get("answer").asText(), m.get("termsHash").asText(), m.get("submittedAt").asLong())
        .digest(ContributionMessage.domain(app.config().chain().chainId(), app.deployment().provenanceRegistry()));
    assertThat(Hex.encode(digest)).isEqualTo(m.get("digest").asText());
    assertThat(leaves.get(m.get("itemId").asLong())).contains(m.get("digest").asText());
    JsonNode proof = app.get("/api/proofs/" + m.get("digest").asText()).json();
    assertThat(proof.at("/anchor/state").asText()).isEqualTo("anchored");
  }

  /** Every file signed, once per contribution (the shared bytes twice). */
  private static List<String> allSigned() {
    List<String> out = new ArrayList<>();
    crowd.forEach(c -> out.addAll(FILES.get(c.address().toLowerCase())));
    return out;
  }

  /** The JSONL export's leaves by item. */
  private static Map<Long, Set<String>> leavesByItem(long dataset) throws Exception {
    Map<Long, Set<String>> out = new HashMap<>();
    for (String line : new String(download(dataset, "jsonl").body(), StandardCharsets.UTF_8).split("\n")) {
      JsonNode row = JSON.readTree(line);
      Set<String> set = out.computeIfAbsent(row.get("itemId").asLong(), i -> new HashSet<>());
      row.get("leaves").forEach(l -> set.add(l.asText()));
    }
    return out;
  }

  /** WebDataset: {@code <key>.json} then {@code <key>.wav}, for each sample, consecutively. */
  private static Map<String, Sample> readTar(byte[] tar) throws Exception {
    Map<String, JsonNode> metas = new LinkedHashMap<>();
    Map<String, Sample> out = new LinkedHashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      String previousKey = null;
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        String name = e.getName();
        String key = name.substring(0, name.indexOf('.'));
        byte[] bytes = in.readAllBytes();
        if (name.endsWith(".json")) {
          metas.put(key, JSON.readTree(bytes));
        } else {
          assertThat(name).isIn(key + ".wav", key + ".txt");
          assertThat(previousKey).as("a sample's files are consecutive").isEqualTo(key);
          out.put(key, new Sample(metas.get(key), bytes));
        }
        previousKey = key;
      }
    }
    assertThat(out.keySet()).isEqualTo(metas.keySet());
    return out;
  }

  /** Hugging Face audiofolder: {@code metadata.jsonl} whose {@code file_name}s are the other entries. */
  private List<Sample> readFolder(byte[] zip) throws Exception {
    Path file = dir.resolve("folder-" + System.nanoTime() + ".zip");
    Files.write(file, zip);
    List<Sample> out = new ArrayList<>();
    try (ZipFile z = ZipFile.builder().setPath(file).get()) {
      ZipArchiveEntry metadata = z.getEntry("metadata.jsonl");
      assertThat(metadata).isNotNull();
      String text;
      try (InputStream in = z.getInputStream(metadata)) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Set<String> named = new HashSet<>();
      for (String line : text.split("\n")) {
        if (line.isEmpty()) {
          continue;
        }
        JsonNode meta = JSON.readTree(line);
        String name = meta.get("file_name").asText();
        named.add(name);
        try (InputStream in = z.getInputStream(z.getEntry(name))) {
          out.add(new Sample(meta, in.readAllBytes()));
        }
      }
      List<String> entries = new ArrayList<>();
      z.getEntries().asIterator().forEachRemaining(e -> entries.add(e.getName()));
      assertThat(entries).containsExactlyInAnyOrderElementsOf(concat(named, "metadata.jsonl"));
    }
    return out;
  }

  private static List<String> concat(Set<String> names, String more) {
    List<String> out = new ArrayList<>(names);
    out.add(more);
    return out;
  }

  private static HttpResponse<byte[]> download(long dataset, String format) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(app.baseUrl() + "/api/datasets/" + dataset
            + "/export?format=" + format)).header("Authorization", "Bearer " + buyerToken)
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void buy(long dataset) throws Exception {
    TestToken.load(app.deployment().paymentToken(), chain.web3j(), chain.txManager(chain.funder()), chain.gas())
        .faucet(buyer.getAddress(), PRICE).send();
    JsonNode how = app.get("/api/datasets/" + dataset + "/purchase").json();
    for (JsonNode call : how.get("approveThenPurchase")) {
      var sent = chain.txManager(buyer).sendTransaction(TestChain.GAS_PRICE, TestChain.GAS_LIMIT,
          call.get("to").asText(), call.get("data").asText(), BigInteger.ZERO);
      assertThat(sent.hasError()).isFalse();
      assertThat(new PollingTransactionReceiptProcessor(chain.web3j(), 50, 1200)
          .waitForTransactionReceipt(sent.getTransactionHash()).isStatusOK()).isTrue();
    }
  }
}
