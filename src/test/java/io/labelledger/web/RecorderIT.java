package io.labelledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.blob.BlobId;
import io.labelledger.testsupport.BrowserChecks;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedFixtures;
import io.labelledger.testsupport.TypedFixtures.StoredAnswer;
import io.labelledger.testsupport.UploadFixtures;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Contributed data in the web app on the real service, driven by a headless Chromium with a fake
 * microphone ({@code node/browser-tests/recorder.js}): a recording made, played back, refused when too
 * short, uploaded, signed and stored as a WebM whose keccak256 the signed answer names; a text uploaded
 * the same way; two validators who hear/read the file fetched for them and vote by key 1 and 2, votes
 * stored as signed. Screenshots at 1280 and 375 px, named controls, no serious axe-core violation.
 */
@ExtendWith(ChainExtension.class)
class RecorderIT {
  private static final Path SCREENSHOTS = ChainExtension.ProjectPaths.root().resolve("target/screenshots");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEXT = "The quick brown fox, as I wrote it.";

  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain chain) {
    app = TestApp.start("RecorderIT", Map.of(
        "LABELLEDGER_RELAY_INTERVAL_MS", "300",
        "LABELLEDGER_INDEX_INTERVAL_MS", "300"), chain);
    terms = app.publishTerms("Recorder test terms.\n\nYou grant the operator a licence to sell your recordings.");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void contributorRecordsAndWritesValidatorsListenAndVoteByKey() throws Exception {
    long audio = TypedFixtures.campaign(app, terms, "upload", null,
        Map.of("mediaTypes", List.of("audio/webm"), "minSeconds", 1, "maxSeconds", 10));
    long text = TypedFixtures.campaign(app, terms, "upload", null, Map.of("mediaTypes", List.of("text/plain")));
    TypedFixtures.items(app, audio, "a", List.of(Map.of("text", "Read aloud: the quick brown fox.")));
    TypedFixtures.items(app, text, "t", List.of(Map.of("text", "Write down: the quick brown fox.")));
    long audioValidation = app.get("/api/campaigns/" + audio).json().get("validationCampaignId").asLong();
    long textValidation = app.get("/api/campaigns/" + text).json().get("validationCampaignId").asLong();

    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("audioCampaign", audio);
    request.put("textCampaign", text);
    request.put("audioValidation", audioValidation);
    request.put("textValidation", textValidation);
    request.put("text", TEXT);
    request.put("screenshots", SCREENSHOTS.resolve("recorder").toString());
    request.put("timeoutMs", 90_000);
    JsonNode result = app.clock().followingWallClock(() ->
        NodeScript.run("browser-tests/recorder.js", request, Duration.ofMinutes(5)));
    assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
    for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
      assertThat(result.at("/problems/" + kind)).as(kind + ": " + result.at("/problems/" + kind)).isEmpty();
    }

    // the short take was refused by the service, in its words, before anything was signed
    assertThat(result.get("refusal").asText()).contains("AUDIO_DURATION_OUT_OF_RANGE", "this campaign takes 1");
    assertThat(result.at("/checks/playback/src").asText()).isEqualTo("blob:");
    assertThat(result.at("/checks/playback/currentTime").asDouble()).isGreaterThan(0.2);
    assertThat(result.at("/checks/timerWhileRecording").asText()).matches("● 0:0[0-9]\\.[0-9]");

    // what was signed names the bytes stored: a WebM recording of the right length, and the text
    String contributor = result.get("contributor").asText().toLowerCase(Locale.ROOT);
    List<StoredAnswer> stored = TypedFixtures.storedAnswers(app, contributor);
    assertThat(stored).extracting(StoredAnswer::campaignId).containsExactly(audio, text);
    TypedFixtures.assertSignedBy(app, contributor, stored);
    JsonNode recording = JSON.readTree(stored.get(0).answer());
    assertThat(recording.get("mediaType").asText()).isEqualTo("audio/webm");
    assertThat(recording.get("file").asText()).isEqualTo(result.at("/uploads/audio/keccak").asText());
    byte[] webm = read(recording.get("file").asText());
    assertThat(webm).hasSize(recording.get("bytes").asInt());
    assertThat(webm).startsWith((byte) 0x1a, (byte) 0x45, (byte) 0xdf, (byte) 0xa3); // EBML
    assertThat(UploadFixtures.keccak(webm)).isEqualTo(recording.get("file").asText());
    JsonNode note = JSON.readTree(stored.get(1).answer());
    assertThat(note.get("mediaType").asText()).isEqualTo("text/plain");
    byte[] noteBytes = read(note.get("file").asText());
    assertThat(new String(noteBytes, StandardCharsets.UTF_8)).isEqualTo(TEXT);
    assertThat(UploadFixtures.keccak(noteBytes)).isEqualTo(result.at("/uploads/text/keccak").asText());

    // each validator heard the recording and read the text fetched for them, and their keys voted
    for (String who : List.of("A", "B")) {
      assertThat(result.at("/checks/validator" + who + "Played/currentTime").asDouble()).isGreaterThan(0.2);
      assertThat(result.at("/checks/validator" + who + "Played/src").asText()).isEqualTo("blob:");
    }
    assertThat(result.at("/checks/validatorBText").asText()).isEqualTo(TEXT);
    assertThat(result.get("votes")).hasSize(4);
    for (JsonNode vote : result.get("votes")) {
      List<StoredAnswer> votes = TypedFixtures.storedAnswers(app, vote.get("validator").asText().toLowerCase(Locale.ROOT));
      assertThat(votes).filteredOn(v -> v.campaignId() == vote.get("campaignId").asLong())
          .extracting(StoredAnswer::itemId, StoredAnswer::answer)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(vote.get("itemId").asLong(), vote.get("vote").asText()));
    }
    assertThat(result.get("votes").findValuesAsText("vote")).containsExactly("valid", "valid", "invalid", "invalid");

    BrowserChecks.everyControlNamed(result);
    BrowserChecks.noSeriousAxeViolations(result, 4);
    BrowserChecks.screenshotsFitAt375(result, 6);
  }

  private static byte[] read(String file) throws Exception {
    try (InputStream in = app.blobs().open(new BlobId(file))) {
      return in.readAllBytes();
    }
  }
}
