package io.labelledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.web3j.tx.ReadonlyTransactionManager;

/** Set-up and checks of the provenance tests: signed contributions through the API, SQL, the registry. */
public final class AnchorFixtures {
  private AnchorFixtures() {}

  /** A stored contribution: its id and the EIP-712 digest that was signed. */
  public record Submitted(long id, String digest) {}

  /** A campaign (overlap 1, no gold) on {@code terms} with {@code items} items; returns its id. */
  public static long campaign(TestApp app, String terms, int items) {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, items, 0);
    return campaign;
  }

  /** {@code n} signed contributions of {@code c} to {@code campaign}, each leased, signed and stored (201). */
  public static List<Submitted> contribute(TestApp app, Contributor c, long campaign, int n) {
    List<Submitted> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Reply task = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", c.token());
      assertThat(task.status()).as(task.body()).isEqualTo(200);
      ObjectNode typed = task.json().get("typedData").deepCopy();
      ((ObjectNode) typed.get("message")).put("answer", "yes");
      Reply stored = app.postJson("/api/contributions", TypedDataSigner.signed(typed, c.key()), c.token());
      assertThat(stored.status()).as(stored.body()).isEqualTo(201);
      out.add(new Submitted(stored.json().get("id").asLong(), stored.json().get("digest").asText()));
    }
    return out;
  }

  public static long count(TestApp app, String sql) {
    try (Connection c = TestDatabase.connect(app.database()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The single text value a query returns (null for SQL null). */
  public static String text(TestApp app, String sql) {
    try (Connection c = TestDatabase.connect(app.database()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as("a row from %s", sql).isTrue();
      return rs.getString(1);
    } catch (Exception e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public static void execute(TestApp app, String sql) {
    try (Connection c = TestDatabase.connect(app.database()); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (Exception e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The app's ProvenanceRegistry, for reads. */
  public static ProvenanceRegistry registry(TestApp app, TestChain chain) {
    return ProvenanceRegistry.load(app.deployment().provenanceRegistry(), chain.web3j(),
        new ReadonlyTransactionManager(chain.web3j(), app.deployment().provenanceRegistry()), chain.gas());
  }

  public static long batchCount(TestApp app, TestChain chain) {
    return MarketplaceFixture.call(() -> registry(app, chain).batchCount().send()).longValueExact();
  }

  /** Every contribution is in exactly one batch whose root the chain holds under the recorded batch id. */
  public static void assertEveryBatchOnChainOnce(TestApp app, TestChain chain) {
    long onChain = batchCount(app, chain);
    assertThat(count(app, "select count(*) from anchor_batches where state = 'anchored'")).isEqualTo(onChain);
    for (long id = 1; id <= onChain; id++) {
      long chainId = id;
      var batch = MarketplaceFixture.call(() -> registry(app, chain).batch(BigInteger.valueOf(chainId)).send());
      String root = io.labelledger.chain.Hex.encode(batch.component1());
      assertThat(count(app, "select count(*) from anchor_batches where chain_batch_id = " + chainId
          + " and root = decode('" + root.substring(2) + "', 'hex') and leaf_count = " + batch.component2()
          + " and (select count(*) from contributions c where c.batch_id = anchor_batches.id) = leaf_count"))
          .as("on-chain batch %s is recorded with its root and all its contributions", chainId).isEqualTo(1);
    }
  }

  static JsonNode json(Reply reply) {
    return reply.json();
  }
}
