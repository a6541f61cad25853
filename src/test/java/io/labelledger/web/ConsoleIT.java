package io.labelledger.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.testsupport.BrowserChecks;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedDataSigner;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.math.BigInteger;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * The operator's console on the real service, Ganache and PostgreSQL, driven by a headless Chromium
 * ({@code node/browser-tests/console.js}) while this test plays the crowd and the buyer through the
 * API: the operator signs in with their key, creates a campaign with the form, drops a 100,000-line
 * JSONL file, watches two careful contributors and a random answerer move the progress figures and
 * chart, sees the random answerer below the floor, builds a version with the confidence slider,
 * lists it, and sees this test's purchase in the sales. axe-core finds no serious or critical
 * violation on any page; a contributor's session is refused every operator route; every change
 * the operator made is in the activity log under their address.
 */
@ExtendWith(ChainExtension.class)
class ConsoleIT {
  private static final Path SCREENSHOTS = ChainExtension.ProjectPaths.root().resolve("target/screenshots/console");
  private static final List<String> LABELS = List.of("cat", "dog", "bird");
  private static final int LINES = 100_000;
  private static final String NAME = "Animals in captions";
  private static final BigInteger PRICE = new BigInteger("1000000000000000000");
  private static final BigInteger NEW_PRICE = new BigInteger("3000000000000000000");

  private static TestApp app;
  private static TestChain chain;
  private static Credentials operator;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    operator = chain.newAccount(1);
    app = TestApp.start("ConsoleIT", Map.of(
        "LABELLEDGER_OPERATORS", operator.getAddress(),
        "LABELLEDGER_RELAY_INTERVAL_MS", "300",
        "LABELLEDGER_INDEX_INTERVAL_MS", "300",
        "LABELLEDGER_PURCHASE_INDEX_INTERVAL_MS", "300",
        "LABELLEDGER_ANCHOR_INTERVAL_MS", "300",
        "LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "0",
        "LABELLEDGER_QUALITY_INTERVAL_MS", "500",
        "LABELLEDGER_QUALITY_FLOOR_MIN_GOLD", "4"), chain);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void contributorsAreRefusedEveryOperatorRoute() {
    Contributor someone = WorkFixtures.signedIn(app, chain);
    String token = someone.token();
    List<Reply> replies = List.of(
        app.postJson("/api/terms", Map.of("text", "x"), token),
        app.postJson("/api/campaigns", Map.of("name", "x"), token),
        app.send("POST", "/api/campaigns/1/items", token, "application/x-ndjson", BodyPublishers.ofString("{}\n")),
        app.get("/api/campaigns/1/progress", token),
        app.get("/api/campaigns/1/contributors", token),
        app.get("/api/campaigns/1/labels", token),
        app.get("/api/campaigns/1/versions/preview?minConfidence=0.5", token),
        app.postJson("/api/campaigns/1/datasets", Map.of("price", "1"), token),
        app.postJson("/api/datasets/1/listing", "", token),
        app.get("/api/datasets/1/sales", token),
        app.postJson("/api/datasets/1/price", Map.of("price", "2"), token),
        app.postJson("/api/datasets/1/delisting", "", token),
        app.get("/api/operator/activity", token));
    for (Reply r : replies) {
      assertThat(r.status()).as(r.raw().uri() + " " + r.body()).isEqualTo(403);
      assertThat(r.errorCode()).as(r.raw().uri().toString()).isEqualTo("NOT_AN_OPERATOR");
    }
  }

