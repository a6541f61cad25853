package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.chain.Hex;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TestDatabase;
import io.labelledger.testsupport.TypedDataSigner;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * A dataset's life on the real service, PostgreSQL and Ganache: signed work, a version built from
 * the accepted, consented, anchored part of it, listed on-chain, bought from the buyer's wallet
 * with the calls the service gives, exported only to the licence holder, claimed to the token unit
 * (by the contributor's own wallet and by the operator on a contributor's behalf), and a revocation
 * that the next version and the earlier buyer's notices reflect.
 *
 * <p>Quality's labels and anchoring's batches are written here with SQL into the columns the
 * quality and anchor work fills in (items.label/confidence, contributions.status/batch_id,
 * anchor_batches), so this test covers the dataset side on its own.
 */
@ExtendWith(ChainExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatasetMarketIT {
  private static final BigInteger PRICE = BigInteger.valueOf(1_000_003);

  private static TestChain chain;
  private static TestApp app;
  private static String terms;
  private static long campaign;
  private static final List<Contributor> workers = new ArrayList<>();
  private static Contributor sloppy;
  private static long v1;
  private static long v1Chain;
  private static Credentials buyer;
  private static String buyerToken;

  @BeforeAll
  static void start(TestChain testChain) throws Exception {
    chain = testChain;
    app = TestApp.start("dataset_market", Map.of("LABELLEDGER_CLAIM_INTERVAL_SECONDS", "3600",
        "LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "0"), chain);
    DatasetPrerequisites.ensureSchema(app.database());
    terms = app.publishTerms("You may sell my labels for model training.");
    campaign = WorkFixtures.campaign(app, terms, 5, 0.0);
    WorkFixtures.items(app, campaign, 6, 0);
    for (int i = 0; i < 4; i++) {
      workers.add(WorkFixtures.consenting(app, chain, terms));
    }
    sloppy = WorkFixtures.consenting(app, chain, terms);
    for (Contributor c : workers) {
      answerAll(c, "yes");
    }
    answerAll(sloppy, "no");
    DatasetPrerequisites.aggregateByMajority(app.database(), campaign);
    DatasetPrerequisites.anchorAll(app, campaign);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  private static void answerAll(Contributor c, String answer) {
    while (true) {
      Reply task = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", c.token());
      if (task.status() == 404) {
        return;
      }
      assertThat(task.status()).as(task.body()).isEqualTo(200);
      ObjectNode typed = task.json().get("typedData").deepCopy();
      ((ObjectNode) typed.get("message")).put("answer", answer);
      Reply done = app.postJson("/api/contributions", TypedDataSigner.signed(typed, c.key()), c.token());
      assertThat(done.status()).as(done.body()).isEqualTo(201);
    }
  }

  private static TransactionReceipt sendRaw(Credentials from, String to, String data) throws Exception {
    var sent = chain.txManager(from).sendTransaction(TestChain.GAS_PRICE, TestChain.GAS_LIMIT, to, data,
        BigInteger.ZERO);
    assertThat(sent.hasError()).as(sent.hasError() ? sent.getError().getMessage() : "").isFalse();
    return new PollingTransactionReceiptProcessor(chain.web3j(), 50, 1200)
        .waitForTransactionReceipt(sent.getTransactionHash());
  }

  private static BigInteger balance(String account) throws Exception {
    return TestToken.load(app.deployment().paymentToken(), chain.web3j(), chain.txManager(chain.funder()),
        chain.gas()).balanceOf(account).send();
  }

  private static void faucet(String to, BigInteger amount) throws Exception {
    TestToken.load(app.deployment().paymentToken(), chain.web3j(), chain.txManager(chain.funder()), chain.gas())
        .faucet(to, amount).send();
  }

  private static DataMarketplace market() {
    return DataMarketplace.load(app.deployment().marketplace(), chain.web3j(), chain.txManager(chain.funder()),
        chain.gas());
  }

  @Test
  @Order(1)
  void buildsAVersionOfTheAcceptedConsentedAnchoredWorkAndListsIt() {
    Reply built = app.postJson("/api/campaigns/" + campaign + "/datasets",
        Map.of("price", PRICE.toString(), "name", "Reviews", "confidenceBar", 0.75), TestApp.OPERATOR_TOKEN);
    assertThat(built.status()).as(built.body()).isEqualTo(201);
    JsonNode d = built.json();
    v1 = d.get("id").asLong();
    assertThat(d.get("status").asText()).isEqualTo("built");
    assertThat(d.get("itemCount").asLong()).isEqualTo(6);
    assertThat(d.get("contributionCount").asLong()).as("the sloppy contributor's answers were rejected")
        .isEqualTo(24);
    assertThat(d.get("contributorCount").asInt()).isEqualTo(4);
    assertThat(d.get("totalShares").asLong()).isEqualTo(24);
    assertThat(d.at("/quality/labelDistribution/yes").asLong()).isEqualTo(6);
    assertThat(d.at("/quality/agreement").asDouble()).isEqualTo(24.0 / 30.0);

    Reply unlisted = app.postJson("/api/datasets/" + v1 + "/listing", "", null);
    assertThat(unlisted.status()).isEqualTo(401);
    Reply listed = app.postJson("/api/datasets/" + v1 + "/listing", "", TestApp.OPERATOR_TOKEN);
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    v1Chain = listed.json().get("chainDatasetId").asLong();
    assertThat(listed.json().get("status").asText()).isEqualTo("listed");
    var onChain = MarketplaceCall.of(() -> market().dataset(BigInteger.valueOf(v1Chain)).send());
    assertThat(Hex.encode(onChain.contentRoot)).isEqualTo(d.get("contentRoot").asText());
    assertThat(Hex.encode(onChain.sharesRoot)).isEqualTo(d.get("sharesRoot").asText());
    assertThat(onChain.price).isEqualTo(PRICE);
    assertThat(app.postJson("/api/datasets/" + v1 + "/listing", "", TestApp.OPERATOR_TOKEN).errorCode())
        .isEqualTo("DATASET_ALREADY_LISTED");

    Reply catalogue = app.get("/api/datasets");
    assertThat(catalogue.json().get("datasets").findValuesAsText("id")).contains(Long.toString(v1));
    Reply sample = app.get("/api/datasets/" + v1 + "/sample");
    assertThat(sample.json().get("items")).hasSize(5);
    Reply card = app.get("/api/datasets/" + v1 + "/card");
    assertThat(card.body()).contains("# Reviews", d.get("contentRoot").asText(),
        "You may sell my labels for model training.", "one share per contribution");
  }

  @Test
  @Order(2)
  void exportIsRefusedWithoutASessionAndWithoutALicenceThenServedAfterThePurchase() throws Exception {
    buyer = chain.newAccount(2);
    buyerToken = app.signIn(buyer);
    assertThat(app.get("/api/datasets/" + v1 + "/export").status()).isEqualTo(401);
    Reply refused = app.get("/api/datasets/" + v1 + "/export", buyerToken);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("LICENCE_REQUIRED");

    faucet(buyer.getAddress(), PRICE);
    JsonNode how = app.get("/api/datasets/" + v1 + "/purchase").json();
    for (JsonNode call : how.get("approveThenPurchase")) {
      assertThat(sendRaw(buyer, call.get("to").asText(), call.get("data").asText()).isStatusOK()).isTrue();
    }
    assertThat(balance(buyer.getAddress())).isZero();

    Reply jsonl = app.get("/api/datasets/" + v1 + "/export?format=jsonl", buyerToken);
    assertThat(jsonl.status()).as(jsonl.body()).isEqualTo(200);
    List<String> lines = jsonl.body().lines().toList();
    assertThat(lines).hasSize(6);
    Set<Long> exported = new HashSet<>();
    for (String line : lines) {
      JsonNode row = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
      exported.add(row.get("itemId").asLong());
      assertThat(row.get("label").asText()).isEqualTo("yes");
      assertThat(row.get("leaves")).hasSize(4);
    }
    assertThat(exported).hasSize(6);
    assertThat(app.get("/api/datasets/" + v1 + "/export?format=parquet", buyerToken).status()).isEqualTo(200);
    assertThat(app.get("/api/datasets/" + v1 + "/export?format=csv", buyerToken).errorCode())
        .isEqualTo("INVALID_PARAMETER");

    app.purchases();
    Reply licences = app.get("/api/licences/me", buyerToken);
    assertThat(licences.json().get("licences")).singleElement()
        .satisfies(l -> assertThat(l.get("price").asText()).isEqualTo(PRICE.toString()));
  }

  @Test
  @Order(3)
  void eachClaimPaysExactlyTheEntitlementByWalletOrByTheOperator() throws Exception {
    BigInteger fee = PRICE.multiply(BigInteger.valueOf(500)).divide(BigInteger.valueOf(10_000));
    BigInteger revenue = PRICE.subtract(fee);
    BigInteger each = revenue.multiply(BigInteger.valueOf(6)).divide(BigInteger.valueOf(24));

    Contributor own = workers.get(0);
    JsonNode statement = app.get("/api/earnings/me", own.token()).json();
    assertThat(statement.get("datasets")).singleElement().satisfies(e -> {
      assertThat(e.get("shares").asLong()).isEqualTo(6);
      assertThat(e.get("revenue").asText()).isEqualTo(revenue.toString());
      assertThat(e.get("owed").asText()).isEqualTo(each.toString());
      assertThat(e.get("claimed").asText()).isEqualTo("0");
    });
    BigInteger before = balance(own.address());
    Credentials wallet = own.key();
    assertThat(sendRaw(wallet, statement.at("/claimCall/to").asText(), statement.at("/claimCall/data").asText())
        .isStatusOK()).isTrue();
    assertThat(balance(own.address()).subtract(before)).isEqualTo(each);
    assertThat(app.get("/api/earnings/me", own.token()).json().at("/datasets/0/owed").asText()).isEqualTo("0");

    Contributor gasless = workers.get(1);
    BigInteger gaslessBefore = balance(gasless.address());
    Reply claimed = app.postJson("/api/earnings/me/claims", "", gasless.token());
    assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
    assertThat(claimed.json().get("paid").asText()).isEqualTo(each.toString());
    assertThat(balance(gasless.address()).subtract(gaslessBefore)).isEqualTo(each);
    Reply again = app.postJson("/api/earnings/me/claims", "", gasless.token());
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.errorCode()).isEqualTo("NOTHING_TO_CLAIM");

    Reply outsider = app.postJson("/api/earnings/me/claims", "", buyerToken);
    assertThat(outsider.errorCode()).isEqualTo("NOTHING_TO_CLAIM");
    var info = MarketplaceCall.of(() -> market().dataset(BigInteger.valueOf(v1Chain)).send());
    assertThat(info.paidOut).isEqualTo(each.multiply(BigInteger.TWO));
    assertThat(info.feesAccrued).isEqualTo(fee);
  }

  @Test
  @Order(4)
  void theNextVersionAfterARevocationLeavesOutTheRevokerAndTheEarlierBuyerIsTold() throws Exception {
    Contributor revoker = workers.get(3);
    ConsentRegistry.load(app.deployment().consentRegistry(), chain.web3j(), chain.txManager(revoker.key()),
        chain.gas()).revoke(Hex.decode(terms)).send();
    app.index();

    Reply built = app.postJson("/api/campaigns/" + campaign + "/datasets", Map.of("price", PRICE.toString(),
        "confidenceBar", 0.75), TestApp.OPERATOR_TOKEN);
    assertThat(built.status()).as(built.body()).isEqualTo(201);
    long v2 = built.json().get("id").asLong();
    assertThat(built.json().get("parentId").asLong()).isEqualTo(v1);
    assertThat(built.json().get("contributorCount").asInt()).isEqualTo(3);
    assertThat(built.json().get("contributionCount").asLong()).isEqualTo(18);
    assertThat(count("select count(*) from dataset_shares where dataset_id = " + v2 + " and account = '"
        + revoker.address().toLowerCase() + "'")).isZero();
    assertThat(app.get("/api/notices/me", buyerToken).json().get("notices")).isEmpty();

    Reply listed = app.postJson("/api/datasets/" + v2 + "/listing", "", TestApp.OPERATOR_TOKEN);
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    var onChain = MarketplaceCall.of(() -> market().dataset(BigInteger.valueOf(listed.json()
        .get("chainDatasetId").asLong())).send());
    assertThat(onChain.parentId.longValue()).isEqualTo(v1Chain);

    JsonNode notices = app.get("/api/notices/me", buyerToken).json().get("notices");
    assertThat(notices).singleElement().satisfies(n -> {
      assertThat(n.get("datasetId").asLong()).isEqualTo(v1);
      assertThat(n.get("supersededBy").asLong()).isEqualTo(v2);
      assertThat(n.get("contributorsRemoved").asInt()).isEqualTo(1);
      assertThat(n.get("contributionsRemoved").asInt()).isEqualTo(6);
    });
    assertThat(app.get("/api/notices/me", workers.get(0).token()).json().get("notices")).isEmpty();
  }

  private static long count(String sql) throws Exception {
    try (Connection c = TestDatabase.connect(app.database()); Statement s = c.createStatement();
         var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Runs a web3j call, rethrowing its checked exception. */
  interface MarketplaceCall<T> {
    T run() throws Exception;

    static <T> T of(MarketplaceCall<T> call) {
      try {
        return call.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
