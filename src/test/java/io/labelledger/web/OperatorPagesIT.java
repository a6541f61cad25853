package io.labelledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.testsupport.BrowserChecks;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * The operator pages on the real service, driven by a headless Chromium
 * ({@code node/browser-tests/operator.js}): an operator named in {@code LABELLEDGER_OPERATORS}
 * signs in with their key, reads in the activity log exactly what they and the shared token did
 * (paged, and a later change picked up by the page's polling), and expands a campaign's
 * contributors as the quality API reports them; an account that is not an operator sees no Operator
 * item and is told so on the page's URL.
 */
@ExtendWith(ChainExtension.class)
class OperatorPagesIT {
  private static final Path SCREENSHOTS = ChainExtension.ProjectPaths.root().resolve("target/screenshots/operator");

  private static TestApp app;
  private static TestChain chain;
  private static Credentials operator;
  private static Credentials other;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    operator = chain.newAccount(1);
    other = chain.newAccount(1);
    app = TestApp.start("OperatorPagesIT", Map.of(
        "LABELLEDGER_OPERATORS", operator.getAddress(),
        "LABELLEDGER_RELAY_INTERVAL_MS", "300",
        "LABELLEDGER_INDEX_INTERVAL_MS", "300"), chain);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void operatorReadsTheActivityAndContributorsAndOthersAreToldTheyAreNotOperators() throws Exception {
    String session = app.signIn(operator);
    Reply published = app.postJson("/api/terms", Map.of("text", "Operator pages test terms."), session);
    assertThat(published.status()).as(published.body()).isEqualTo(201);
    String terms = published.json().get("termsHash").asText();
    Reply created = app.postJson("/api/campaigns", Map.of("name", "Street signs", "instructions", "Pick one.",
        "taskType", "single_choice", "labels", List.of("stop", "yield"), "termsHash", terms, "overlap", 1), session);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    long byOperator = created.json().get("id").asLong();
    long byToken = WorkFixtures.campaign(app, terms, 2, 0.5);   // "Work test", with the shared token
    WorkFixtures.items(app, byToken, 3, 3);
    List<Contributor> contributors = WorkFixtures.consentingMany(app, chain, terms, 2);
    for (Contributor c : contributors) {
      for (int i = 0; i < 4; i++) {
        WorkFixtures.answerNext(app, c, byToken, "yes");
      }
    }
    app.reestimate(byToken);
    JsonNode quality = app.get("/api/campaigns/" + byToken + "/contributors", TestApp.OPERATOR_TOKEN).json();
    assertThat(quality.get("contributors")).hasSize(2);

    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("operatorKey", Numeric.toHexStringNoPrefixZeroPadded(operator.getEcKeyPair().getPrivateKey(), 64));
    request.put("otherKey", Numeric.toHexStringNoPrefixZeroPadded(other.getEcKeyPair().getPrivateKey(), 64));
    request.put("operatorToken", TestApp.OPERATOR_TOKEN);
    request.put("termsHash", terms);
    request.put("expandCampaignId", byToken);
    request.put("screenshots", SCREENSHOTS.toString());
    request.put("timeoutMs", 60_000);

    JsonNode result = app.clock().followingWallClock(() ->
        NodeScript.run("browser-tests/operator.js", request, Duration.ofMinutes(4)));

    assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
    for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
      assertThat(result.at("/problems/" + kind)).as(kind + ": " + result.at("/problems/" + kind)).isEmpty();
    }
    String me = operator.getAddress().toLowerCase(Locale.ROOT);
    assertThat(result.get("operatorAddress").asText().toLowerCase(Locale.ROOT)).isEqualTo(me);
    assertThat(result.get("navBefore").asInt()).as("no Operator item before signing in").isZero();

    // exactly what was done, by whom, newest first; two a page, the rest by "Load older"
    String uploaded = "operator-token items.uploaded campaign " + byToken + ": 6 items stored of 6 lines, 0 rejected";
    assertThat(lines(result.get("firstPage"))).containsExactly(uploaded,
        "operator-token campaign.created campaign " + byToken + " 'Work test' (single_choice)");
    assertThat(lines(result.get("activity"))).containsExactly(uploaded,
        "operator-token campaign.created campaign " + byToken + " 'Work test' (single_choice)",
        me + " campaign.created campaign " + byOperator + " 'Street signs' (single_choice)",
        me + " terms.published terms " + terms.substring(0, 6) + "\u2026" + terms.substring(terms.length() - 4));
    JsonNode api = app.get("/api/operator/activity", TestApp.OPERATOR_TOKEN).json().get("entries");
    List<Long> ids = new ArrayList<>();
    api.forEach(e -> ids.add(e.get("id").asLong()));
    List<Long> shownIds = new ArrayList<>();
    result.get("activity").forEach(e -> shownIds.add(e.get("id").asLong()));
    assertThat(shownIds).isEqualTo(ids.subList(1, ids.size()));
    assertThat(result.at("/activity/0/when").asText()).isEqualTo(api.get(1).get("at").asText());

    // the entry added while the page was open, shown on top without a reload
    assertThat(lines(List.of(result.get("polled")))).containsExactly("operator-token campaign.created campaign "
        + result.at("/polled/campaignId").asLong() + " 'Polled campaign' (single_choice)");
    assertThat(result.at("/polled/id").asLong()).isEqualTo(ids.get(0));
    assertThat(result.get("pollMs").asLong()).as("within one poll of 10 s").isLessThan(15_000);

    // campaigns: each links to its page; the expanded one's contributors are the API's
    assertThat(texts(result.get("campaignLinks"))).contains("#/operator/campaigns/" + byOperator,
        "#/operator/campaigns/" + byToken);
    assertThat(String.join("\n", texts(result.get("campaignMeta")))).contains("6 items (3 gold)");
    assertThat(result.get("expanded").asText()).isEqualTo("true");
    Map<String, String> shown = new LinkedHashMap<>();
    result.get("contributors").forEach(c -> shown.put(c.get("contributor").asText(),
        c.get("gold").asText() + " | " + c.get("goldAccuracy").asText() + " | " + c.get("estimated").asText()));
    Map<String, String> expected = new LinkedHashMap<>();
    quality.get("contributors").forEach(c -> expected.put(c.get("contributor").asText().toLowerCase(Locale.ROOT),
        c.get("goldCorrect").asInt() + " of " + c.get("goldSeen").asInt() + " | "
            + (c.get("goldSeen").asInt() == 0 ? "\u2014" : percent(c.get("goldAccuracy").asDouble())) + " | "
            + (c.get("estimatedAccuracy").isNumber() ? percent(c.get("estimatedAccuracy").asDouble())
                : "not estimated yet")));
    assertThat(shown).isEqualTo(expected);
    assertThat(shown.keySet()).containsExactlyInAnyOrderElementsOf(
        contributors.stream().map(c -> c.address().toLowerCase(Locale.ROOT)).toList());

    // someone else: no Operator item, and the URL says why instead of showing a broken page
    assertThat(result.get("otherAddress").asText().toLowerCase(Locale.ROOT))
        .isEqualTo(other.getAddress().toLowerCase(Locale.ROOT));
    JsonNode refused = result.get("nonOperator");
    assertThat(refused.get("navItems").asInt()).isZero();
    assertThat(refused.get("navItemsOnDirectUrl").asInt()).isZero();
    assertThat(refused.get("message").asText()).contains("You are not an operator of this marketplace");
    assertThat(refused.get("directCampaignsMessage").asText()).contains("You are not an operator of this marketplace");
    assertThat(refused.get("tables").asInt()).isZero();
    assertThat(refused.get("directCampaignsTables").asInt()).isZero();

    BrowserChecks.everyControlNamed(result);

    // screenshots at both widths, and nothing wider than a 375 px screen
    BrowserChecks.screenshotsFitAt375(result, 3);
  }

  /** "actor action subject" of each row the page showed. */
  private static List<String> lines(Iterable<JsonNode> rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.get("actor").asText().toLowerCase(Locale.ROOT) + " " + r.get("action").asText()
        + " " + r.get("subject").asText()));
    return out;
  }

  /** As the page writes a share: one decimal, a space, a percent sign. */
  private static String percent(double x) {
    return String.format(Locale.ROOT, "%.1f %%", x * 100);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
