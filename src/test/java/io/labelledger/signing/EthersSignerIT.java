package io.labelledger.signing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.Siwe;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * A third-party wallet (ethers.js v6, through node/sign.js) signs in, consents and contributes
 * using only what the API publishes (GET /api/eip712, tasks/next); the service accepts all of it.
 */
@ExtendWith(ChainExtension.class)
class EthersSignerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestChain chain;
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("EthersSignerIT", Map.of(), chain);
    terms = app.publishTerms("Ethers IT terms");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static String ethers(Credentials key, String kind, String field, Object payload) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("privateKey", Numeric.toHexStringWithPrefixZeroPadded(key.getEcKeyPair().getPrivateKey(), 64));
    request.put("kind", kind);
    request.put(field, payload);
    JsonNode reply = NodeScript.run("sign.js", request);
    assertThat(reply.get("address").asText()).isEqualToIgnoringCase(key.getAddress());
    return reply.get("signature").asText();
  }

  private static Map<String, Object> body(JsonNode typedData, String signature) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("typedData", typedData);
    body.put("signature", signature);
    return body;
  }

  @Test
  void walletSignsInConsentsAndContributesWithEthers() {
    Credentials key = chain.newAccount(0);

    // sign in: EIP-4361 text signed with ethers' signMessage (EIP-191)
    Reply nonce = app.get("/api/auth/nonce");
    Siwe.Message siwe = Siwe.Message.of(nonce.json().get("domain").asText(), key,
        nonce.json().get("chainId").asLong(), nonce.json().get("nonce").asText(), app.clock().instant());
    Reply session = app.postJson("/api/auth/siwe",
        Map.of("message", siwe.text(), "signature", ethers(key, "siwe", "message", siwe.text())), null);
    assertThat(session.status()).as(session.body()).isEqualTo(200);
    String token = session.json().get("token").asText();

    // consent: typed data built from GET /api/eip712 alone, signed with ethers' signTypedData
    JsonNode published = app.get("/api/eip712").json();
    ObjectNode consent = JSON.createObjectNode();
    ObjectNode types = consent.putObject("types");
    types.set("EIP712Domain", published.at("/types/EIP712Domain"));
    types.set("Consent", published.at("/types/Consent"));
    consent.put("primaryType", "Consent");
    consent.set("domain", published.at("/domains/ConsentRegistry"));
    long now = Math.max(app.clock().instant().getEpochSecond(), chain.latestTimestamp());
    ObjectNode message = consent.putObject("message");
    message.put("contributor", key.getAddress());
    message.put("termsHash", terms);
    message.put("expiresAt", now + 30 * WorkFixtures.DAY);
    message.put("nonce", WorkFixtures.nonceOf(app, chain, key.getAddress(), terms));
    message.put("deadline", now + 3600);
    Reply accepted = app.postJson("/api/consents", body(consent, ethers(key, "typedData", "typedData", consent)), token);
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
    app.relayAndIndex();
    JsonNode mine = app.get("/api/consents/me", token).json();
    assertThat(mine.at("/requests/0/status").asText()).isEqualTo("confirmed");
    assertThat(mine.at("/consents/0/valid").asBoolean()).isTrue();

    // contributions: the typed data of tasks/next, answer filled in, signed with ethers
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 2, 0);
    for (String answer : new String[] {"yes", "maybe"}) {
      Reply task = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", token);
      assertThat(task.status()).as(task.body()).isEqualTo(200);
      ObjectNode typed = task.json().get("typedData").deepCopy();
      ((ObjectNode) typed.get("message")).put("answer", answer);
      Reply contribution = app.postJson("/api/contributions",
          body(typed, ethers(key, "typedData", "typedData", typed)), token);
      assertThat(contribution.status()).as(contribution.body()).isEqualTo(201);
    }
    JsonNode contributions = app.get("/api/contributions/me", token).json().get("contributions");
    assertThat(contributions).hasSize(2);
    assertThat(contributions.findValuesAsText("answer")).containsExactly("yes", "maybe");
  }
}
