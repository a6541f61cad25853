package io.labelledger.demo;

import static io.labelledger.demo.StorySteps.abbreviate;
import static io.labelledger.demo.StorySteps.await;
import static io.labelledger.demo.StorySteps.awaitNothingLeft;
import static io.labelledger.demo.StorySteps.check;
import static io.labelledger.demo.StorySteps.checkEqual;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.Abi;
import io.labelledger.chain.Hex;
import io.labelledger.demo.StoryHttp.Reply;
import io.labelledger.demo.StorySteps.Buyer;
import io.labelledger.provenance.StandardMerkleTree;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.StructuredDataEncoder;

/**
 * A collection campaign end to end, as a team gathering read speech would run it: the operator publishes
 * terms and an {@code upload} campaign for {@code audio/wav} with peer validation (two agreeing votes) and
 * weighted shares (each accepted recording {@code uploadShares}, each accepted validation {@code
 * validationShares}), and uploads the prompts. Contributors with their own keys sign in, consent and record
 * every prompt — WAV files the story synthesizes (speech-like: a voiced tone with harmonics in syllables,
 * each speaker at their own pitch, seeded), uploaded, then signed by reference — one of them once uploads a
 * silent file. Validators (their own consent) are served each upload by the validation campaign and vote
 * on what they hear: each fetches the file the task names as the web app does, through {@code GET
 * /api/campaigns/{id}/items/{itemId}/file} while holding the item's lease, and the story checks that
 * keccak256 of the bytes they got is the file the task names; every recording is voted valid and the
 * silent one invalid, which rejects it.
 *
 * <p>The service's workers decide and anchor. The operator builds the version and lists it: shares per
 * account exactly {@code uploadShares × accepted recordings + validationShares × accepted votes}, the
 * content and shares roots checked on-chain. A buyer pays from their own wallet and downloads the
 * WebDataset tar and the audiofolder zip; every file is checked without trusting the service: its bytes
 * are the story's recording, keccak256(bytes) is the signed {@code file}, the answer is that file's
 * canonical JSON, the EIP-712 digest (web3j's encoder) of the signed fields is the sample's digest, and
 * its leaf is in the audit bundle with {@code answerHash} = keccak256(answer); the bundle states the
 * {@code weighted-by-campaign} rule with both weights and lists exactly the shares above, and
 * {@code labelledger audit} verifies it against the chain. Then one speaker withdraws consent (a signed
 * {@code Revocation}, relayed); after the service's erasure round every export of the version (tar, zip,
 * JSONL, Parquet) leaves their files out and says how many ({@code LabelLedger-Erased-Contributions}), and
 * holds every other file still. The files' absence from the store itself is seen through the API only
 * (the exports, which are streamed from the store); {@code CollectionStoryIT} also asks the store. The
 * first figure that does not check out stops it with a {@link StoryFailure}.
 */
public final class CollectionStory extends Story<CollectionStory.Outcome> {
  static final String WAV = "audio/wav";
  static final int RATE = 8000;
  /** A validator hears nothing below this RMS (16-bit samples); the recordings are far above it. */
  static final double SILENCE_RMS = 100;
  static final List<String> SENTENCES = List.of("The quick brown fox jumps over the lazy dog.",
      "A ledger keeps every label honest.", "Seven silver swans swam south in September.",
      "Please call Stella and ask her to bring these things.", "The rain in Spain stays mainly in the plain.",
      "Every file is checked from its bytes to the chain.", "She sells sea shells by the sea shore.",
      "Open data needs consent that can be withdrawn.");

  /**
   * The story's sizes: {@code prompts} to read (at most {@value #MAX_PROMPTS}), {@code speakers} who read
   * every prompt, {@code validators}, the two weights, the {@code seed} of the voices, and the price.
   */
  public record Plan(int prompts, int speakers, int validators, int uploadShares, int validationShares, long seed,
      BigInteger price) {
    public static Plan standard() {
      return new Plan(6, 4, 3, 10, 1, 20_261_206L, new BigInteger("5000000000000000007"));
    }
  }

