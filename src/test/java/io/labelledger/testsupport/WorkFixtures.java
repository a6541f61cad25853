package io.labelledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.testsupport.TestApp.Reply;
import java.math.BigInteger;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Credentials;
import org.web3j.tx.ReadonlyTransactionManager;

/** Set-up steps shared by the work tests: campaigns with items, and consent given through the real flow. */
public final class WorkFixtures {
  public static final long DAY = 86_400;

  private WorkFixtures() {}

  /** A contributor as the work tests use one: their key and their session token. */
  public record Contributor(Credentials key, String token) {
    public String address() {
      return key.getAddress();
    }
  }

  /** A new funded account, signed in. */
  public static Contributor signedIn(TestApp app, TestChain chain) {
    Credentials key = chain.newAccount(1);
    return new Contributor(key, app.signIn(key));
  }

  /** A new funded account, signed in, with a valid consent to {@code terms} given through the real flow. */
  public static Contributor consenting(TestApp app, TestChain chain, String terms) {
    Contributor c = signedIn(app, chain);
    consent(app, chain, c.key(), c.token(), terms);
    return c;
  }

  /** {@code n} new funded accounts, signed in, consenting to {@code terms}: one relaying round for all. */
  public static List<Contributor> consentingMany(TestApp app, TestChain chain, String terms, int n) {
    List<Contributor> out = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      Contributor c = signedIn(app, chain);
      Reply reply = postConsent(app, chain, c.key(), c.token(), terms);
      assertThat(reply.status()).as(reply.body()).isEqualTo(202);
      out.add(c);
    }
    app.relayAndIndex();
    for (Contributor c : out) {
      assertThat(app.get("/api/consents/me", c.token()).json().get("consents").findValuesAsText("termsHash"))
          .contains(terms);
    }
    return out;
  }

  /** Creates a single-choice campaign (labels yes/no/maybe) on {@code terms}; returns its id. */
  public static long campaign(TestApp app, String terms, int overlap, double goldRate) {
    return campaign(app, terms, Map.of("overlap", overlap, "goldRate", goldRate));
  }

  /**
   * Creates a single-choice campaign (labels yes/no/maybe) on {@code terms} with {@code settings}
   * (overlap, goldRate, maxOverlap, accuracyFloor, targetConfidence, ...); returns its id.
   */
  public static long campaign(TestApp app, String terms, Map<String, Object> settings) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", "Work test");
    body.put("instructions", "Answer yes, no or maybe.");
    body.put("taskType", "single_choice");
    body.put("labels", List.of("yes", "no", "maybe"));
    body.put("termsHash", terms);
    body.putAll(settings);
    Reply reply = app.postJson("/api/campaigns", body, TestApp.OPERATOR_TOKEN);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("id").asLong();
  }

  /** Uploads {@code regular} plain items and {@code gold} gold items (answer "yes"). */
  public static void items(TestApp app, long campaignId, int regular, int gold) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < regular; i++) {
      lines.append("{\"id\":\"r").append(i).append("\",\"data\":{\"text\":\"item ").append(i).append("\"}}\n");
    }
    for (int i = 0; i < gold; i++) {
      lines.append("{\"id\":\"g").append(i).append("\",\"data\":{\"text\":\"gold ").append(i)
          .append("\"},\"gold\":\"yes\"}\n");
    }
    Reply reply = app.send("POST", "/api/campaigns/" + campaignId + "/items", TestApp.OPERATOR_TOKEN,
        "application/x-ndjson", BodyPublishers.ofString(lines.toString()));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
  }

  /** Asks for the next task of {@code campaign} and answers it, signed; returns the item id. */
  public static long answerNext(TestApp app, Contributor c, long campaign, String answer) {
    Reply task = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", c.token());
    assertThat(task.status()).as(task.body()).isEqualTo(200);
    com.fasterxml.jackson.databind.node.ObjectNode typed = task.json().get("typedData").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) typed.get("message")).put("answer", answer);
    Reply reply = app.postJson("/api/contributions", TypedDataSigner.signed(typed, c.key()), c.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return task.json().get("itemId").asLong();
  }

  /** The first column of the first row of {@code sql} on the app's database (null when no row). */
  public static Object queryValue(TestApp app, String sql) {
    try (java.sql.Connection c = TestDatabase.connect(app.database()); java.sql.Statement s = c.createStatement();
         java.sql.ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getObject(1) : null;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Runs a write on the app's database, as another component (e.g. quality) would; returns the row count. */
  public static int execute(TestApp app, String sql) {
    try (java.sql.Connection c = TestDatabase.connect(app.database()); java.sql.Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The pair's nonce on-chain, read as any wallet would. */
  public static long nonceOf(TestApp app, TestChain chain, String contributor, String terms) {
    try {
      return ConsentRegistry.load(app.deployment().consentRegistry(), chain.web3j(),
              new ReadonlyTransactionManager(chain.web3j(), contributor), chain.gas())
          .nonceOf(contributor, Hex.decode(terms)).send().longValueExact();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signs a Consent (30 days) with the current nonce and posts it; returns the reply. */
  public static Reply postConsent(TestApp app, TestChain chain, Credentials who, String token, String terms) {
    long now = Math.max(app.clock().instant().getEpochSecond(), chain.latestTimestamp());
    var typed = TypedDataSigner.consent(app.deployment(), who.getAddress(), terms, now + 30 * DAY,
        nonceOf(app, chain, who.getAddress(), terms), now + 3600);
    return app.postJson("/api/consents", TypedDataSigner.signed(typed, who), token);
  }

  /** Gives consent through the service (signed, relayed, indexed) and checks it is valid. */
  public static void consent(TestApp app, TestChain chain, Credentials who, String token, String terms) {
    Reply reply = postConsent(app, chain, who, token, terms);
    assertThat(reply.status()).as(reply.body()).isEqualTo(202);
    app.relayAndIndex();
    Reply mine = app.get("/api/consents/me", token);
    assertThat(mine.json().get("consents").findValuesAsText("termsHash")).contains(terms);
  }
}
