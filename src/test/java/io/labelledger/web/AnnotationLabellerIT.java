package io.labelledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.labelledger.testsupport.BrowserChecks;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedFixtures;
import io.labelledger.testsupport.TypedFixtures.StoredAnswer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The labelling page for spans and boxes campaigns on the real service, driven by a headless
 * Chromium ({@code node/browser-tests/annotation-labeller.js}) with the mouse, the pointer and the
 * keyboard. The answers the service stored are computed here from what the script did (which
 * substrings it selected, in code points of the text; where it pressed and released the pointer,
 * in image pixels of the shown image), not by the page's code. The boxes' image comes from a small
 * HTTP server this test starts on another origin, which the service's Content-Security-Policy is
 * told to allow ({@code LABELLEDGER_IMAGE_ORIGINS}); nothing is fetched from the internet.
 */
@ExtendWith(ChainExtension.class)
class AnnotationLabellerIT {
  private static final Path SCREENSHOTS = ChainExtension.ProjectPaths.root().resolve("target/screenshots");
  /** Code points and UTF-16 units part ways at the emoji: every offset after it differs by one. */
  private static final String TEXT = "Meet \uD83D\uDE00 Ada Lovelace in London, then Charles Babbage.";
  private static final int WIDTH = 640;
  private static final int HEIGHT = 400;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static HttpServer images;
  private static final AtomicInteger imageRequests = new AtomicInteger();
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain chain) throws IOException {
    byte[] png = streetScene();
    images = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    images.createContext("/street.png", exchange -> {
      imageRequests.incrementAndGet();
      exchange.getResponseHeaders().set("Content-Type", "image/png");
      exchange.sendResponseHeaders(200, png.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(png);
      }
    });
    images.start();
    app = TestApp.start("AnnotationLabellerIT", Map.of(
        "LABELLEDGER_RELAY_INTERVAL_MS", "300",
        "LABELLEDGER_INDEX_INTERVAL_MS", "300",
        "LABELLEDGER_IMAGE_ORIGINS", imageOrigin()), chain);
    terms = app.publishTerms("Annotation test terms.\n\nYou grant the operator a licence to sell your annotations.");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (images != null) {
      images.stop(0);
    }
  }

  private static String imageOrigin() {
    return "http://127.0.0.1:" + images.getAddress().getPort();
  }

  @Test
  void contributorMarksSpansAndDrawsBoxesByPointerAndKeyboardAndTheServiceStoresThemExactly() throws Exception {
    Map<String, Long> campaigns = new LinkedHashMap<>();
    campaigns.put("spans", TypedFixtures.campaign(app, terms, "spans", List.of("PER", "LOC", "ORG"), Map.of()));
    campaigns.put("spans_overlap", TypedFixtures.campaign(app, terms, "spans", List.of("PER", "LOC", "ORG"),
        Map.of("allowOverlap", true)));
    campaigns.put("boxes", TypedFixtures.campaign(app, terms, "boxes", List.of("car", "person"), Map.of("minSize", 4)));
    TypedFixtures.items(app, campaigns.get("spans"), "s", List.of(Map.of("text", TEXT), Map.of("text", TEXT)));
    TypedFixtures.items(app, campaigns.get("spans_overlap"), "o", List.of(Map.of("text", TEXT)));
    Map<String, Object> image = Map.of("image", imageOrigin() + "/street.png", "width", WIDTH, "height", HEIGHT);
    TypedFixtures.items(app, campaigns.get("boxes"), "b", List.of(image, image));
    assertThat(app.get("/").header("Content-Security-Policy")).contains("img-src 'self' blob: " + imageOrigin() + ";");

    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("campaigns", campaigns);
    request.put("text", TEXT);
    request.put("image", Map.of("width", WIDTH, "height", HEIGHT));
    request.put("screenshots", SCREENSHOTS.resolve("annotation-labeller").toString());
    request.put("timeoutMs", 90_000);

    JsonNode result = app.clock().followingWallClock(() ->
        NodeScript.run("browser-tests/annotation-labeller.js", request, Duration.ofMinutes(6)));

    assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
    for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
      assertThat(result.at("/problems/" + kind)).as(kind + ": " + result.at("/problems/" + kind)).isEmpty();
    }
    JsonNode checks = result.get("checks");
    assertThat(imageRequests.get()).as("the image came from the test's own server").isPositive();
    assertThat(checks.get("imageNatural").toString()).isEqualTo("[640,400]");

    // what each campaign must have stored, from what the script did
    String ada = span("Ada Lovelace", "PER");
    String london = span("London", "LOC");
    String spansFirst = "{\"spans\":[" + ada + "," + london + "]}";
    String spansNested = "{\"spans\":[" + span("Ada", "ORG") + "," + ada + "]}";
    // drawn at (100, 80)-(260, 200), moved by (20, 10), its corner dragged by (20, 30), relabelled person,
    // then 3 px right, 10 px down and 1 px wider by keys
    String first = box(123, 100, 181, 150, "person");
    // drawn at (400, 50)-(500, 150) as a person, relabelled car, dragged 300 px right: stopped at the edge
    String second = box(WIDTH - 100, 50, 100, 100, "car");
    String third = box(20, 300, 100, 80, "car"); // deleted, then back by Ctrl+Z
    String boxesFirst = "{\"boxes\":[" + third + "," + first + "," + second + "]}";
    // "Add a box": a quarter of each side, in the middle (240, 150, 160 x 100); 20 px left, 10 px shorter
    String added = box(220, 150, 160, 90, "car");
    String drawn = drawnAt375(result.get("drawnAt375"), "car");
    String boxesSecond = "{\"boxes\":[" + sorted(added, drawn) + "]}";

    String address = result.get("address").asText().toLowerCase(Locale.ROOT);
    List<StoredAnswer> stored = TypedFixtures.storedAnswers(app, address);
    Map<String, List<String>> storedByCampaign = new LinkedHashMap<>();
    campaigns.forEach((name, id) -> storedByCampaign.put(name, stored.stream()
        .filter(s -> s.campaignId() == id).map(StoredAnswer::answer).toList()));
    assertThat(storedByCampaign).isEqualTo(Map.of(
        "spans", List.of(spansFirst, "{\"spans\":[]}"),
        "spans_overlap", List.of(spansNested),
        "boxes", List.of(boxesFirst, boxesSecond)));
    // each on the item the page showed when it was given
    List<String> answeredItems = new ArrayList<>();
    result.get("answered").forEach(a -> answeredItems.add(a.get("campaignId").asLong() + "/" + a.get("itemId").asLong()));
    assertThat(stored).extracting(s -> s.campaignId() + "/" + s.itemId()).containsExactlyElementsOf(answeredItems);
    TypedFixtures.assertSignedBy(app, address, stored);

    // the steps on the way, as the page listed its marks (start-end-label, or x,y,w,h,label)
    assertThat(checks.get("spansTextShown").asText()).isEqualTo(TEXT);
    assertThat(checks.get("mouseSelection").asText()).isEqualTo("Selected: “Ada Lovelace” (12 characters)");
    assertThat(checks.get("keyboardSelection").asText()).isEqualTo("Selected: “London” (6 characters)");
    assertThat(texts(checks.get("spansBeforeUndo"))).hasSize(3).contains(range("Charles Babbage", "ORG"));
    assertThat(texts(checks.get("spansAfterUndo"))).containsExactly(range("Ada Lovelace", "PER"), range("London", "LOC"));
    assertThat(checks.get("overlapRefused").asText()).contains("overlaps “Ada Lovelace” (PER)", "may not overlap");
    assertThat(texts(checks.get("spansAfterOverlap"))).hasSize(2);
    assertThat(texts(checks.get("spansAfterDelete"))).containsExactly(range("Ada Lovelace", "PER"));
    assertThat(texts(checks.get("spansAfterUndoButton"))).hasSize(2);
    assertThat(checks.get("spansResetOnNextItem").asInt()).isZero();
    assertThat(checks.get("spansTextKeepsFocus").asBoolean()).as("the text keeps the focus for the next item").isTrue();
    assertThat(checks.get("wordSelection").asText()).isEqualTo("Selected: “Ada Lovelace” (12 characters)");
    assertThat(checks.at("/desktopStage/width").asDouble()).as("the image at its own size at 1280 px").isEqualTo(WIDTH);
    assertThat(texts(checks.get("afterDraw"))).containsExactly("100,80,160,120,car");
    assertThat(texts(checks.get("afterMove"))).containsExactly("120,90,160,120,car");
    assertThat(texts(checks.get("afterResize"))).containsExactly("120,90,180,150,car");
    assertThat(texts(checks.get("afterSecond"))).containsExactly("120,90,180,150,person", "400,50,100,100,car");
    assertThat(checks.get("focusAfterShiftTab").asText()).startsWith("Box 1: person");
    assertThat(texts(checks.get("afterNudge"))).containsExactly("123,100,181,150,person", "400,50,100,100,car");
    assertThat(texts(checks.get("afterClamp"))).containsExactly("123,100,181,150,person", "540,50,100,100,car");
    assertThat(texts(checks.get("afterDelete"))).hasSize(2);
    assertThat(texts(checks.get("afterUndo"))).hasSize(3).contains("20,300,100,80,car");
    assertThat(checks.get("boxesResetOnNextItem").asInt()).isZero();
    assertThat(checks.get("addedFocus").asText()).isEqualTo("Box 1: car, x 240, y 150, 160 × 100 pixels");
    assertThat(checks.at("/drawnAt375/stage/width").asDouble()).as("shown at half its size or less")
        .isLessThan(WIDTH / 2.0);
    assertThat(checks.get("overflowAt375").asInt()).isLessThanOrEqualTo(0);
    assertThat(String.join("\n", texts(checks.get("campaignCards")))).contains(
        "Mark spans of a text as PER, LOC, ORG; up to 50 per item, none overlapping", "which may overlap",
        "Outline objects in an image as car, person; up to 50 boxes per image");
    BrowserChecks.everyControlNamed(result);

    // screenshots at both widths, and nothing wider than a 375 px screen
    BrowserChecks.screenshotsFitAt375(result, 3);
  }

  /** The span of the first {@code text} in TEXT, in code points, as the answer spells it. */
  private static String span(String text, String label) {
    int start = TEXT.codePointCount(0, TEXT.indexOf(text));
    int end = start + text.codePointCount(0, text.length());
    return "{\"end\":" + end + ",\"label\":\"" + label + "\",\"start\":" + start + "}";
  }

  /** The same span as the page lists it. */
  private static String range(String text, String label) {
    int start = TEXT.codePointCount(0, TEXT.indexOf(text));
    return start + "-" + (start + text.codePointCount(0, text.length())) + "-" + label;
  }

  private static String box(int x, int y, int w, int h, String label) {
    return "{\"h\":" + h + ",\"label\":\"" + label + "\",\"w\":" + w + ",\"x\":" + x + ",\"y\":" + y + "}";
  }

  /**
   * The box the script drew at 375 px: the pointer's positions as the page received them, in image
   * pixels of the stage as shown (the image's width over the stage's), each corner at the nearest
   * whole pixel inside the image.
   */
  private static String drawnAt375(JsonNode drawn, String label) {
    JsonNode stage = drawn.get("stage");
    double scaleX = WIDTH / stage.get("width").asDouble();
    double scaleY = HEIGHT / stage.get("height").asDouble();
    double[] xs = {(drawn.at("/down/0").asDouble() - stage.get("left").asDouble()) * scaleX,
        (drawn.at("/up/0").asDouble() - stage.get("left").asDouble()) * scaleX};
    double[] ys = {(drawn.at("/down/1").asDouble() - stage.get("top").asDouble()) * scaleY,
        (drawn.at("/up/1").asDouble() - stage.get("top").asDouble()) * scaleY};
    long x0 = Math.round(Math.max(0, Math.min(xs[0], xs[1])));
    long x1 = Math.round(Math.min(WIDTH, Math.max(xs[0], xs[1])));
    long y0 = Math.round(Math.max(0, Math.min(ys[0], ys[1])));
    long y1 = Math.round(Math.min(HEIGHT, Math.max(ys[0], ys[1])));
    assertThat(x1 - x0).as("a box of some size").isGreaterThan(50);
    return box((int) x0, (int) y0, (int) (x1 - x0), (int) (y1 - y0), label);
  }

  /** Two boxes' JSON in the answer's order (by x, y, w, h). */
  private static String sorted(String a, String b) {
    return Arrays.compare(key(a), key(b)) <= 0 ? a + "," + b : b + "," + a;
  }

  private static int[] key(String box) {
    try {
      JsonNode n = JSON.readTree(box);
      return new int[] {n.get("x").asInt(), n.get("y").asInt(), n.get("w").asInt(), n.get("h").asInt()};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** A 640 x 400 picture to outline: sky, a road, a red car and a person, as a PNG. */
  private static byte[] streetScene() throws IOException {
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(0x9fd3f5));
    g.fillRect(0, 0, WIDTH, 240);
    g.setColor(new Color(0x5b5f66));
    g.fillRect(0, 240, WIDTH, HEIGHT - 240);
    g.setColor(Color.WHITE);
    for (int x = 10; x < WIDTH; x += 80) {
      g.fillRect(x, 315, 40, 6);
    }
    g.setColor(new Color(0xc62828));
    g.fillRoundRect(20, 310, 100, 60, 18, 18);
    g.setColor(Color.BLACK);
    g.fillOval(35, 355, 22, 22);
    g.fillOval(85, 355, 22, 22);
    g.setColor(new Color(0x1e3a8a));
    g.fillOval(190, 105, 40, 40);
    g.fillRect(185, 145, 50, 100);
    g.setColor(new Color(0x2e7d32));
    g.fillRect(540, 50, 100, 190);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
