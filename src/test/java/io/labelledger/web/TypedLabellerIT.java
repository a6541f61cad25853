package io.labelledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.testsupport.BrowserChecks;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedFixtures;
import io.labelledger.testsupport.TypedFixtures.StoredAnswer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The labelling page for multi_choice, rating, free_text and pairwise campaigns on the real service,
 * driven by a headless Chromium ({@code node/browser-tests/typed-labeller.js}): what the keys and
 * clicks must have answered, as the script spells each canonical answer string by hand, is what the
 * service stored, signed by the key the browser created.
 */
@ExtendWith(ChainExtension.class)
class TypedLabellerIT {
  private static final Path SCREENSHOTS = ChainExtension.ProjectPaths.root().resolve("target/screenshots");

  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain chain) {
    app = TestApp.start("TypedLabellerIT", Map.of(
        "LABELLEDGER_RELAY_INTERVAL_MS", "300",
        "LABELLEDGER_INDEX_INTERVAL_MS", "300"), chain);
    terms = app.publishTerms("Typed answers test terms.\n\nYou grant the operator a licence to sell your answers.");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void contributorAnswersEveryTypeByKeyboardAndPointerAndTheServiceStoresTheCanonicalStrings() throws Exception {
    Map<String, Long> campaigns = new LinkedHashMap<>();
    campaigns.put("multi_choice", TypedFixtures.campaign(app, terms, "multi_choice",
        List.of("zebra", "Apple", "ant", "\u00e9clair"), Map.of("minPicks", 1, "maxPicks", 2)));
    campaigns.put("rating", TypedFixtures.campaign(app, terms, "rating", null,
        Map.of("min", 1, "max", 5, "minLabel", "Poor", "maxLabel", "Excellent")));
    campaigns.put("free_text", TypedFixtures.campaign(app, terms, "free_text", null, Map.of("maxLength", 40)));
    campaigns.put("pairwise", TypedFixtures.campaign(app, terms, "pairwise", null, Map.of("allowTie", true)));
    campaigns.put("pairwise_no_tie", TypedFixtures.campaign(app, terms, "pairwise", null, Map.of("allowTie", false)));
    TypedFixtures.items(app, campaigns.get("multi_choice"), "m", texts("What does photo %d show?", 4));
    TypedFixtures.items(app, campaigns.get("rating"), "r", texts("How helpful is reply %d?", 5));
    TypedFixtures.items(app, campaigns.get("free_text"), "f", texts("Describe picture %d in a few words.", 4));
    TypedFixtures.items(app, campaigns.get("pairwise"), "p", IntStream.range(0, 6).mapToObj(i -> TypedFixtures.pair(
        "Which reply answers question " + i + " better: how do I boil an egg?",
        "Put the egg in boiling water for seven to nine minutes, then cool it in cold water so it peels easily.",
        "Eggs are a good source of protein.")).toList());
    TypedFixtures.items(app, campaigns.get("pairwise_no_tie"), "q", List.of(
        TypedFixtures.pair("Which summary is shorter?", "A long, winding summary of the text.", "Short."),
        TypedFixtures.pair("Which title fits?", "Boiling eggs", "Frying eggs")));
    // the service fills in the defaults the page relies on
    JsonNode rating = app.get("/api/campaigns/" + campaigns.get("rating")).json();
    assertThat(rating.get("taskType").asText()).isEqualTo("rating");
    assertThat(rating.at("/settings/maxLabel").asText()).isEqualTo("Excellent");
    assertThat(app.get("/api/campaigns/" + campaigns.get("free_text")).json().at("/settings/normalize/whitespace")
        .asBoolean()).isTrue();

    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("campaigns", campaigns);
    request.put("screenshots", SCREENSHOTS.resolve("typed-labeller").toString());
    request.put("timeoutMs", 90_000);

    JsonNode result = app.clock().followingWallClock(() ->
        NodeScript.run("browser-tests/typed-labeller.js", request, Duration.ofMinutes(6)));

    assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
    for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
      assertThat(result.at("/problems/" + kind)).as(kind + ": " + result.at("/problems/" + kind)).isEmpty();
    }

    // what the service stored is exactly what the keys and clicks answered, and each typed answer is canonical
    String address = result.get("address").asText().toLowerCase(Locale.ROOT);
    Map<String, String> answered = new LinkedHashMap<>();
    result.get("answered").forEach(a -> answered.put(
        a.get("campaignId").asLong() + "/" + a.get("itemId").asLong(), a.get("answer").asText()));
    assertThat(answered).as("3 + 4 + 3 + 5 + 1 different items").hasSize(16);
    List<StoredAnswer> stored = TypedFixtures.storedAnswers(app, address);
    Map<String, String> storedByItem = new LinkedHashMap<>();
    stored.forEach(s -> storedByItem.put(s.campaignId() + "/" + s.itemId(), s.answer()));
    assertThat(storedByItem).isEqualTo(answered);
    for (StoredAnswer s : stored) {
      assertThat(new JsonCanonicalizer(s.answer()).getEncodedString()).as("canonical").isEqualTo(s.answer());
    }
    assertThat(stored).extracting(StoredAnswer::answer).contains(
        "{\"labels\":[\"Apple\",\"zebra\"]}", "{\"labels\":[\"ant\",\"\u00e9clair\"]}", "{\"rating\":4}",
        "{\"text\":\"He said \\\"hi\\\" \\\\ \uD83D\uDE00\\nline two 1 2 t\"}", "{\"choice\":\"tie\"}");

    // signed by the browser's key: each stored signature recovers, over the digest of the stored fields, to it
    TypedFixtures.assertSignedBy(app, address, stored);

    // the page's own refusals, before anything was signed
    List<String> refusals = new ArrayList<>();
    result.get("refusals").forEach(r -> refusals.add(r.get("type").asText() + ": " + r.get("text").asText()));
    assertThat(refusals).containsExactly(
        "multi_choice: Pick at least 1 label (you picked 0).",
        "multi_choice: Pick at most 2 labels (you picked 3).",
        "rating: Pick a rating first.",
        "free_text: An answer has at most 40 characters; this one has 45.");

    // what the page showed along the way
    JsonNode checks = result.get("checks");
    assertThat(checks.get("summary").asText()).contains("Pick 1 to 2 labels.", "zebra, Apple, ant, \u00e9clair");
    assertThat(String.join("\n", texts(checks.get("campaignCards")))).contains(
        "A rating from 1 (Poor) to 5 (Excellent)", "A text of up to 40 characters.",
        "6 items · Compare two candidates: A, B or a tie", "2 items · Compare two candidates: A, B");
    assertThat(checks.get("multiPressedAfterThree").asInt()).isEqualTo(3);
    assertThat(texts(checks.get("multiPressed")))
        .containsExactly("zebra:true", "Apple:true", "ant:false", "\u00e9clair:false");
    assertThat(checks.get("multiResetOnNextItem").asInt()).as("the next item starts with nothing picked").isZero();
    assertThat(checks.get("ratingChecked").asText()).isEqualTo("4");
    assertThat(checks.get("ratingFocusFollows").asText()).as("value:checked of the focused radio").isEqualTo("3:true");
    assertThat(checks.get("freeTextCount").asText()).isEqualTo("19 of 40 characters");
    assertThat(checks.get("freeTextOverCount").asText()).isEqualTo("45 of 40 characters — 5 too many");
    assertThat(checks.get("freeTextKeepsFocus").asBoolean()).as("the text area keeps the focus for the next item")
        .isTrue();
    assertThat(checks.get("freeTextTypedWithoutAnswering").asBoolean()).as("typing fires no shortcut").isTrue();
    assertThat(texts(checks.get("pairwiseCandidates"))).hasSize(2).allMatch(t -> t.startsWith("Candidate "))
        .anyMatch(t -> t.contains("seven to nine minutes")).noneMatch(t -> t.contains("model-x"));
    assertThat(checks.get("pairwiseSideBySide").asBoolean()).isTrue();
    assertThat(checks.get("pairwiseStackedAt375").asBoolean()).isTrue();
    assertThat(String.join("|", texts(checks.get("noTieButtons")))).contains("A is better", "B is better")
        .doesNotContain("Tie");
    assertThat(checks.get("noTieIgnoredT").asBoolean()).as("T answers nothing without ties").isTrue();
    BrowserChecks.everyControlNamed(result);

    // screenshots at both widths, and nothing wider than a 375 px screen
    BrowserChecks.screenshotsFitAt375(result, 7);
  }

  private static List<Map<String, Object>> texts(String format, int n) {
    return IntStream.range(0, n).<Map<String, Object>>mapToObj(i -> Map.of("text", String.format(format, i))).toList();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