  @Test
  void anOperatorRunsACampaignFromTheConsole() throws Exception {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("operatorKey", Numeric.toHexStringNoPrefixZeroPadded(operator.getEcKeyPair().getPrivateKey(), 64));
    request.put("campaignName", NAME);
    request.put("termsText", "Console test terms: my labels may be sold for model training.");
    request.put("labels", LABELS);
    request.put("lines", LINES);
    request.put("newPrice", NEW_PRICE.toString());
    request.put("contributorKey", Numeric.toHexStringNoPrefixZeroPadded(chain.newAccount(1).getEcKeyPair()
        .getPrivateKey(), 64));
    request.put("screenshots", SCREENSHOTS.toString());
    request.put("timeoutMs", 120_000);

    CompletableFuture<JsonNode> script = CompletableFuture.supplyAsync(() -> app.clock().followingWallClock(() ->
        NodeScript.run("browser-tests/console.js", request, Duration.ofMinutes(12))));
    try {
      // the crowd starts once the page has stored the items
      long campaign = awaitValue(script, () -> WorkFixtures.queryValue(app,
          "select id from campaigns where name = '" + NAME + "' and item_count >= " + LINES));
      String terms = app.get("/api/campaigns/" + campaign).json().get("termsHash").asText();
      List<Contributor> crowd = WorkFixtures.consentingMany(app, chain, terms, 3);
      Random random = new Random(7);
      for (int round = 0; round < 16; round++) {
        answer(crowd.get(0), campaign, null);
        answer(crowd.get(1), campaign, null);
        answer(crowd.get(2), campaign, random);
        Thread.sleep(150);
      }
      app.reestimate(campaign);
      // the operator lists a version; this test buys it from a buyer's own account
      long chainDataset = awaitValue(script, () -> WorkFixtures.queryValue(app,
          "select chain_dataset_id from datasets where campaign_id = " + campaign + " and status = 'listed'"));
      Credentials buyer = chain.newAccount(1);
      TestToken token = TestToken.load(app.deployment().paymentToken(), chain.web3j(), chain.txManager(buyer), chain.gas());
      token.faucet(buyer.getAddress(), PRICE).send();
      token.approve(app.deployment().marketplace(), PRICE).send();
      DataMarketplace market = DataMarketplace.load(app.deployment().marketplace(), chain.web3j(),
          chain.txManager(buyer), chain.gas());
      market.purchase(BigInteger.valueOf(chainDataset), PRICE).send();

      JsonNode result = script.get();
      System.out.println("axe-core violations by page: " + result.get("axe"));
      assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
      for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
        assertThat(result.at("/problems/" + kind)).as(kind + ": " + result.at("/problems/" + kind)).isEmpty();
      }
      assertThat(result.get("campaignId").asLong()).isEqualTo(campaign);
      assertThat(result.get("formErrors")).isNotEmpty();
      // the CSV: its columns mapped, gold taken from the mapped column
      assertThat(result.at("/csv/columns")).extracting(JsonNode::asText).containsExactly("key", "text", "answer");
      assertThat(result.at("/csv/data")).extracting(JsonNode::asText).containsExactly("text");
      assertThat(result.at("/csv/inserted").asLong()).isEqualTo(3);
      assertThat(WorkFixtures.queryValue(app, "select string_agg(external_id || '=' || coalesce(gold_answer, '-') || '="
          + "' || (payload->>'text'), ',' order by id) from items where campaign_id = " + campaign
          + " and external_id like 'c%'")).isEqualTo("c1=cat=cat on a mat,c2=-=dog in a park,c3=bird=bird on a wire");
      // 100,000 lines: all but the three malformed ones stored, those three listed with why
      assertThat(result.at("/upload/inserted").asLong()).isEqualTo(LINES - 3);
      assertThat(result.at("/upload/rejected").asLong()).isEqualTo(3);
      List<Long> rejectedLines = new ArrayList<>();
      result.get("rejected").forEach(r -> {
        rejectedLines.add(r.get("line").asLong());
        assertThat(r.get("text").asText()).contains("'data' must be a JSON object");
      });
      assertThat(rejectedLines).containsExactly(7L, 50_000L, 99_999L);
      assertThat(WorkFixtures.queryValue(app, "select count(*) from items where campaign_id = " + campaign))
          .isEqualTo((long) LINES);
      // the figures moved without a reload
      assertThat(result.at("/progressBefore/answers").asLong()).isLessThan(result.at("/progressAfter/answers").asLong());
      assertThat(result.get("chartAfter").asText()).isNotEqualTo(result.get("chartBefore").asText());
      // the random answerer, and only they, below the floor
      assertThat(result.get("belowFloor")).extracting(JsonNode::asText)
          .containsExactly(crowd.get(2).address().toLowerCase(Locale.ROOT));
      assertThat(result.get("accuracyChart").asText()).contains("smoothed gold accuracy");
      assertThat(result.get("confusion").asText()).startsWith("Confusion matrix of").contains("right answers by true label: cat");
      // the item drilled down to: exactly its stored answers, with their statuses
      long item = result.at("/drill/itemId").asLong();
      List<String> shownAnswers = new ArrayList<>();
      result.at("/drill/answers").forEach(a -> shownAnswers.add(a.get("id").asLong() + " "
          + a.get("contributor").asText() + " " + a.get("answer").asText()));
      assertThat(shownAnswers).isNotEmpty().containsExactlyElementsOf(storedAnswers(item));
      // the slider's preview counted what the build then held
      long dataset = result.get("datasetId").asLong();
      JsonNode built = app.get("/api/datasets/" + dataset).json();
      assertThat(result.at("/preview/items").asLong()).isPositive();
      assertThat(built.get("confidenceBar").asDouble()).isEqualTo(result.at("/preview/bar").asDouble());
      assertThat(built.get("itemCount").asLong()).isPositive();
      // the purchase and its revenue as the chain and the indexer tell them
      JsonNode sales = app.get("/api/datasets/" + dataset + "/sales", TestApp.OPERATOR_TOKEN).json();
      assertThat(sales.get("purchases").asLong()).isEqualTo(1);
      assertThat(result.at("/sales/purchases").asLong()).isEqualTo(1);
      assertThat(result.at("/sales/revenue").asText()).isEqualTo(sales.get("revenue").asText());
      assertThat(new BigInteger(sales.get("gross").asText())).isEqualTo(PRICE);
      // repriced, then delisted, on-chain: out of the catalogue, no more purchase instructions
      DataMarketplace reader = DataMarketplace.load(app.deployment().marketplace(), chain.web3j(),
          chain.txManager(chain.funder()), chain.gas());
      DataMarketplace.DatasetInfo onChain = reader.dataset(BigInteger.valueOf(chainDataset)).send();
      assertThat(onChain.price).isEqualTo(NEW_PRICE);
      assertThat(onChain.status).as("DatasetStatus.Delisted").isEqualTo(BigInteger.TWO);
      assertThat(result.get("afterDelisting").asText()).contains("delisted").contains("price " + NEW_PRICE);
      assertThat(app.get("/api/datasets/" + dataset + "/sales", TestApp.OPERATOR_TOKEN).json().get("delistedAt")
          .isTextual()).isTrue();
      assertThat(app.get("/api/datasets").json().get("datasets").findValuesAsText("id")).doesNotContain(
          Long.toString(dataset));
      Reply purchase = app.get("/api/datasets/" + dataset + "/purchase");
      assertThat(purchase.status()).isEqualTo(409);
      assertThat(purchase.errorCode()).isEqualTo("DATASET_NOT_LISTED");
      Reply again = app.postJson("/api/datasets/" + dataset + "/price", Map.of("price", "5"), TestApp.OPERATOR_TOKEN);
      assertThat(again.status()).as(again.body()).isEqualTo(409);
      assertThat(again.errorCode()).isEqualTo("DATASET_NOT_LISTED");
      // the buyer's licence outlives the delisting
      assertThat(reader.hasLicence(BigInteger.valueOf(chainDataset), buyer.getAddress()).send()).isTrue();
      // malformed or unknown input to the new routes: 4xx naming the problem
      Reply badBar = app.get("/api/campaigns/" + campaign + "/versions/preview?minConfidence=1.5", TestApp.OPERATOR_TOKEN);
      assertThat(badBar.status()).isEqualTo(400);
      assertThat(badBar.errorCode()).isEqualTo("INVALID_PARAMETER");
      assertThat(app.get("/api/campaigns/" + campaign + "/versions/preview", TestApp.OPERATOR_TOKEN).status())
          .isEqualTo(400);
      Reply noItem = app.get("/api/campaigns/" + campaign + "/items/999999999", TestApp.OPERATOR_TOKEN);
      assertThat(noItem.status()).isEqualTo(404);
      assertThat(noItem.errorCode()).isEqualTo("ITEM_NOT_FOUND");
      Reply badPrice = app.postJson("/api/datasets/" + dataset + "/price", Map.of("price", "-1"), TestApp.OPERATOR_TOKEN);
      assertThat(badPrice.status()).isEqualTo(400);
      assertThat(app.get("/api/campaigns/999999/progress", TestApp.OPERATOR_TOKEN).errorCode())
          .isEqualTo("CAMPAIGN_NOT_FOUND");
      // every change is in the activity log, under the operator's address
      JsonNode entries = app.get("/api/operator/activity", TestApp.OPERATOR_TOKEN).json().get("entries");
      List<String> mine = new ArrayList<>();
      entries.forEach(e -> {
        if (e.get("actor").asText().equalsIgnoreCase(operator.getAddress())) {
          mine.add(e.get("action").asText());
        }
      });
      assertThat(mine).containsExactly("version.delisted", "version.repriced", "version.listed", "version.built", "items.uploaded", "items.uploaded",
          "campaign.created", "terms.published");
      // operator pages signed out: a sign-in, no data
      result.get("signInPages").fields().forEachRemaining(e -> {
        assertThat(e.getValue().get("signIn").asInt()).as(e.getKey()).isEqualTo(1);
        assertThat(e.getValue().get("data").asInt()).as(e.getKey()).isZero();
      });
      // a contributor's session: each operator page says they are not an operator, with no data
      assertThat(result.get("contributorPages").size()).isEqualTo(4);
      result.get("contributorPages").fields().forEachRemaining(e -> {
        assertThat(e.getValue().get("notOperator").asInt()).as(e.getKey()).isEqualTo(1);
        assertThat(e.getValue().get("data").asInt()).as(e.getKey()).isZero();
      });
      // axe-core: no serious or critical violation on any page
      assertThat(result.get("axe").size()).isGreaterThanOrEqualTo(14);
      result.get("axe").fields().forEachRemaining(e -> e.getValue().forEach(v ->
          assertThat(v.get("impact").asText()).as(e.getKey() + ": " + v).isNotIn("serious", "critical")));
      BrowserChecks.everyControlNamed(result);
      BrowserChecks.screenshotsFitAt375(result, 10);
    } finally {
      if (!script.isDone()) {
        script.join();
      }
    }
  }

  /** "id contributor answer" of every stored answer to {@code item}, by id. */
  private static List<String> storedAnswers(long item) {
    List<String> out = new ArrayList<>();
    try (java.sql.Connection c = io.labelledger.testsupport.TestDatabase.connect(app.database());
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery("select id, contributor, answer from contributions where item_id = "
            + item + " order by id")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3));
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  /** Answers the next task: the animal the item's text names, or a random label when {@code random} is given. */
  private static void answer(Contributor c, long campaign, Random random) {
    Reply task = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", c.token());
    if (task.status() != 200) {
      return; // a contributor below the floor is given no more work
    }
    String text = task.json().get("payload").get("text").asText();
    String answer = random != null ? LABELS.get(random.nextInt(LABELS.size())) : text.split(" ")[0];
    ObjectNode typed = task.json().get("typedData").deepCopy();
    ((ObjectNode) typed.get("message")).put("answer", answer);
    Reply reply = app.postJson("/api/contributions", TypedDataSigner.signed(typed, c.key()), c.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
  }

  /** Waits (up to 8 minutes) for {@code query} to give a number, failing early if the browser script ended. */
  private static long awaitValue(CompletableFuture<JsonNode> script, java.util.function.Supplier<Object> query)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(8));
    while (Instant.now().isBefore(deadline)) {
      Object value = query.get();
      if (value instanceof Number n) {
        return n.longValue();
      }
      if (script.isDone()) {
        throw new AssertionError("the browser script ended first: " + script.join());
      }
      Thread.sleep(500);
    }
    throw new AssertionError("timed out");
  }
}
