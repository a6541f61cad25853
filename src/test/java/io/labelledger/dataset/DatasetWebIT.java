package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedDataSigner;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * The buyer's side of the web app on the real service, PostgreSQL and Ganache, driven in headless
 * Chromium ({@code node/browser-tests/buyer.js}): a listed dataset found in the catalogue, bought
 * from the buyer's own key imported into the page, and its export downloaded. The service's own
 * anchorer anchors the work; labels come from {@link DatasetPrerequisites}, as in the other dataset tests.
 */
@ExtendWith(ChainExtension.class)
class DatasetWebIT {
  private static final BigInteger PRICE = new BigInteger("2500000000000000000"); // 2.5 tUSD
  private static final Path SCREENSHOTS = ChainExtension.ProjectPaths.root().resolve("target/screenshots/buyer");

  private static TestChain chain;
  private static TestApp app;
  private static long dataset;
  private static long chainDataset;

  @BeforeAll
  static void start(TestChain testChain) throws Exception {
    chain = testChain;
    app = TestApp.start("dataset_web", Map.of(
        "LABELLEDGER_RELAY_INTERVAL_MS", "300",
        "LABELLEDGER_INDEX_INTERVAL_MS", "300",
        "LABELLEDGER_PURCHASE_INDEX_INTERVAL_MS", "300",
        "LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "0"), chain);
    DatasetPrerequisites.ensureSchema(app.database());
    String terms = app.publishTerms("You may sell my labels for model training.");
    long campaign = WorkFixtures.campaign(app, terms, 2, 0.0);
    WorkFixtures.items(app, campaign, 4, 0);
    for (int i = 0; i < 2; i++) {
      answerAll(WorkFixtures.consenting(app, chain, terms), campaign, "yes");
    }
    DatasetPrerequisites.aggregateByMajority(app.database(), campaign);
    DatasetPrerequisites.anchorAll(app, campaign);
    Reply built = app.postJson("/api/campaigns/" + campaign + "/datasets",
        Map.of("price", PRICE.toString(), "name", "Web reviews"), TestApp.OPERATOR_TOKEN);
    assertThat(built.status()).as(built.body()).isEqualTo(201);
    dataset = built.json().get("id").asLong();
    Reply listed = app.postJson("/api/datasets/" + dataset + "/listing", "", TestApp.OPERATOR_TOKEN);
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    chainDataset = listed.json().get("chainDatasetId").asLong();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  private static void answerAll(Contributor c, long campaign, String answer) {
    while (true) {
      Reply task = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", c.token());
      if (task.status() == 404) {
        return;
      }
      assertThat(task.status()).as(task.body()).isEqualTo(200);
      ObjectNode typed = task.json().get("typedData").deepCopy();
      ((ObjectNode) typed.get("message")).put("answer", answer);
      assertThat(app.postJson("/api/contributions", TypedDataSigner.signed(typed, c.key()), c.token()).status())
          .isEqualTo(201);
    }
  }

  @Test
  void aBuyerBuysWithTheirOwnKeyInThePageAndDownloadsTheExport() throws Exception {
    Credentials buyer = chain.newAccount(2);
    TestToken token = TestToken.load(app.deployment().paymentToken(), chain.web3j(), chain.txManager(chain.funder()),
        chain.gas());
    token.faucet(buyer.getAddress(), PRICE).send();
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("datasetId", dataset);
    request.put("privateKey", Numeric.toHexStringWithPrefixZeroPadded(buyer.getEcKeyPair().getPrivateKey(), 64));
    request.put("screenshots", SCREENSHOTS.toString());
    request.put("downloads", SCREENSHOTS.resolveSibling("downloads").toString());
    request.put("timeoutMs", 90_000);

    JsonNode result = app.clock().followingWallClock(() ->
        NodeScript.run("browser-tests/buyer.js", request, Duration.ofMinutes(5)));

    assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
    for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
      assertThat(result.at("/problems/" + kind)).as(kind).isEmpty();
    }
    assertThat(result.get("address").asText()).isEqualToIgnoringCase(buyer.getAddress());
    assertThat(result.get("sampleItems").asInt()).isPositive();
    // the purchase happened on-chain, from the buyer's account, for the listed price
    DataMarketplace market = DataMarketplace.load(app.deployment().marketplace(), chain.web3j(),
        chain.txManager(chain.funder()), chain.gas());
    assertThat(market.hasLicence(BigInteger.valueOf(chainDataset), buyer.getAddress()).send()).isTrue();
    assertThat(token.balanceOf(buyer.getAddress()).send()).isZero();
    // the file the browser saved is the licensed export: every item of the version, once
    List<String> lines = Files.readAllLines(Path.of(result.at("/download/path").asText()));
    long items = app.get("/api/datasets/" + dataset).json().get("itemCount").asLong();
    assertThat(lines).hasSize((int) items);
    Set<Long> ids = new HashSet<>();
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      JsonNode row = json.readTree(line);
      ids.add(row.get("itemId").asLong());
      assertThat(row.get("label").asText()).isEqualTo("yes");
    }
    assertThat(ids).hasSize((int) items);
    result.get("screenshots").forEach(s -> assertThat(s.get("overflowAt375").asInt()).isLessThanOrEqualTo(0));
  }
}
