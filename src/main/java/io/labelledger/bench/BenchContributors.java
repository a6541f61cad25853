package io.labelledger.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.Abi;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.chain.Signatures;
import io.labelledger.consent.ConsentMessages;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.demo.StoryHttp;
import io.labelledger.signing.SignedTypes;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/**
 * Contributors of a bench as real clients make them, through the public API: a fresh key each,
 * signed in with SIWE, consenting to the terms by a signed {@code Consent} that the service relays
 * and indexes; ready when their consent counts.
 */
final class BenchContributors {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A signed-in contributor whose consent counts. */
  record Contributor(Credentials key, String token) {}

  private final StoryHttp api;

  BenchContributors(StoryHttp api) {
    this.api = api;
  }

  /** {@code n} fresh contributors, signed in and consenting to {@code terms}, using {@code pool} for the calls. */
  List<Contributor> enrol(ExecutorService pool, int n, String terms, String siweDomain, Deployment chain)
      throws Exception {
    List<Credentials> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(Credentials.create(Keys.createEcKeyPair()));
    }
    List<String> tokens = parallel(pool, n, i -> signIn(keys.get(i), siweDomain, chain.chainId()));
    parallel(pool, n, i -> consent(keys.get(i), tokens.get(i), terms, chain));
    awaitConsents(tokens);
    List<Contributor> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Contributor(keys.get(i), tokens.get(i)));
    }
    return out;
  }

  private String signIn(Credentials key, String domain, long chainId) {
    String nonce = api.get("/api/auth/nonce", null).success("nonce").json().get("nonce").asText();
    String text = domain + " wants you to sign in with your Ethereum account:\n"
        + Keys.toChecksumAddress(key.getAddress()) + "\n\nSign in to LabelLedger.\n\n"
        + "URI: https://" + domain + "/\nVersion: 1\nChain ID: " + chainId + "\nNonce: " + nonce
        + "\nIssued At: " + Instant.now().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
    Sign.SignatureData sig = Sign.signPrefixedMessage(text.getBytes(StandardCharsets.UTF_8), key.getEcKeyPair());
    String signature = Hex.encode(Abi.concat(sig.getR(), sig.getS(), sig.getV()));
    return api.post("/api/auth/siwe", Map.of("message", text, "signature", signature), null).success("sign-in")
        .json().get("token").asText();
  }

  private Void consent(Credentials key, String token, String terms, Deployment chain) {
    long now = Instant.now().getEpochSecond();
    var message = new ConsentMessages.Consent(key.getAddress(), terms, now + 30 * 86_400L, BigInteger.ZERO, now + 3600);
    byte[] sig = Signatures.sign(message.digest(ConsentMessages.domain(chain.chainId(), chain.consentRegistry())), key);
    ObjectNode typed = JSON.createObjectNode();
    typed.set("types", JSON.valueToTree(SignedTypes.typesOf(SignedTypes.CONSENT)));
    typed.put("primaryType", SignedTypes.CONSENT);
    typed.putObject("domain").put("name", ConsentMessages.DOMAIN_NAME).put("version", ConsentMessages.DOMAIN_VERSION)
        .put("chainId", chain.chainId()).put("verifyingContract", chain.consentRegistry());
    typed.putObject("message").put("contributor", key.getAddress()).put("termsHash", terms)
        .put("expiresAt", message.expiresAt()).put("nonce", 0).put("deadline", message.deadline());
    api.post("/api/consents", Map.of("typedData", typed, "signature", Hex.encode(sig)), token).success("consent");
    return null;
  }

  /** Consent is relayed in batches and then indexed from chain events; waits until each of these counts. */
  private void awaitConsents(List<String> tokens) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    for (String token : tokens) {
      while (true) {
        JsonNode me = api.get("/api/consents/me", token).success("consents").json();
        if (me.path("consents").size() > 0 && me.path("consents").get(0).path("valid").asBoolean()) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("consents not confirmed within 3 minutes: " + me);
        }
        Thread.sleep(250);
      }
    }
  }

  /**
   * The request body of {@code POST /api/contributions}: the leased task's typed data with {@code submittedAt}
   * set, signed by {@code key} as a wallet signs it ({@code answer} already in the message).
   */
  static byte[] signedContribution(ObjectNode typed, Credentials key, long submittedAt, Eip712.Domain domain)
      throws IOException {
    ObjectNode message = (ObjectNode) typed.get("message");
    message.put("submittedAt", submittedAt);
    var signed = new ContributionMessage(message.get("contributor").asText(),
        new BigInteger(message.get("campaignId").asText()), new BigInteger(message.get("itemId").asText()),
        message.get("answer").asText(), message.get("termsHash").asText(), submittedAt);
    byte[] sig = Signatures.sign(signed.digest(domain), key);
    return JSON.writeValueAsBytes(Map.of("typedData", typed, "signature", Hex.encode(sig)));
  }

  interface Task<T> {
    T run(int i) throws Exception;
  }

  /** {@code task(0..n-1)} on {@code pool}; the results in order (each within 10 minutes). */
  static <T> List<T> parallel(ExecutorService pool, int n, Task<T> task) throws Exception {
    List<Future<T>> futures = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      futures.add(pool.submit(() -> task.run(index)));
    }
    List<T> out = new ArrayList<>(n);
    for (Future<T> f : futures) {
      out.add(f.get(10, TimeUnit.MINUTES));
    }
    return out;
  }
}
