package io.labelledger.auth;

import static io.labelledger.testsupport.TestApp.CHAIN_ID;
import static io.labelledger.testsupport.TestApp.SIWE_DOMAIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.Siwe;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

class SiweLoginIT {
  private static TestApp app;
  private final Credentials alice = Credentials.create(newKey());
  private final Credentials mallory = Credentials.create(newKey());

  @BeforeAll
  static void start() {
    app = TestApp.start("SiweLoginIT", Map.of());
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static org.web3j.crypto.ECKeyPair newKey() {
    try {
      return Keys.createEcKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String nonce() {
    Reply reply = app.get("/api/auth/nonce");
    assertThat(reply.status()).isEqualTo(200);
    return reply.json().get("nonce").asText();
  }

  private Siwe.Message message(Credentials account) {
    return Siwe.Message.of(SIWE_DOMAIN, account, CHAIN_ID, nonce(), app.clock().instant());
  }

  private Reply submit(Siwe.Message message, Credentials signer) {
    return app.postJson("/api/auth/siwe",
        Map.of("message", message.text(), "signature", Siwe.personalSign(message.text(), signer)), null);
  }

  @Test
  void nonceReplyTellsClientsWhatToSign() {
    Reply reply = app.get("/api/auth/nonce");
    assertThat(reply.json().get("nonce").asText()).matches("[A-Za-z0-9]{24}");
    assertThat(reply.json().get("domain").asText()).isEqualTo(SIWE_DOMAIN);
    assertThat(reply.json().get("chainId").asLong()).isEqualTo(CHAIN_ID);
    assertThat(reply.json().get("expiresAt").asText()).isNotBlank();
  }

  @Test
  void signedMessageOpensSessionThatMeReportsAndLogoutEnds() {
    Reply session = submit(message(alice), alice);
    assertThat(session.status()).as(session.body()).isEqualTo(200);
    String token = session.json().get("token").asText();
    assertThat(token).hasSize(43);
    assertThat(session.json().get("address").asText()).isEqualTo(alice.getAddress().toLowerCase());
    assertThat(session.json().get("expiresAt").asText()).isNotBlank();

    Reply me = app.get("/api/me", token);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("address").asText()).isEqualTo(alice.getAddress().toLowerCase());

    Reply logout = app.send("POST", "/api/auth/logout", token, null, null);
    assertThat(logout.status()).isEqualTo(204);
    Reply after = app.get("/api/me", token);
    assertThat(after.status()).isEqualTo(401);
    assertThat(after.errorCode()).isEqualTo("SESSION_INVALID");
  }

  @Test
  void messageWithoutStatementIsAccepted() {
    assertThat(submit(message(alice).withStatement(null), alice).status()).isEqualTo(200);
  }

  @Test
  void sessionTokenIsStoredOnlyAsItsHash() throws Exception {
    String token = submit(message(alice), alice).json().get("token").asText();
    try (var c = io.labelledger.testsupport.TestDatabase.connect(app.database());
        var s = c.prepareStatement("select count(*) from sessions where token_hash = sha256(convert_to(?, 'UTF8'))")) {
      s.setString(1, token);
      var rows = s.executeQuery();
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void refusesMessageForAnotherDomain() {
    Reply reply = submit(message(alice).withDomain("evil.example"), alice);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorCode()).isEqualTo("SIWE_DOMAIN_MISMATCH");
    assertThat(reply.json().at("/error/details/expected").asText()).isEqualTo(SIWE_DOMAIN);
  }

  @Test
  void refusesMessageForAnotherChain() {
    Reply reply = submit(message(alice).withChainId(1), alice);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorCode()).isEqualTo("SIWE_CHAIN_MISMATCH");
  }

  @Test
  void refusesNonceTheServiceNeverIssued() {
    Reply reply = submit(message(alice).withNonce("neverIssued123"), alice);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorCode()).isEqualTo("NONCE_UNKNOWN_OR_USED");
  }

  @Test
  void refusesNonceUsedTwice() {
    Siwe.Message message = message(alice);
    assertThat(submit(message, alice).status()).isEqualTo(200);
    Reply replay = submit(message, alice);
    assertThat(replay.status()).isEqualTo(401);
    assertThat(replay.errorCode()).isEqualTo("NONCE_UNKNOWN_OR_USED");
  }

  @Test
  void refusesExpiredNonce() {
    Siwe.Message message = message(alice);
    app.clock().advance(Duration.ofSeconds(app.config().auth().nonceTtlSeconds() + 1));
    Reply reply = submit(message.withIssuedAt(app.clock().instant()), alice);
    assertThat(reply.errorCode()).isEqualTo("NONCE_UNKNOWN_OR_USED");
  }

  @Test
  void refusesSignatureByAnotherKey() {
    Reply reply = submit(message(alice), mallory);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorCode()).isEqualTo("SIGNATURE_MISMATCH");
  }

  @Test
  void refusesSignatureThatIsNotHex() {
    Reply reply = app.postJson("/api/auth/siwe", Map.of("message", message(alice).text(), "signature", "0x1234"), null);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorCode()).isEqualTo("SIGNATURE_INVALID");
  }

  @Test
  void refusesExpiredMessage() {
    Siwe.Message message = message(alice).withExpirationTime(app.clock().instant().minusSeconds(1));
    assertThat(submit(message, alice).errorCode()).isEqualTo("SIWE_EXPIRED");
  }

  @Test
  void refusesMessageIssuedInTheFuture() {
    Siwe.Message message = message(alice).withIssuedAt(app.clock().instant().plus(Duration.ofHours(1)));
    assertThat(submit(message, alice).errorCode()).isEqualTo("SIWE_ISSUED_IN_FUTURE");
  }

  @Test
  void refusesTextThatIsNotSiwe() {
    Reply reply = app.postJson("/api/auth/siwe", Map.of("message", "hello", "signature",
        Siwe.personalSign("hello", alice)), null);
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.errorCode()).isEqualTo("SIWE_MESSAGE_INVALID");
  }

  @Test
  void sessionExpiresAfterItsTtl() {
    String token = app.signIn(alice);
    assertThat(app.get("/api/me", token).status()).isEqualTo(200);
    app.clock().advance(Duration.ofSeconds(app.config().auth().sessionTtlSeconds()));
    Reply reply = app.get("/api/me", token);
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorCode()).isEqualTo("SESSION_EXPIRED");
  }

  @Test
  void meWithoutTokenAsksForOne() {
    Reply reply = app.get("/api/me");
    assertThat(reply.status()).isEqualTo(401);
    assertThat(reply.errorCode()).isEqualTo("AUTH_REQUIRED");
    assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer");
  }

  @Test
  void meWithUnknownTokenIsRefused() {
    assertThat(app.get("/api/me", "x".repeat(43)).errorCode()).isEqualTo("SESSION_INVALID");
    assertThat(app.get("/api/me", "short").errorCode()).isEqualTo("SESSION_INVALID");
  }
}
