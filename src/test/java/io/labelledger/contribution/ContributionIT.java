package io.labelledger.contribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TestDatabase;
import io.labelledger.testsupport.TypedDataSigner;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

@ExtendWith(ChainExtension.class)
class ContributionIT {
  private static TestChain chain;
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("ContributionIT", Map.of(), chain);
    terms = app.publishTerms("Contribution IT terms");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  /** A signed-in contributor with a valid consent to the terms. */
  private static Contributor consenting() {
    return WorkFixtures.consenting(app, chain, terms);
  }

  /** A campaign with {@code items} items and a contributor holding a lease on one; returns the task. */
  private static JsonNode leasedTask(Contributor c, int items) {
    long campaign = WorkFixtures.campaign(app, terms, 3, 0);
    WorkFixtures.items(app, campaign, items, 0);
    return task(c, campaign);
  }

  private static JsonNode task(Contributor c, long campaign) {
    Reply reply = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", c.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  /** The task's typed data with the answer filled in, as a client does before signing. */
  private static ObjectNode answered(JsonNode task, String answer) {
    ObjectNode typed = task.get("typedData").deepCopy();
    ((ObjectNode) typed.get("message")).put("answer", answer);
    return typed;
  }

  private static Reply submit(JsonNode typed, Credentials signer, String token) {
    return app.postJson("/api/contributions", TypedDataSigner.signed(typed, signer), token);
  }

  private static void assertRefused(Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.errorCode()).as(reply.body()).isEqualTo(code);
  }

  private static long count(String sql) {
    try (Connection c = TestDatabase.connect(app.database()); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A refusal changes nothing: no contribution stored for the item, the lease still there. */
  private static void assertNothingChanged(JsonNode task) {
    long item = task.get("itemId").asLong();
    assertThat(count("select count(*) from contributions where item_id = " + item)).isZero();
    assertThat(count("select count(*) from leases where item_id = " + item)).isEqualTo(1);
  }

  @Test
  void acceptedContributionIsCommittedWithEverySignedFieldAndListed() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    ObjectNode typed = answered(task, "yes");
    String signature = TypedDataSigner.sign(typed, c.key());
    Reply reply = app.postJson("/api/contributions", TypedDataSigner.body(typed, signature), c.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    long id = reply.json().get("id").asLong();
    assertThat(reply.json().get("status").asText()).as("until quality decides the item").isEqualTo("pending");
    String digest = reply.json().get("digest").asText();

    long item = task.get("itemId").asLong();
    assertThat(count("select count(*) from contributions where id = " + id + " and item_id = " + item
        + " and answer = 'yes' and contributor = '" + c.key().getAddress() + "' and terms_hash = '" + terms
        + "' and submitted_at = " + typed.at("/message/submittedAt").asLong()
        + " and digest = decode('" + digest.substring(2) + "', 'hex')"
        + " and signature = decode('" + signature.substring(2) + "', 'hex')")).isEqualTo(1);
    assertThat(count("select count(*) from leases where item_id = " + item)).as("lease consumed").isZero();

    JsonNode mine = app.get("/api/contributions/me", c.token()).json().get("contributions");
    assertThat(mine).hasSize(1);
    assertThat(mine.get(0).get("id").asLong()).isEqualTo(id);
    assertThat(mine.get(0).get("status").asText()).isEqualTo("pending");
    assertThat(mine.get(0).get("digest").asText()).isEqualTo(digest);
  }

  @Test
  void sameSignedContributionTwiceStoresOnce() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    Map<String, Object> body = TypedDataSigner.signed(answered(task, "no"), c.key());
    Reply first = app.postJson("/api/contributions", body, c.token());
    Reply again = app.postJson("/api/contributions", body, c.token());
    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json()).isEqualTo(first.json());
    assertThat(count("select count(*) from contributions where item_id = " + task.get("itemId").asLong()))
        .isEqualTo(1);
  }

