package io.labelledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TestDatabase;
import io.labelledger.testsupport.WorkFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.utils.Numeric;

/**
 * The browser app on the real service (PostgreSQL, Ganache, relayer and indexer on short timers),
 * driven by a headless Chromium through playwright-core ({@code node/browser-tests}): what a
 * person does with a keyboard, checked against what the service stored.
 */
@ExtendWith(ChainExtension.class)
class WebAppIT {
  private static final String TERMS = """
      Web test terms.

      You grant the operator a licence to sell your labels as part of datasets.

      You may withdraw this consent at any time; later dataset versions leave your work out.""";
  private static final Path SCREENSHOTS = ChainExtension.ProjectPaths.root().resolve("target/screenshots");

  private static TestChain chain;
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    // relaying, indexing and (where the service has it) anchoring on short timers, as a person sees them
    app = TestApp.start("WebAppIT", Map.of(
        "LABELLEDGER_RELAY_INTERVAL_MS", "300",
        "LABELLEDGER_INDEX_INTERVAL_MS", "300",
        "LABELLEDGER_ANCHOR_INTERVAL_MS", "300",
        "LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "500"), chain);
    terms = app.publishTerms(TERMS);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void servesTheAppWithAStrictPolicyAndCachesOnlyHashedAssets() {
    Reply index = app.get("/");
    assertThat(index.status()).isEqualTo(200);
    assertThat(index.header("Content-Type")).startsWith("text/html");
    String csp = index.header("Content-Security-Policy");
    assertThat(csp).contains("default-src 'none'", "script-src 'self';", "style-src 'self';", "frame-ancestors 'none'")
        .doesNotContain("unsafe-inline", "unsafe-eval", "https:", "*");
    // the one origin besides our own: the public JSON-RPC endpoint the page is told about
    String rpcUrl = app.get("/api/chain").json().get("rpcUrl").asText();
    assertThat(csp).contains("connect-src 'self' " + WebApp.origin(rpcUrl) + ";");
    assertThat(index.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(index.header("X-Frame-Options")).isEqualTo("DENY");
    // the upload page records and takes photos: microphone and camera for our own origin, no other
    assertThat(index.header("Permissions-Policy")).contains("microphone=(self)", "camera=(self)").doesNotContain("*");
    assertThat(csp).contains("media-src 'self' blob:;");
    assertThat(index.header("Cache-Control")).isEqualTo("no-cache");

    Matcher scripts = Pattern.compile("(src|href)=\"(/assets/[^\"]+)\"").matcher(index.body());
    List<String> assets = new ArrayList<>();
    while (scripts.find()) {
      assets.add(scripts.group(2));
    }
    assertThat(assets).as("script, preloaded chunks and stylesheet of the page").hasSizeGreaterThanOrEqualTo(2)
        .anyMatch(a -> a.endsWith(".js")).anyMatch(a -> a.endsWith(".css"));
    assertThat(index.body()).doesNotContain("http://", "https://");
    for (String asset : assets) {
      Reply file = app.get(asset);
      assertThat(file.status()).as(asset).isEqualTo(200);
      assertThat(file.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
      assertThat(asset).matches("/assets/(app|chunk)-[A-Z0-9]{8}\\.(js|css)");
    }
  }

  @Test
  void unknownPathsStillGetTheJsonErrorShape() {
    Reply api = app.get("/api/no-such-route");
    assertThat(api.status()).isEqualTo(404);
    assertThat(api.errorCode()).isEqualTo("ROUTE_NOT_FOUND");
    Reply file = app.get("/no-such-file.js");
    assertThat(file.status()).isEqualTo(404);
    assertThat(file.errorCode()).isEqualTo("ROUTE_NOT_FOUND");
    assertThat(file.header("Cache-Control")).isEqualTo("no-store");
    assertThat(app.get("/.fingerprint").status()).as("hidden build files are not served").isEqualTo(404);
    assertThat(app.get("/assets/../index.html").status()).isIn(200, 404);
  }

  @Test
  void chainRouteNamesTheDeploymentAndThePublicEndpoint() {
    JsonNode chain = app.get("/api/chain").json();
    assertThat(chain.get("chainId").asLong()).isEqualTo(app.config().chain().chainId());
    assertThat(chain.at("/contracts/consentRegistry").asText()).isEqualToIgnoringCase(app.deployment().consentRegistry());
    assertThat(chain.at("/contracts/provenanceRegistry").asText()).isEqualToIgnoringCase(app.deployment().provenanceRegistry());
    assertThat(chain.at("/contracts/marketplace").asText()).isEqualToIgnoringCase(app.deployment().marketplace());
    assertThat(chain.get("rpcUrl").asText()).startsWith("http://");
  }

  @Test
  void contributorSignsInConsentsLabelsFiveTasksAndWithdrawsByKeyboard() throws Exception {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 8, 0);
    Path shots = SCREENSHOTS.resolve("contributor");
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("campaignId", campaign);
    request.put("tasks", 5);
    request.put("screenshots", shots.toString());
    request.put("timeoutMs", 90_000);

    JsonNode result = app.clock().followingWallClock(() ->
        NodeScript.run("browser-tests/contributor.js", request, Duration.ofMinutes(6)));

    assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
    JsonNode problems = result.get("problems");
    for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
      assertThat(problems.get(kind)).as(kind + ": " + problems.get(kind)).isEmpty();
    }
    // the page showed the terms in full
    assertThat(result.get("termsText").asText().replaceAll("\\s+", " ").trim())
        .isEqualTo(TERMS.replaceAll("\\s+", " ").trim());

    // what the service stored is what was answered in the page, signed by the browser's key
    String address = result.get("address").asText().toLowerCase(Locale.ROOT);
    Map<Long, String> answered = new LinkedHashMap<>();
    result.get("answered").forEach(a -> answered.put(a.get("itemId").asLong(), a.get("answer").asText()));
    assertThat(answered).as("five different items").hasSize(5);
    assertThat(Set.copyOf(answered.values())).as("answers given with several shortcut keys").hasSizeGreaterThan(1);
    Map<Long, String> stored = new LinkedHashMap<>();
    Set<Long> storedIds = new HashSet<>();
    Map<Long, String> storedStatus = new LinkedHashMap<>();
    try (Connection c = TestDatabase.connect(app.database());
        PreparedStatement q = c.prepareStatement(
            "select id, item_id, answer, status from contributions where contributor = ? and campaign_id = ? order by id")) {
      q.setString(1, address);
      q.setLong(2, campaign);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          stored.put(rs.getLong("item_id"), rs.getString("answer"));
          storedIds.add(rs.getLong("id"));
          storedStatus.put(rs.getLong("id"), rs.getString("status"));
        }
      }
    }
    assertThat(stored).isEqualTo(answered);

    // the consent and its withdrawal the page signed were both relayed, and the chain now says no
    try (Connection c = TestDatabase.connect(app.database());
        PreparedStatement q = c.prepareStatement("select kind, status from consent_requests where contributor = ? order by id")) {
      q.setString(1, address);
      List<String> requests = new ArrayList<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          requests.add(rs.getString("kind") + ":" + rs.getString("status"));
        }
      }
      assertThat(requests).containsExactly("consent:confirmed", "revocation:confirmed");
    }
    ConsentRegistry registry = ConsentRegistry.load(app.deployment().consentRegistry(), chain.web3j(),
        new ReadonlyTransactionManager(chain.web3j(), address), chain.gas());
    assertThat(registry.isValid(address, Hex.decode(terms)).send()).isFalse();
    assertThat(registry.nonceOf(address, Hex.decode(terms)).send()).as("a consent and a revocation used two nonces")
        .isEqualTo(java.math.BigInteger.TWO);
    assertThat(result.get("labellerAfterWithdrawal").asInt()).as("no labelling without consent").isZero();

    // every one of them listed on the contributions page, with its status
    List<Long> listedIds = new ArrayList<>();
    result.get("listed").forEach(l -> {
      listedIds.add(l.get("id").asLong());
      // as quality decided it by the time the page listed it (pending until then)
      assertThat(l.get("status").asText()).isIn("pending", "accepted", "rejected");
    });
    assertThat(Set.copyOf(listedIds)).isEqualTo(storedIds);
    assertThat(result.get("summary").asText()).contains("5 contributions shown");
    // anchoring, where the service reports it: every answer anchored and the page's proof check passing
    boolean anchoring = serviceAnchors();
    assertThat(result.get("anchorReported").asBoolean()).as("the page shows anchoring iff the service has it")
        .isEqualTo(anchoring);
    if (anchoring) {
      result.get("listed").forEach(l -> assertThat(l.get("anchorState").asText()).isEqualTo("anchored"));
      assertThat(result.at("/listed/0/proof").asText()).isEqualTo("pass");
      assertThat(result.get("summary").asText()).contains("5 anchored");
    } else {
      result.get("listed").forEach(l -> assertThat(l.get("anchorState").asText()).isEqualTo("unknown"));
    }

    // screenshots at both widths, and nothing wider than a 375 px screen
    assertThat(result.get("screenshots")).hasSizeGreaterThanOrEqualTo(9);
    for (JsonNode shot : result.get("screenshots")) {
      assertThat(shot.get("overflowAt375").asInt()).as(shot.get("name") + " overflows at 375 px").isLessThanOrEqualTo(0);
      for (String width : List.of("desktop", "phone")) {
        Path png = Path.of(shot.get(width).asText());
        assertThat(png).exists();
        byte[] head = Files.readAllBytes(png);
        assertThat(head.length).isGreaterThan(2000);
        assertThat(new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
      }
    }
  }

  @Test
  void aBrowserWalletSignsInConsentsAndSignsEachAnswer() throws Exception {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 5, 0);
    Credentials wallet = Credentials.create(Keys.createEcKeyPair());
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("campaignId", campaign);
    request.put("tasks", 3);
    request.put("screenshots", SCREENSHOTS.resolve("wallet").toString());
    request.put("privateKey", Numeric.toHexStringWithPrefixZeroPadded(wallet.getEcKeyPair().getPrivateKey(), 64));
    request.put("chainId", app.config().chain().chainId());
    request.put("timeoutMs", 90_000);

    JsonNode result = app.clock().followingWallClock(() ->
        NodeScript.run("browser-tests/injected-wallet.js", request, Duration.ofMinutes(5)));

    assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
    assertThat(result.get("address").asText()).isEqualToIgnoringCase(wallet.getAddress());
    for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
      assertThat(result.at("/problems/" + kind)).as(kind).isEmpty();
    }
    // everything went through the wallet: one sign-in text, one consent, one signature per answer
    List<String> asked = new ArrayList<>();
    result.get("requests").forEach(r -> asked.add(r.get("method").asText()
        + (r.has("primaryType") ? ":" + r.get("primaryType").asText() : "")));
    assertThat(asked).containsExactly("eth_requestAccounts", "personal_sign", "eth_signTypedData_v4:Consent",
        "eth_signTypedData_v4:Contribution", "eth_signTypedData_v4:Contribution", "eth_signTypedData_v4:Contribution");
    assertThat(result.at("/requests/1/text").asText())
        .startsWith(TestApp.SIWE_DOMAIN + " wants you to sign in with your Ethereum account:\n"
            + Keys.toChecksumAddress(wallet.getAddress()) + "\n");

    Map<Long, String> answered = new LinkedHashMap<>();
    result.get("answered").forEach(a -> answered.put(a.get("itemId").asLong(), a.get("answer").asText()));
    assertThat(storedAnswers(wallet.getAddress(), campaign)).isEqualTo(answered).hasSize(3);
  }

  @Test
  void buyerAndAuditorPagesShowWhatTheServiceOffersAndRefuseAForeignBundle() {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("screenshots", SCREENSHOTS.resolve("pages").toString());

    JsonNode result = app.clock().followingWallClock(() ->
        NodeScript.run("browser-tests/pages.js", request, Duration.ofMinutes(3)));

    assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
    for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
      assertThat(result.at("/problems/" + kind)).as(kind).isEmpty();
    }
    // the pages say they wait exactly when the service lacks the routes they need
    boolean catalogue = app.get("/api/datasets").status() == 200;
    boolean bundles = !"ROUTE_NOT_FOUND".equals(app.get("/api/datasets/0/audit-bundle").errorCode());
    assertThat(result.get("buyWaiting").asBoolean()).isEqualTo(!catalogue);
    assertThat(result.get("auditWaiting").asBoolean()).isEqualTo(!bundles);
    assertThat(result.get("rpcPrefilled").asText()).isEqualTo(app.get("/api/chain").json().get("rpcUrl").asText());
    assertThat(result.get("auditError").asText()).contains("Not an audit bundle");
    result.get("screenshots").forEach(shot -> assertThat(shot.get("overflowAt375").asInt()).isLessThanOrEqualTo(0));
  }

  /** Whether this service anchors contributions (the anchoring migration, V5, is applied). */
  private static boolean serviceAnchors() throws Exception {
    try (Connection c = TestDatabase.connect(app.database());
        PreparedStatement q = c.prepareStatement(
            "select exists (select 1 from flyway_schema_history where version = '5' and success)");
        ResultSet rs = q.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static Map<Long, String> storedAnswers(String address, long campaign) throws Exception {
    Map<Long, String> stored = new LinkedHashMap<>();
    try (Connection c = TestDatabase.connect(app.database());
        PreparedStatement q = c.prepareStatement(
            "select item_id, answer from contributions where contributor = ? and campaign_id = ? order by id")) {
      q.setString(1, address.toLowerCase(Locale.ROOT));
      q.setLong(2, campaign);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          stored.put(rs.getLong("item_id"), rs.getString("answer"));
        }
      }
    }
    return stored;
  }
}