  static final int MAX_PROMPTS = 8;
  /** The validation campaign's default maxVotes with agreeing 2: 2 × 2 − 1. */
  static final int MAX_VOTES = 3;

  /** What the story leaves behind (all checked). */
  public record Outcome(String serviceUrl, long campaignId, long validationCampaignId, long datasetId,
      long chainDatasetId, int prompts, int speakers, int validators, long uploads, long rejectedUploads, long votes,
      long versionContributions, Map<String, Long> shares, long filesChecked, String withdrawn,
      long erasedContributions, List<String> erasedFiles, List<String> keptFiles, Map<String, Double> seconds) {}

  private record Person(String name, Credentials key, String token) implements StorySteps.Signer {}

  /** A signed upload: the story's own bytes, what it expects of it, and the service's receipt. */
  private record Upload(Person who, String prompt, long itemId, byte[] bytes, String file, String answer,
      boolean audible, long id, String digest) {}

  /** A signed vote on an upload. */
  private record Vote(Person who, Upload upload, String vote, long id, String digest) {}

  private final Plan plan;
  private final Map<String, String> prompts = new LinkedHashMap<>();
  private final List<Person> speakers = new ArrayList<>();
  private final List<Person> validators = new ArrayList<>();
  private final List<Upload> uploads = new ArrayList<>();
  private final List<Vote> votes = new ArrayList<>();
  private final Map<String, Upload> byFile = new HashMap<>();
  private String terms;
  private long campaign;
  private long validation;
  private StorySteps.Listing listing;
  private Map<String, Long> shares;
  private Buyer buyer;
  private long filesChecked;
  private Person withdrawn;
  private long erased;

  public CollectionStory(StorySetup setup, Plan plan) {
    super(setup, plan.seed());
    if (plan.prompts() < 1 || plan.prompts() > MAX_PROMPTS || plan.speakers() < 2 || plan.validators() < 2) {
      throw new IllegalArgumentException("need 1 to " + MAX_PROMPTS + " prompts, two speakers (one withdraws, one"
          + " mumbles once) and two validators (two agreeing votes decide)");
    }
    this.plan = plan;
  }

  @Override
  Outcome play(long t0) {
    steps.timed("recordings", this::record);
    steps.timed("validation", this::validate);
    steps.timed("decisions and anchoring", this::awaitDecidedAndAnchored);
    steps.timed("version built and listed", this::buildAndList);
    steps.timed("purchase", this::purchase);
    steps.timed("exports with files", this::export);
    steps.timed("audit", () -> out.printf("audit: labelledger audit verified %s%n", steps.audit(listing.id())));
    steps.timed("withdrawal and erasure", this::withdrawAndErase);
    List<String> gone = filesOf(withdrawn);
    List<String> kept = uploads.stream().filter(u -> u.who() != withdrawn && u.audible()).map(Upload::file)
        .toList();
    return new Outcome(setup.serviceUrl(), campaign, validation, listing.id(), listing.chainDatasetId(),
        prompts.size(), speakers.size(), validators.size(), uploads.size(),
        uploads.stream().filter(u -> !u.audible()).count(), votes.size(), versionContributions().size(),
        shares, filesChecked, withdrawn.address(), erased, gone, kept, steps.seconds(t0));
  }

  // ------------------------------------------------------------------ the operator sets up