  @Test
  void rejectsASecondAnswerToTheSameItem() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    assertThat(submit(answered(task, "yes"), c.key(), c.token()).status()).isEqualTo(201);
    assertRefused(submit(answered(task, "no"), c.key(), c.token()), 409, "ALREADY_ANSWERED");
    assertThat(count("select count(*) from contributions where item_id = " + task.get("itemId").asLong()))
        .isEqualTo(1);
  }

  @Test
  void rejectsContributionSignedForAnotherChain() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    ObjectNode typed = answered(task, "yes");
    ((ObjectNode) typed.get("domain")).put("chainId", 1);
    assertRefused(submit(typed, c.key(), c.token()), 400, "CHAIN_ID_MISMATCH");
    assertNothingChanged(task);
  }

  @Test
  void rejectsContributionSignedForAnotherContract() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    ObjectNode typed = answered(task, "yes");
    ((ObjectNode) typed.get("domain")).put("verifyingContract", app.deployment().consentRegistry());
    assertRefused(submit(typed, c.key(), c.token()), 400, "VERIFYING_CONTRACT_MISMATCH");
    assertNothingChanged(task);
  }

  @Test
  void rejectsContributionSignedByAnotherKey() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    assertRefused(submit(answered(task, "yes"), chain.newAccount(0), c.token()), 422, "SIGNER_MISMATCH");
    assertNothingChanged(task);
  }

  @Test
  void rejectsAMalformedSignature() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    Reply reply = app.postJson("/api/contributions",
        TypedDataSigner.body(answered(task, "yes"), "0x" + "00".repeat(65)), c.token());
    assertRefused(reply, 400, "SIGNATURE_INVALID");
    assertNothingChanged(task);
  }

  @Test
  void rejectsContributionForAnotherAccountThanTheSession() {
    Contributor c = consenting();
    Contributor other = consenting();
    JsonNode task = leasedTask(c, 1);
    assertRefused(submit(answered(task, "yes"), c.key(), other.token()), 403, "CONTRIBUTOR_NOT_SIGNED_IN");
    assertNothingChanged(task);
  }

  @Test
  void rejectsContributionWithoutValidConsent() throws Exception {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    ConsentRegistry.load(app.deployment().consentRegistry(), chain.web3j(), chain.txManager(c.key()), chain.gas())
        .revoke(Hex.decode(terms)).send();
    app.index();
    assertRefused(submit(answered(task, "yes"), c.key(), c.token()), 403, "CONSENT_REQUIRED");
    assertNothingChanged(task);
  }

  @Test
  void rejectsAnItemThatWasNotHandedOut() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 2);
    ObjectNode typed = answered(task, "yes");
    long otherItem = task.get("itemId").asLong() + 1;
    ((ObjectNode) typed.get("message")).put("itemId", otherItem);
    assertRefused(submit(typed, c.key(), c.token()), 409, "ITEM_NOT_ASSIGNED");
    assertThat(count("select count(*) from contributions where item_id = " + otherItem)).isZero();
  }

  @Test
  void rejectsAnAnswerAfterTheLeaseExpired() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    app.clock().advance(Duration.ofMinutes(11));
    try {
      ObjectNode typed = answered(task, "yes");
      ((ObjectNode) typed.get("message")).put("submittedAt", app.clock().instant().getEpochSecond());
      assertRefused(submit(typed, c.key(), c.token()), 409, "LEASE_EXPIRED");
    } finally {
      app.clock().advance(Duration.ofMinutes(-11));
    }
    assertNothingChanged(task);
  }

  @Test
  void rejectsAnAnswerOutsideTheLabelSet() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    Reply reply = submit(answered(task, "perhaps"), c.key(), c.token());
    assertRefused(reply, 422, "ANSWER_NOT_IN_LABEL_SET");
    assertThat(reply.json().at("/error/details/labels").toString()).contains("yes", "no", "maybe");
    assertNothingChanged(task);
  }

  @Test
  void rejectsASubmissionTimeOutsideTheSkewWindow() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    ObjectNode typed = answered(task, "yes");
    ((ObjectNode) typed.get("message")).put("submittedAt", app.clock().instant().getEpochSecond() - 3600);
    assertRefused(submit(typed, c.key(), c.token()), 422, "SUBMITTED_AT_OUT_OF_RANGE");
    assertNothingChanged(task);
  }

  @Test
  void rejectsTermsOtherThanTheCampaigns() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    ObjectNode typed = answered(task, "yes");
    ((ObjectNode) typed.get("message")).put("termsHash", "0x" + "ab".repeat(32));
    assertRefused(submit(typed, c.key(), c.token()), 422, "TERMS_MISMATCH");
    assertNothingChanged(task);
  }

  @Test
  void rejectsMalformedTypedDataAndUnknownFields() {
    Contributor c = consenting();
    JsonNode task = leasedTask(c, 1);
    ObjectNode retyped = answered(task, "yes");
    ((ObjectNode) retyped.get("types").get("Contribution").get(3)).put("type", "bytes32");
    ((ObjectNode) retyped.get("message")).put("answer", "0x" + "00".repeat(32));
    assertRefused(submit(retyped, c.key(), c.token()), 400, "TYPED_DATA_MISMATCH");

    ObjectNode extraField = answered(task, "yes");
    ((ObjectNode) extraField.get("message")).put("confidence", 1);
    assertRefused(submit(extraField, c.key(), c.token()), 400, "UNKNOWN_FIELD");

    ObjectNode extraTop = answered(task, "yes");
    Map<String, Object> body = new java.util.HashMap<>(TypedDataSigner.signed(extraTop, c.key()));
    body.put("note", "x");
    assertRefused(app.postJson("/api/contributions", body, c.token()), 400, "UNKNOWN_FIELD");

    ObjectNode missing = answered(task, "yes");
    ((ObjectNode) missing.get("message")).remove("itemId");
    Reply reply = app.postJson("/api/contributions", TypedDataSigner.body(missing, "0x" + "11".repeat(64) + "1b"),
        c.token());
    assertRefused(reply, 400, "MISSING_FIELD");

    ObjectNode wrongType = answered(task, "yes");
    ((ObjectNode) wrongType.get("message")).put("campaignId", "twelve");
    assertRefused(app.postJson("/api/contributions", TypedDataSigner.body(wrongType, "0x" + "11".repeat(64) + "1b"),
        c.token()), 400, "VALIDATION_FAILED");
    assertNothingChanged(task);
  }

  @Test
  void contributionsNeedASession() {
    assertRefused(app.get("/api/contributions/me"), 401, "AUTH_REQUIRED");
  }
}
