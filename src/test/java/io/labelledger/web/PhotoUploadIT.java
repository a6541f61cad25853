package io.labelledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.blob.BlobId;
import io.labelledger.testsupport.BrowserChecks;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MediaSamples;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedFixtures;
import io.labelledger.testsupport.TypedFixtures.StoredAnswer;
import io.labelledger.testsupport.UploadFixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The photo path of the contributor's upload page on the real service, driven by a headless Chromium
 * ({@code node/browser-tests/photo.js}): a photo over the campaign's maxBytes refused in the page with the
 * limit and never sent; a PNG taken through the capture input, replaced by a JPEG chosen
 * through the file input, each previewed as decoded pixels before anything is sent; the JPEG uploaded,
 * the keccak256 the page shows is the file's, signed, and stored byte for byte. Screenshots at 1280 and
 * 375 px, named controls, no serious axe-core violation.
 */
@ExtendWith(ChainExtension.class)
class PhotoUploadIT {
  private static final Path SCREENSHOTS = ChainExtension.ProjectPaths.root().resolve("target/screenshots");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain chain) {
    app = TestApp.start("PhotoUploadIT", Map.of(
        "LABELLEDGER_RELAY_INTERVAL_MS", "300",
        "LABELLEDGER_INDEX_INTERVAL_MS", "300"), chain);
    terms = app.publishTerms("Photo test terms.\n\nYou grant the operator a licence to sell your photos.");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void contributorTakesThenChoosesAPhotoPreviewsUploadsAndSignsIt() throws Exception {
    int maxBytes = 50_000;
    byte[] big = noisyPng(200, 200);
    byte[] png = MediaSamples.png(120, 90);
    byte[] jpeg = MediaSamples.jpeg(160, 100);
    assertThat(big.length).isGreaterThan(maxBytes);
    assertThat(jpeg.length).isLessThan(maxBytes);
    Path dir = Files.createTempDirectory("photo-upload-it");
    Path bigFile = Files.write(dir.resolve("big.png"), big);
    Path pngFile = Files.write(dir.resolve("photo.png"), png);
    Path jpegFile = Files.write(dir.resolve("photo.jpg"), jpeg);
    long campaign = TypedFixtures.campaign(app, terms, "upload", null,
        Map.of("mediaTypes", List.of("image/jpeg", "image/png"), "maxBytes", maxBytes));
    TypedFixtures.items(app, campaign, "p", List.of(Map.of("text", "Photograph a street sign.")));

    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("campaignId", campaign);
    request.put("photo", Map.of("tooLarge", bigFile.toString(), "png", pngFile.toString(), "jpeg", jpegFile.toString()));
    request.put("screenshots", SCREENSHOTS.resolve("photo").toString());
    request.put("timeoutMs", 90_000);
    JsonNode result = app.clock().followingWallClock(() ->
        NodeScript.run("browser-tests/photo.js", request, Duration.ofMinutes(4)));
    assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
    for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
      assertThat(result.at("/problems/" + kind)).as(kind + ": " + result.at("/problems/" + kind)).isEmpty();
    }

    // the file over the limit was refused in the page, saying so and what the limit is, and never sent
    assertThat(result.at("/tooLarge/message").asText())
        .contains("too large", String.format(Locale.ROOT, "%.1f KiB", big.length / 1024.0), "48.8 KiB", "50,000 bytes");
    assertThat(result.at("/tooLarge/uploadDisabled").asBoolean()).isTrue();
    assertThat(result.at("/tooLarge/requests").asInt()).isZero();
    assertThat(result.at("/tooLarge/clearedByNextPhoto").asBoolean()).isTrue();

    // each picture was previewed from the file itself (a blob: URL, decoded to its own size), before any upload
    assertThat(result.at("/previews/taken/src").asText()).isEqualTo("blob:");
    assertThat(result.at("/previews/taken/width").asInt()).isEqualTo(120);
    assertThat(result.at("/previews/taken/height").asInt()).isEqualTo(90);
    assertThat(result.at("/previews/takenCaption").asText()).contains("photo.png", "image/png");
    assertThat(result.at("/previews/chosen/width").asInt()).isEqualTo(160);
    assertThat(result.at("/previews/chosen/height").asInt()).isEqualTo(100);
    assertThat(result.at("/previews/chosenCaption").asText()).contains("photo.jpg", "image/jpeg");
    assertThat(result.at("/previews/requestsBeforeUpload").asInt()).isZero();
    assertThat(result.get("uploadRequests")).hasSize(1);

    // the hash shown is the chosen file's, and the signed answer names exactly those bytes, stored
    String keccak = UploadFixtures.keccak(jpeg);
    assertThat(result.get("keccak").asText()).isEqualTo(keccak);
    String contributor = result.get("contributor").asText().toLowerCase(Locale.ROOT);
    List<StoredAnswer> stored = TypedFixtures.storedAnswers(app, contributor);
    assertThat(stored).extracting(StoredAnswer::campaignId, StoredAnswer::itemId)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(campaign, result.get("itemId").asLong()));
    TypedFixtures.assertSignedBy(app, contributor, stored);
    JsonNode answer = JSON.readTree(stored.get(0).answer());
    assertThat(answer.get("mediaType").asText()).isEqualTo("image/jpeg");
    assertThat(answer.get("file").asText()).isEqualTo(keccak);
    assertThat(answer.get("bytes").asInt()).isEqualTo(jpeg.length);
    try (InputStream in = app.blobs().open(new BlobId(keccak))) {
      assertThat(in.readAllBytes()).isEqualTo(jpeg);
    }

    BrowserChecks.everyControlNamed(result);
    BrowserChecks.noSeriousAxeViolations(result, 4);
    BrowserChecks.screenshotsFitAt375(result, 5);
  }

  /** A real PNG that does not compress: random pixels, about 4 bytes each. */
  private static byte[] noisyPng(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    Random random = new Random(7);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
