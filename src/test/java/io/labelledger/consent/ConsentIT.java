package io.labelledger.consent;

import static io.labelledger.testsupport.WorkFixtures.DAY;
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
import java.math.BigInteger;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

@ExtendWith(ChainExtension.class)
class ConsentIT {
  private static TestChain chain;
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("ConsentIT", Map.of(), chain);
    terms = app.publishTerms("Consent IT terms: labels may train models.");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static Contributor contributor() {
    return WorkFixtures.signedIn(app, chain);
  }

  private long now() {
    return Math.max(app.clock().instant().getEpochSecond(), chain.latestTimestamp());
  }

  private ObjectNode consent(Contributor c) {
    return TypedDataSigner.consent(app.deployment(), c.address(), terms, now() + 30 * DAY,
        WorkFixtures.nonceOf(app, chain, c.address(), terms), now() + 3600);
  }

  private Reply post(String path, JsonNode typed, Credentials signer, String token) {
    return app.postJson(path, TypedDataSigner.signed(typed, signer), token);
  }

  private void assertRefused(Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.errorCode()).as(reply.body()).isEqualTo(code);
  }

  private JsonNode requestOf(Contributor c, long id) {
    for (JsonNode r : app.get("/api/consents/me", c.token()).json().get("requests")) {
      if (r.get("id").asLong() == id) {
        return r;
      }
    }
    throw new AssertionError("no request " + id);
  }

  private JsonNode stateOf(Contributor c) {
    for (JsonNode s : app.get("/api/consents/me", c.token()).json().get("consents")) {
      if (s.get("termsHash").asText().equals(terms)) {
        return s;
      }
    }
    return null;
  }

  @Test
  void signedConsentIsRelayedConfirmedAndIndexed() {
    Contributor c = contributor();
    Reply accepted = post("/api/consents", consent(c), c.key(), c.token());
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    assertThat(accepted.json().get("status").asText()).isEqualTo("pending");
    long id = accepted.json().get("id").asLong();
    assertThat(requestOf(c, id).get("status").asText()).isEqualTo("pending");

    app.relayAndIndex();

    JsonNode request = requestOf(c, id);
    assertThat(request.get("status").asText()).isEqualTo("confirmed");
    assertThat(request.get("txHash").asText()).matches("0x[0-9a-f]{64}");
    JsonNode state = stateOf(c);
    assertThat(state).isNotNull();
    assertThat(state.get("valid").asBoolean()).isTrue();
    assertThat(state.get("revokedAt").isNull()).isTrue();
    assertThat(app.get("/api/terms/" + terms).json().get("chainStatus").asText()).isEqualTo("registered");
  }

  @Test
  void signedRevocationIsRelayedAndEndsTheConsent() {
    Contributor c = contributor();
    WorkFixtures.consent(app, chain, c.key(), c.token(), terms);
    var revocation = TypedDataSigner.revocation(app.deployment(), c.address(), terms,
        WorkFixtures.nonceOf(app, chain, c.address(), terms), now() + 3600);
    Reply accepted = post("/api/revocations", revocation, c.key(), c.token());
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);

    app.relayAndIndex();

    assertThat(requestOf(c, accepted.json().get("id").asLong()).get("status").asText()).isEqualTo("confirmed");
    JsonNode state = stateOf(c);
    assertThat(state.get("valid").asBoolean()).isFalse();
    assertThat(state.get("revokedAt").isNull()).isFalse();
  }

  @Test
  void theSameSignedConsentTwiceIsStoredOnce() {
    Contributor c = contributor();
    Map<String, Object> body = TypedDataSigner.signed(consent(c), c.key());
    Reply first = app.postJson("/api/consents", body, c.token());
    Reply second = app.postJson("/api/consents", body, c.token());
    assertThat(second.status()).isEqualTo(202);
    assertThat(second.json().get("id").asLong()).isEqualTo(first.json().get("id").asLong());
  }

  @Test
  void aSecondConsentWithTheNonceOfAPendingOneIsRefused() {
    Contributor c = contributor();
    ObjectNode typed = consent(c);
    assertThat(post("/api/consents", typed, c.key(), c.token()).status()).isEqualTo(202);
    ((ObjectNode) typed.get("message")).put("expiresAt", now() + 60 * DAY);
    assertRefused(post("/api/consents", typed, c.key(), c.token()), 409, "CONSENT_NONCE_PENDING");
  }

  @Test
  void relayedConsentMadeStaleByADirectActionFailsWithTheContractsReason() throws Exception {
    Contributor c = contributor();
    app.relay(); // terms registered on-chain, so the contributor can act directly
    Reply accepted = post("/api/consents", consent(c), c.key(), c.token());
    assertThat(accepted.status()).isEqualTo(202);
    ConsentRegistry.load(app.deployment().consentRegistry(), chain.web3j(), chain.txManager(c.key()), chain.gas())
        .grant(Hex.decode(terms), BigInteger.valueOf(now() + 10 * DAY)).send();

    app.relayAndIndex();

    JsonNode request = requestOf(c, accepted.json().get("id").asLong());
    assertThat(request.get("status").asText()).isEqualTo("failed");
    assertThat(request.get("failure").asText()).isEqualTo("ConsentRegistryWrongNonce");
    assertThat(stateOf(c).get("valid").asBoolean()).isTrue(); // the direct grant, seen by the indexer
  }

  @Test
  void indexingTheSameBlocksAgainChangesNothing() throws Exception {
    Contributor c = contributor();
    WorkFixtures.consent(app, chain, c.key(), c.token(), terms);
    String before = snapshot();
    try (var conn = TestDatabase.connect(app.database()); var s = conn.createStatement()) {
      s.executeUpdate("update chain_cursor set next_block = " + app.deployment().deployedAtBlock());
    }
    app.index();
    assertThat(snapshot()).isEqualTo(before);
  }

  private static String snapshot() throws Exception {
    try (var conn = TestDatabase.connect(app.database()); var s = conn.createStatement();
         var rs = s.executeQuery("select (select count(*) from consent_events) || '/' || coalesce((select "
             + "string_agg(contributor || terms_hash || granted_at || expires_at || coalesce(revoked_at::text, '-') "
             + "|| last_nonce, ',' order by contributor, terms_hash) from consent_state), '')")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void rejectsConsentSignedForAnotherChain() {
    Contributor c = contributor();
    ObjectNode typed = consent(c);
    ((ObjectNode) typed.get("domain")).put("chainId", 1);
    assertRefused(post("/api/consents", typed, c.key(), c.token()), 400, "CHAIN_ID_MISMATCH");
  }

  @Test
  void rejectsConsentSignedForAnotherContract() {
    Contributor c = contributor();
    ObjectNode typed = consent(c);
    ((ObjectNode) typed.get("domain")).put("verifyingContract", app.deployment().provenanceRegistry());
    assertRefused(post("/api/consents", typed, c.key(), c.token()), 400, "VERIFYING_CONTRACT_MISMATCH");
  }

  @Test
  void rejectsConsentForAnotherAccountThanTheSession() {
    Contributor c = contributor();
    Contributor other = contributor();
    assertRefused(post("/api/consents", consent(other), other.key(), c.token()), 403, "CONTRIBUTOR_NOT_SIGNED_IN");
  }

  @Test
  void rejectsConsentSignedByAnotherKey() {
    Contributor c = contributor();
    Credentials stranger = Credentials.create(chain.newAccount(0).getEcKeyPair());
    assertRefused(post("/api/consents", consent(c), stranger, c.token()), 422, "SIGNER_MISMATCH");
  }

  @Test
  void rejectsMalformedSignature() {
    Contributor c = contributor();
    Reply reply = app.postJson("/api/consents", TypedDataSigner.body(consent(c), "0x1234"), c.token());
    assertRefused(reply, 400, "SIGNATURE_INVALID");
  }

  @Test
  void rejectsConsentToUnpublishedTerms() {
    Contributor c = contributor();
    ObjectNode typed = consent(c);
    ((ObjectNode) typed.get("message")).put("termsHash", "0x" + "ee".repeat(32));
    assertRefused(post("/api/consents", typed, c.key(), c.token()), 422, "TERMS_UNKNOWN");
  }

  @Test
  void rejectsExpiryInThePastAndAPassedDeadline() {
    Contributor c = contributor();
    ObjectNode expired = consent(c);
    ((ObjectNode) expired.get("message")).put("expiresAt", app.clock().instant().getEpochSecond() - 1);
    assertRefused(post("/api/consents", expired, c.key(), c.token()), 422, "CONSENT_EXPIRY_INVALID");
    ObjectNode late = consent(c);
    ((ObjectNode) late.get("message")).put("deadline", app.clock().instant().getEpochSecond() - 1);
    assertRefused(post("/api/consents", late, c.key(), c.token()), 422, "DEADLINE_EXPIRED");
  }

  @Test
  void rejectsANonceThatIsNotTheOnChainOne() {
    Contributor c = contributor();
    ObjectNode typed = consent(c);
    ((ObjectNode) typed.get("message")).put("nonce", 7);
    assertRefused(post("/api/consents", typed, c.key(), c.token()), 409, "CONSENT_NONCE_MISMATCH");
  }

  @Test
  void rejectsTypedDataThatIsNotExactlyOurs() {
    Contributor c = contributor();
    ObjectNode renamed = consent(c);
    ((ObjectNode) renamed.get("types").get("Consent").get(2)).put("name", "validUntil");
    assertRefused(post("/api/consents", renamed, c.key(), c.token()), 400, "TYPED_DATA_MISMATCH");
    ObjectNode wrongPrimary = consent(c);
    wrongPrimary.put("primaryType", "Revocation");
    // no wallet can sign this one; the shape is refused before the signature is looked at
    assertRefused(app.postJson("/api/consents", TypedDataSigner.body(wrongPrimary, "0x" + "11".repeat(64) + "1b"),
        c.token()), 400, "TYPED_DATA_MISMATCH");
    ObjectNode extra = consent(c);
    ((ObjectNode) extra.get("message")).put("memo", "hi");
    assertRefused(post("/api/consents", extra, c.key(), c.token()), 400, "UNKNOWN_FIELD");
    ObjectNode badName = consent(c);
    ((ObjectNode) badName.get("domain")).put("name", "Other");
    assertRefused(post("/api/consents", badName, c.key(), c.token()), 400, "DOMAIN_MISMATCH");
  }

  @Test
  void refusalsStoreNothing() {
    Contributor c = contributor();
    ObjectNode typed = consent(c);
    ((ObjectNode) typed.get("domain")).put("chainId", 5);
    post("/api/consents", typed, c.key(), c.token());
    assertThat(app.get("/api/consents/me", c.token()).json().get("requests")).isEmpty();
  }

  @Test
  void consentEndpointsNeedASession() {
    assertRefused(app.get("/api/consents/me"), 401, "AUTH_REQUIRED");
    Contributor c = contributor();
    assertRefused(app.postJson("/api/consents", TypedDataSigner.signed(consent(c), c.key()), null), 401,
        "AUTH_REQUIRED");
  }

  @Test
  void publishesTheDomainsAndTypesAWalletNeeds() {
    JsonNode reply = app.get("/api/eip712").json();
    assertThat(reply.get("chainId").asLong()).isEqualTo(chain.chainId());
    assertThat(reply.at("/domains/ConsentRegistry/verifyingContract").asText())
        .isEqualTo(app.deployment().consentRegistry().toLowerCase());
    assertThat(reply.at("/domains/ProvenanceRegistry/verifyingContract").asText())
        .isEqualTo(app.deployment().provenanceRegistry().toLowerCase());
    assertThat(reply.at("/domains/ConsentRegistry/name").asText()).isEqualTo("LabelLedger ConsentRegistry");
    assertThat(reply.at("/domains/ProvenanceRegistry/name").asText()).isEqualTo("LabelLedger Provenance");
    assertThat(reply.at("/types/Contribution").findValuesAsText("name"))
        .containsExactly("contributor", "campaignId", "itemId", "answer", "termsHash", "submittedAt");
    assertThat(reply.at("/types/Consent").findValuesAsText("type"))
        .containsExactly("address", "bytes32", "uint256", "uint256", "uint256");
    assertThat(reply.at("/types/Revocation")).hasSize(4);
    assertThat(reply.at("/primaryTypes/Contribution").asText()).isEqualTo("ProvenanceRegistry");
  }
}
