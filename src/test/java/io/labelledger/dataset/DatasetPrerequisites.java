package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TestDatabase;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * What the quality work leaves in the database, written with SQL for the dataset tests: the
 * columns it fills in (created here only when its migration is not in this build) and its outcomes,
 * majority labels with confidence and accepted/rejected contributions. Anchoring is the service's
 * own anchorer's ({@link #anchorAll}), now that it is in the build. And the steps a version takes
 * through the API once its work is anchored, as the operator and a buyer take them: built, listed,
 * bought from a new wallet.
 */
public final class DatasetPrerequisites {
  private DatasetPrerequisites() {}

  /**
   * Starts the service on {@code chain} for a test that anchors work and builds versions of it: the
   * anchorer closes a batch however young it is (what {@link #anchorAll} needs), besides {@code env}.
   */
  public static TestApp startAnchoring(String name, Map<String, String> env, TestChain chain) {
    Map<String, String> all = new HashMap<>(env);
    all.put("LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "0");
    return TestApp.start(name, all, chain);
  }

  /** The operator builds a version of the campaign with {@code body} (price, name, ...); its id. */
  public static long buildVersion(TestApp app, long campaign, Map<String, Object> body) {
    Reply built = app.postJson("/api/campaigns/" + campaign + "/datasets", body, TestApp.OPERATOR_TOKEN);
    assertThat(built.status()).as(built.body()).isEqualTo(201);
    return built.json().get("id").asLong();
  }

  /** The operator lists the version on-chain; the listing as the service answers it. */
  public static JsonNode list(TestApp app, long dataset) {
    Reply listed = app.postJson("/api/datasets/" + dataset + "/listing", "", TestApp.OPERATOR_TOKEN);
    assertThat(listed.status()).as(listed.body()).isEqualTo(200);
    return listed.json();
  }

  /**
   * A new wallet, given {@code price} of the payment token, buys the listed version by sending the
   * calls the service prepares ({@code approveThenPurchase}) itself; the buyer.
   */
  public static Credentials buyFromNewWallet(TestApp app, TestChain chain, long dataset, BigInteger price)
      throws Exception {
    Credentials buyer = chain.newAccount(2);
    TestToken.load(app.deployment().paymentToken(), chain.web3j(), chain.txManager(chain.funder()), chain.gas())
        .faucet(buyer.getAddress(), price).send();
    for (JsonNode call : app.get("/api/datasets/" + dataset + "/purchase").json().get("approveThenPurchase")) {
      assertThat(sendRaw(chain, buyer, call.get("to").asText(), call.get("data").asText()).isStatusOK()).isTrue();
    }
    return buyer;
  }

  /** The contributor behind {@code token} claims their earnings through the service. */
  public static void claim(TestApp app, String token) {
    Reply claimed = app.postJson("/api/earnings/me/claims", "", token);
    assertThat(claimed.status()).as(claimed.body()).isEqualTo(200);
  }

  private static TransactionReceipt sendRaw(TestChain chain, Credentials from, String to, String data)
      throws Exception {
    var sent = chain.txManager(from).sendTransaction(TestChain.GAS_PRICE, TestChain.GAS_LIMIT, to, data,
        BigInteger.ZERO);
    assertThat(sent.hasError()).as(sent.hasError() ? sent.getError().getMessage() : "").isFalse();
    return new PollingTransactionReceiptProcessor(chain.web3j(), 50, 1200)
        .waitForTransactionReceipt(sent.getTransactionHash());
  }

  static void ensureSchema(DatabaseCoordinates db) throws SQLException {
    exec(db, """
        alter table items add column if not exists label text;
        alter table items add column if not exists confidence double precision;
        alter table contributions add column if not exists batch_id bigint;
        alter table contributions add column if not exists leaf_index integer;
        create table if not exists anchor_batches (id bigint primary key, block_number bigint);
        """);
  }

  /** Majority label and its share as confidence per item; contributions agreeing are accepted, others rejected. */
  public static void aggregateByMajority(DatabaseCoordinates db, long campaignId) throws SQLException {
    exec(db, """
        with votes as (
          select item_id, answer, count(*) as n, sum(count(*)) over (partition by item_id) as total,
                 row_number() over (partition by item_id order by count(*) desc, answer) as rank
            from contributions where campaign_id = %1$d group by item_id, answer)
        update items i set label = v.answer, confidence = v.n::double precision / v.total
          from votes v where v.item_id = i.id and v.rank = 1;
        update contributions c set status = case when c.answer = coalesce(i.gold_answer, i.label) then 'accepted'
                                                 else 'rejected' end
          from items i where i.id = c.item_id and c.campaign_id = %1$d;
        """.formatted(campaignId));
  }

  /**
   * Anchors every contribution of the campaign with the service's own anchorer (rounds run until
   * each is in a mined batch; the app needs anchor.maxBatchAgeMs 0 so that small batches close).
   */
  public static void anchorAll(TestApp app, long campaignId) throws SQLException {
    for (int round = 0; round < 20; round++) {
      app.anchor();
      try (Connection c = TestDatabase.connect(app.database());
          PreparedStatement q = c.prepareStatement("select count(*) from contributions c"
              + " left join anchor_batches b on b.id = c.batch_id where c.campaign_id = ? and b.block_number is null")) {
        q.setLong(1, campaignId);
        try (ResultSet rs = q.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return;
          }
        }
      }
    }
    throw new AssertionError("the anchorer did not anchor every contribution of campaign " + campaignId);
  }

  private static void exec(DatabaseCoordinates db, String sql) throws SQLException {
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