  @Override
  void publish() {
    terms = steps.publishTerms("You may sell my voice recordings and my validations of others' recordings for"
        + " model training until I withdraw; then erase my recordings. (collection story " + Instant.now() + ")");
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("mediaTypes", List.of(WAV));
    settings.put("maxBytes", 200_000);
    settings.put("minSeconds", 0.5);
    settings.put("maxSeconds", 5);
    settings.put("validation", Map.of("agreeing", 2));
    settings.put("shares", Map.of("upload", plan.uploadShares(), "validation", plan.validationShares()));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", "Story read speech");
    body.put("instructions", "Read the sentence aloud, clearly, in a quiet room.");
    body.put("taskType", "upload");
    body.put("settings", settings);
    body.put("overlap", plan.speakers());
    body.put("termsHash", terms);
    campaign = steps.createCampaign(body);
    JsonNode created = http.get("/api/campaigns/" + campaign, null).expect(200, "campaign").json();
    validation = created.path("validationCampaignId").asLong();
    check("the upload campaign has a validation campaign", validation > 0, created.toString());
    JsonNode v = http.get("/api/campaigns/" + validation, null).expect(200, "validation campaign").json();
    checkEqual("validation campaign type", "single_choice", v.path("taskType").asText());
    checkEqual("validation campaign labels", "[\"valid\",\"invalid\"]", v.path("labels").toString());
    checkEqual("validation campaign validates", campaign, v.path("validatesCampaignId").asLong());
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < plan.prompts(); i++) {
      String ref = String.format("p%02d", i + 1);
      prompts.put(ref, "Read aloud: " + SENTENCES.get(i));
      ObjectNode line = StoryHttp.JSON.createObjectNode().put("id", ref);
      line.putObject("data").put("text", prompts.get(ref));
      lines.append(line).append('\n');
    }
    steps.uploadItems(campaign, lines.toString());
    out.printf("operator: terms %s; upload campaign %d (audio/wav, 0.5-5 s; %d prompts, each read by %d speakers),"
        + " its validation campaign %d (valid/invalid, 2 agreeing votes decide); shares %d per recording, %d per"
        + " validation%n", abbreviate(terms), campaign, prompts.size(), plan.speakers(), validation,
        plan.uploadShares(), plan.validationShares());
  }

  // ------------------------------------------------------------------ people sign in and consent

  @Override
  void enrol() {
    for (int i = 0; i < plan.speakers(); i++) {
      speakers.add(person("speaker-" + (i + 1)));
    }
    for (int i = 0; i < plan.validators(); i++) {
      validators.add(person("validator-" + (i + 1)));
    }
    List<Person> everyone = new ArrayList<>(speakers);
    everyone.addAll(validators);
    steps.consentAll(everyone, terms);
    out.printf("people: %d speakers and %d validators signed in with their own keys and consented on-chain%n",
        speakers.size(), validators.size());
  }

  private Person person(String name) {
    Credentials key = StorySteps.newKey();
    return new Person(name, key, steps.signIn(key));
  }

  // ------------------------------------------------------------------ recordings

  /** The speaker who once uploads a silent file (not the one who withdraws). */
  private Person mumbler() {
    return speakers.get(speakers.size() - 1);
  }

  private void record() {
    List<Person> busy = new ArrayList<>(speakers);
    while (!busy.isEmpty()) {
      busy.removeIf(p -> !recordNext(p));
    }
    checkEqual("recordings signed", (long) plan.prompts() * plan.speakers(), (long) uploads.size());
    long bytes = uploads.stream().mapToLong(u -> u.bytes().length).sum();
    out.printf("recordings: %d WAV files synthesized (%d bytes in all), uploaded and signed by reference; %s's"
        + " recording of %s is silent%n", uploads.size(), bytes, mumbler().name(),
        uploads.stream().filter(u -> !u.audible()).map(Upload::prompt).findFirst().orElse("none"));
  }

  /** Takes the next prompt, records, uploads and signs; false when none is left for {@code p}. */
  private boolean recordNext(Person p) {
    Reply task = http.post("/api/campaigns/" + campaign + "/tasks/next", null, p.token());
    if (task.status() == 404 && "NO_TASK_AVAILABLE".equals(task.errorCode())) {
      return false;
    }
    JsonNode t = task.expect(200, "task for " + p.name()).json();
    checkEqual("task type", "upload", t.path("taskType").asText());
    long itemId = t.get("itemId").asLong();
    String prompt = prompts.entrySet().stream().filter(e -> e.getValue().equals(t.at("/payload/text").asText()))
        .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new StoryFailure("task payload",
            "not a prompt of the story: " + t.path("payload")));
    boolean audible = !(p == mumbler() && uploads.stream().noneMatch(u -> u.who() == p));
    int speaker = speakers.indexOf(p);
    byte[] wav = audible ? speech(speaker, prompt) : silence(1.2);
    String file = keccak(wav);
    String answer = "{\"bytes\":" + wav.length + ",\"file\":\"" + file + "\",\"mediaType\":\"" + WAV + "\"}";
    JsonNode stored = http.send("POST", "/api/campaigns/" + campaign + "/uploads?itemId=" + itemId, p.token(), WAV,
        wav).expect(201, "upload of " + p.name() + " for " + prompt).json();
    checkEqual("keccak256 of " + p.name() + "'s upload for " + prompt, file, stored.path("file").asText());
    checkEqual("sha256 of " + p.name() + "'s upload for " + prompt, sha256(wav), stored.path("sha256").asText());
    checkEqual("answer to sign for " + p.name() + "'s upload for " + prompt, answer, stored.path("answer").asText());
    check("no two recordings alike", !byFile.containsKey(file), file);
    StorySteps.Receipt receipt = steps.submit(t, answer, p.key(), p.token(), p.name());
    Upload u = new Upload(p, prompt, itemId, wav, file, answer, audible, receipt.id(), receipt.digest());
    uploads.add(u);
    byFile.put(file, u);
    return true;
  }

  /**
   * A read sentence as a speech-like signal: a voiced tone (fundamental at the speaker's own pitch, four
   * harmonics) in syllables of rising and falling loudness, the pitch gliding within each, with a little
   * breath noise. Distinct per speaker and prompt; the same for the same seed.
   */
  private byte[] speech(int speaker, String prompt) {
    SplittableRandom r = new SplittableRandom(plan.seed() * 31 + speaker * 1_000 + prompt.hashCode());
    double f0 = 95 + 40 * speaker + r.nextInt(10);
    int syllables = 4 + r.nextInt(5);
    double seconds = 0.9 + syllables * 0.12 + r.nextInt(20) / 100.0;
    int n = (int) Math.round(seconds * RATE);
    short[] samples = new short[n];
    double phase = 0;
    int per = n / syllables;
    for (int i = 0; i < n; i++) {
      int s = Math.min(syllables - 1, i / per);
      double within = (i - s * per) / (double) per;
      double envelope = within < 0.1 || within > 0.85 ? 0.05 : Math.sin(Math.PI * (within - 0.1) / 0.75);
      double pitch = f0 * (1 + 0.08 * Math.sin(2 * Math.PI * within) + 0.03 * (s % 3));
      phase += 2 * Math.PI * pitch / RATE;
      double v = 0;
      for (int h = 1; h <= 5; h++) {
        v += Math.sin(h * phase) / h;
      }
      samples[i] = (short) Math.max(-32_000, Math.min(32_000, 6_000 * envelope * v + 150 * (r.nextDouble() - 0.5)));
    }
    return wav(samples);
  }

  private static byte[] silence(double seconds) {
    return wav(new short[(int) Math.round(seconds * RATE)]);
  }

  /** A mono 16-bit PCM WAV at {@value #RATE} Hz. */
  static byte[] wav(short[] samples) {
    ByteBuffer b = ByteBuffer.allocate(44 + samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(36 + samples.length * 2).put(ascii("WAVE"));
    b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(RATE).putInt(RATE * 2)
        .putShort((short) 2).putShort((short) 16);
    b.put(ascii("data")).putInt(samples.length * 2);
    for (short s : samples) {
      b.putShort(s);
    }
    return b.array();
  }

  /** What a validator hears: the RMS of the samples after the 44-byte header the story writes. */
  static double rms(byte[] wav) {
    ByteBuffer b = ByteBuffer.wrap(wav, 44, wav.length - 44).order(ByteOrder.LITTLE_ENDIAN);
    double sum = 0;
    int n = 0;
    while (b.remaining() >= 2) {
      double s = b.getShort();
      sum += s * s;
      n++;
    }
    return n == 0 ? 0 : Math.sqrt(sum / n);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  // ------------------------------------------------------------------ validation

  private void validate() {
    List<Person> busy = new ArrayList<>(validators);
    while (!busy.isEmpty()) {
      busy.removeIf(p -> !voteNext(p));
    }
    long invalid = votes.stream().filter(v -> v.vote().equals("invalid")).count();
    int third = 0;
    for (Upload u : uploads) {
      List<Vote> on = votes.stream().filter(v -> v.upload() == u).toList();
      // two agreeing votes decide; the validation campaign's quality worker may ask a third (maxVotes)
      check("votes on upload " + u.id() + ": two, or three when a third was asked", on.size() == 2
          || on.size() == MAX_VOTES, on.size() + " votes");
      check("every vote on upload " + u.id() + " is what its file sounds like", on.stream()
          .allMatch(v -> v.vote().equals(u.audible() ? "valid" : "invalid")), on.stream().map(Vote::vote).toList().toString());
      third += on.size() == MAX_VOTES ? 1 : 0;
    }
    out.printf("validation: %d signed votes (%d valid, %d invalid: the silent file), each validator served uploads"
        + " with their prompt and file (fetched under their lease, keccak256 checked), never their own; every"
        + " upload decided by its agreeing votes (%d asked a third)%n", votes.size(), votes.size() - invalid, invalid, third);
  }

  private boolean voteNext(Person v) {
    Reply task = http.post("/api/campaigns/" + validation + "/tasks/next", null, v.token());
    if (task.status() == 404 && "NO_TASK_AVAILABLE".equals(task.errorCode())) {
      return false;
    }
    JsonNode t = task.expect(200, "validation task for " + v.name()).json();
    JsonNode payload = t.path("payload");
    Upload u = uploads.stream().filter(x -> x.id() == payload.path("contribution").asLong()).findFirst()
        .orElseThrow(() -> new StoryFailure("validation payload", "not an upload of the story: " + payload));
    String where = "validation task of upload " + u.id();
    checkEqual(where + ": upload campaign", campaign, payload.path("uploadCampaign").asLong());
    checkEqual(where + ": prompt", prompts.get(u.prompt()), payload.at("/prompt/text").asText());
    checkEqual(where + ": file", u.file(), payload.path("file").asText());
    checkEqual(where + ": media type", WAV, payload.path("mediaType").asText());
    check(where + ": not the validator's own", u.who() != v, v.name());
    byte[] heard = fetchFile(v, t.path("itemId").asLong(), where);
    checkEqual(where + ": keccak256 of the file the validator was served", payload.path("file").asText(),
        keccak(heard));
    String vote = rms(heard) > SILENCE_RMS ? "valid" : "invalid";
    StorySteps.Receipt receipt = steps.submit(t, vote, v.key(), v.token(), v.name());
    votes.add(new Vote(v, u, vote, receipt.id(), receipt.digest()));
    return true;
  }

  /**
   * The file a validation item is about, as a validator's client fetches it: with their session, while
   * they hold the item's lease. The reply must state the signed media type and must not be cached by a
   * shared cache.
   */
  private byte[] fetchFile(Person v, long itemId, String where) {
    Reply file = http.get("/api/campaigns/" + validation + "/items/" + itemId + "/file", v.token())
        .expect(200, where + ": the file for " + v.name());
    checkEqual(where + ": media type served", WAV, file.header("Content-Type"));
    checkEqual(where + ": cache control", "private, no-store", file.header("Cache-Control"));
    return file.body();
  }

  // ------------------------------------------------------------------ the service's workers

  private void awaitDecidedAndAnchored() {
    Map<Long, String> expected = new HashMap<>();
    uploads.forEach(u -> expected.put(u.id(), u.audible() ? "accepted" : "rejected"));
    List<Person> everyone = new ArrayList<>(speakers);
    everyone.addAll(validators);
    awaitNothingLeft("every upload decided as its votes say and every contribution anchored", () -> {
      for (Person p : everyone) {
        for (JsonNode c : steps.contributionsOf(p.token())) {
          long id = c.path("id").asLong();
          if (!"anchored".equals(c.path("anchor").asText())) {
            return "contribution " + id + " of " + p.name() + " is not anchored yet";
          }
          String want = expected.get(id);
          if (want != null && !want.equals(c.path("status").asText())) {
            return "upload " + id + " is " + c.path("status").asText() + ", expected " + want;
          }
        }
      }
      return null;
    });
    out.printf("decisions: %d recordings accepted, 1 rejected (the silent one); all %d contributions anchored"
        + " on-chain%n", uploads.stream().filter(Upload::audible).count(), uploads.size() + votes.size());
  }

  // ------------------------------------------------------------------ the version

  /** What the version must hold: accepted uploads and the valid votes on them, in contribution-id order. */
  private List<String> versionContributions() {
    Map<Long, String> digests = new TreeMap<>();
    uploads.stream().filter(Upload::audible).forEach(u -> digests.put(u.id(), u.digest()));
    votes.stream().filter(v -> v.upload().audible() && v.vote().equals("valid"))
        .forEach(v -> digests.put(v.id(), v.digest()));
    return List.copyOf(digests.values());
  }

  private void buildAndList() {
    shares = new TreeMap<>();
    uploads.stream().filter(Upload::audible).forEach(u -> shares.merge(u.who().address(),
        (long) plan.uploadShares(), Long::sum));
    votes.stream().filter(v -> v.upload().audible() && v.vote().equals("valid")).forEach(v ->
        shares.merge(v.who().address(), (long) plan.validationShares(), Long::sum));
    List<String> digests = versionContributions();
    listing = steps.buildAndList(campaign, "Story read speech v1", plan.price(), 0.0, prompts.size(), digests,
        shares);
    JsonNode d = http.get("/api/datasets/" + listing.id(), null).expect(200, "dataset").json();
    checkEqual("task type of dataset " + listing.id(), "upload", d.path("taskType").asText());
    StringBuilder who = new StringBuilder();
    for (Person p : speakers) {
      who.append(String.format("%s %d (%d × %d), ", p.name(), shares.get(p.address()), plan.uploadShares(),
          shares.get(p.address()) / plan.uploadShares()));
    }
    for (Person p : validators) {
      who.append(String.format("%s %d, ", p.name(), shares.get(p.address())));
    }
    out.printf("version: dataset %d = DataMarketplace id %d: %d prompts, %d contributions (%d recordings, %d"
        + " validations), %d shares: %s listed at %s units%n", listing.id(), listing.chainDatasetId(), prompts.size(),
        digests.size(), uploads.stream().filter(Upload::audible).count(),
        digests.size() - uploads.stream().filter(Upload::audible).count(),
        shares.values().stream().mapToLong(Long::longValue).sum(), who, plan.price());
  }

  // ------------------------------------------------------------------ the buyer

  private void purchase() {
    buyer = steps.newBuyer("the buyer", plan.price());
    Reply refused = http.get("/api/datasets/" + listing.id() + "/export?format=webdataset", buyer.token());
    checkEqual("WebDataset export without a licence", "403 LICENCE_REQUIRED", refused.status() + " "
        + refused.errorCode());
    steps.buyWithApprove(buyer, listing.id(), plan.price());
    await("the buyer's licence indexed", () -> http.get("/api/licences/me", buyer.token()).expect(200, "licences/me")
        .json().path("licences").size() == 1);
    out.printf("buyer: paid exactly %s units from their own wallet (approve + purchase); licence indexed%n",
        plan.price());
  }

  // ------------------------------------------------------------------ exports, checked file by file

  private void export() {
    JsonNode bundle = http.get("/api/datasets/" + listing.id() + "/audit-bundle", null).expect(200, "audit bundle")
        .json();
    JsonNode rule = bundle.path("sharesRule");
    checkEqual("the audit bundle's shares rule", "weighted-by-campaign", rule.path("id").asText());
    checkEqual("the audit bundle's weights", "{\"" + campaign + "\":" + plan.uploadShares() + ",\"" + validation
        + "\":" + plan.validationShares() + "}", rule.path("weights").toString());
    Map<String, Long> listed = new TreeMap<>();
    bundle.path("shares").forEach(s -> listed.put(s.path("account").asText(), s.path("shares").asLong()));
    checkEqual("the audit bundle's shares", shares, listed);
    Map<String, JsonNode> leaves = new HashMap<>();
    bundle.path("contributions").forEach(c -> leaves.put(c.path("leaf").asText(), c));
    checkEqual("the audit bundle's contributions", (long) versionContributions().size(), (long) leaves.size());

    List<String> expected = uploads.stream().filter(Upload::audible).map(Upload::file).sorted().toList();
    Reply tar = export("webdataset");
    checkEqual("webdataset erased-contributions header", "0", header(tar, "LabelLedger-Erased-Contributions"));
    List<ExportArchives.Sample> samples = ExportArchives.webDataset(tar.body());
    checkFiles("webdataset", samples, expected, leaves);
    List<ExportArchives.Sample> folder = ExportArchives.audioFolder(export("audiofolder").body());
    checkFiles("audiofolder", folder, expected, leaves);
    filesChecked = samples.size() + folder.size();
    out.printf("exports: WebDataset tar and audiofolder zip, %d files each; every file checked: its bytes are the"
        + " recording, keccak256(bytes) = the signed file, the answer its canonical JSON, the EIP-712 digest"
        + " recomputed, its leaf in the audit bundle with answerHash = keccak256(answer); the bundle states"
        + " weighted-by-campaign {%d: %d, %d: %d} and exactly the shares above%n", samples.size(), campaign,
        plan.uploadShares(), validation, plan.validationShares());
  }

  private Reply export(String format) {
    return http.get("/api/datasets/" + listing.id() + "/export?format=" + format, buyer.token())
        .expect(200, format + " export");
  }

  /** Each sample checks out from its bytes to a leaf of the bundle; together they are exactly {@code expected}. */
  private void checkFiles(String format, List<ExportArchives.Sample> samples, List<String> expected, Map<String, JsonNode> leaves) {
    List<String> files = new ArrayList<>();
    for (ExportArchives.Sample s : samples) {
      JsonNode m = s.meta();
      String file = keccak(s.file());
      String where = format + " file " + abbreviate(file);
      checkEqual(where + ": keccak256(bytes) is the signed file", file, m.path("file").asText());
      Upload u = byFile.get(file);
      check(where + ": a recording of the story", u != null && java.util.Arrays.equals(u.bytes(), s.file()),
          "unknown bytes");
      checkEqual(where + ": bytes", (long) s.file().length, m.path("bytes").asLong());
      checkEqual(where + ": answer", u.answer(), m.path("answer").asText());
      checkEqual(where + ": contributor", u.who().address(), m.path("contributor").asText());
      checkEqual(where + ": item", u.itemId(), m.path("itemId").asLong());
      String digest = digest(m);
      checkEqual(where + ": EIP-712 digest of the signed fields", u.digest(), digest);
      checkEqual(where + ": digest in the metadata", digest, m.path("digest").asText().toLowerCase());
      JsonNode c = leaves.get(Hex.encode(StandardMerkleTree.leafHash(Abi.bytes32(Hex.decode(digest)))));
      check(where + ": its leaf is in the audit bundle", c != null, "no contribution with that leaf");
      checkEqual(where + ": answerHash in the bundle", keccak(m.path("answer").asText()
          .getBytes(StandardCharsets.UTF_8)), c.path("answerHash").asText());
      checkEqual(where + ": contributor in the bundle", u.who().address(), c.path("contributor").asText());
      checkEqual(where + ": submittedAt in the bundle", m.path("submittedAt").asLong(), c.path("submittedAt").asLong());
      files.add(file);
    }
    checkEqual(format + " files", expected, files.stream().sorted().toList());
  }

  /**
   * The EIP-712 digest of the Contribution a sample's metadata states, by web3j's generic encoder under
   * the domain the service publishes (not the service's code).
   */
  private String digest(JsonNode m) {
    ObjectNode message = StoryHttp.JSON.createObjectNode().put("contributor", m.path("contributor").asText())
        .put("campaignId", m.path("campaignId").asLong()).put("itemId", m.path("itemId").asLong())
        .put("answer", m.path("answer").asText()).put("termsHash", m.path("termsHash").asText())
        .put("submittedAt", m.path("submittedAt").asLong());
    try {
      return Hex.encode(new StructuredDataEncoder(StoryHttp.JSON.writeValueAsString(
          steps.typedData("Contribution", message))).hashStructuredData());
    } catch (IOException e) {
      throw new StoryFailure("EIP-712 digest", e.getMessage());
    }
  }

  private static String header(Reply reply, String name) {
    String value = reply.header(name);
    return value == null ? "none" : value;
  }

  // ------------------------------------------------------------------ withdrawal and erasure

  private List<String> filesOf(Person p) {
    return uploads.stream().filter(u -> u.who() == p).map(Upload::file).toList();
  }

  private void withdrawAndErase() {
    withdrawn = speakers.get(0);
    ObjectNode message = StoryHttp.JSON.createObjectNode()
        .put("contributor", StoryChain.checksum(withdrawn.key())).put("termsHash", terms)
        .put("nonce", steps.chain.consentNonce(withdrawn.address(), terms)).put("deadline", steps.now() + 3600);
    http.post("/api/revocations", StorySteps.signed(steps.typedData("Revocation", message), withdrawn.key()),
        withdrawn.token()).expect(202, "revocation");
    await("the revocation relayed and indexed", () -> steps.consentValid(withdrawn.token(), terms, false));
    long t = System.nanoTime();
    erased = uploads.stream().filter(u -> u.who() == withdrawn && u.audible()).count();
    String want = Long.toString(erased);
    await("the erasure round leaves " + want + " contributions out of the exports", () ->
        want.equals(header(export("jsonl"), "LabelLedger-Erased-Contributions")));
    double waited = (System.nanoTime() - t) / 1e9;

    List<String> gone = filesOf(withdrawn);
    List<String> kept = uploads.stream().filter(u -> u.who() != withdrawn && u.audible()).map(Upload::file)
        .sorted().toList();
    Map<String, JsonNode> leaves = new HashMap<>();
    http.get("/api/datasets/" + listing.id() + "/audit-bundle", null).expect(200, "audit bundle").json()
        .path("contributions").forEach(c -> leaves.put(c.path("leaf").asText(), c));
    for (String format : List.of("webdataset", "audiofolder", "jsonl", "parquet")) {
      Reply r = export(format);
      checkEqual(format + " erased-contributions header after the withdrawal", want,
          header(r, "LabelLedger-Erased-Contributions"));
      checkEqual(format + " erased-items header after the withdrawal", "0", header(r, "LabelLedger-Erased-Items"));
      switch (format) {
        case "webdataset" -> checkFiles(format + " after the withdrawal", ExportArchives.webDataset(r.body()), kept, leaves);
        case "audiofolder" -> checkFiles(format + " after the withdrawal", ExportArchives.audioFolder(r.body()), kept, leaves);
        case "jsonl" -> {
          List<String> files = new ArrayList<>();
          for (JsonNode row : StorySteps.jsonLines(r, "JSONL export")) {
            row.path("files").forEach(f -> files.add(f.asText()));
          }
          checkEqual("JSONL files after the withdrawal", kept, files.stream().sorted().toList());
        }
        default -> { } // Parquet: its rows are the JSONL rows (ErasureIT reads them); the headers say it
      }
    }
    out.printf("withdrawal: %s revoked consent (signed Revocation, relayed); %.1f s later the erasure round had"
        + " deleted their %d files: every export of dataset %d (tar, zip, JSONL, Parquet) leaves them out, says"
        + " LabelLedger-Erased-Contributions: %s, and still holds the other %d files%n", withdrawn.name(), waited,
        gone.size(), listing.id(), want, kept.size());
  }

  // ------------------------------------------------------------------ hashes

  static String keccak(byte[] bytes) {
    return Hex.encode(Hash.sha3(bytes));
  }

  static String sha256(byte[] bytes) {
    try {
      return Hex.encode(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
