package io.labelledger.consent;

import static io.labelledger.testsupport.AnchorFixtures.count;
import static io.labelledger.testsupport.AnchorFixtures.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * A relayed consent batch stuck in the node's pool (mining paused) is replaced by the same nonce
 * with higher fees while the relayer waits; once mining resumes exactly one attempt is mined, the
 * consent is granted once, and the request is settled from whichever attempt that was.
 */
@ExtendWith(ChainExtension.class)
class ConsentRelayReplacementIT {
  @Test
  void aStuckRelayIsReplacedAndTheConsentIsGrantedOnce(TestChain chain) throws Exception {
    try (TestApp app = TestApp.start("ConsentRelayReplacementIT", Map.of("LABELLEDGER_TX_REPLACE_AFTER_MS", "1000",
        "LABELLEDGER_TX_BUMP_PERCENT", "10"), chain)) {
      String terms = app.publishTerms("Consent relay replacement IT terms");
      app.relay(); // registers the terms
      Contributor c = WorkFixtures.signedIn(app, chain);
      assertThat(WorkFixtures.postConsent(app, chain, c.key(), c.token(), terms).status()).isEqualTo(202);
      String operator = app.operator().getAddress();
      BigInteger nonce = chain.web3j().ethGetTransactionCount(operator, DefaultBlockParameterName.LATEST).send()
          .getTransactionCount();
      String request = "select %s from consent_requests where contributor = '" + c.address().toLowerCase() + "'";

      CompletableFuture<Void> relaying;
      chain.stopMining();
      try {
        relaying = CompletableFuture.runAsync(app::relay);
        long deadline = System.currentTimeMillis() + 20_000;
        while (count(app, request.formatted("cardinality(earlier_tx_hashes)")) < 1
            && System.currentTimeMillis() < deadline) {
          Thread.sleep(100);
        }
        assertThat(count(app, request.formatted("cardinality(earlier_tx_hashes)"))).as("replaced while stuck")
            .isGreaterThanOrEqualTo(1);
      } finally {
        chain.startMining();
      }
      relaying.get(90, TimeUnit.SECONDS);
      app.index();

      assertThat(text(app, request.formatted("status"))).isEqualTo("confirmed");
      List<String> hashes = new ArrayList<>(List.of(text(app, request.formatted("tx_hash"))));
      hashes.addAll(List.of(text(app, request.formatted("array_to_string(earlier_tx_hashes, ',')")).split(",")));
      long mined = 0;
      for (String hash : hashes) {
        if (chain.web3j().ethGetTransactionReceipt(hash).send().getTransactionReceipt().isPresent()) {
          mined++;
        }
      }
      assertThat(mined).as("one of " + hashes.size() + " attempts mined").isEqualTo(1);
      assertThat(chain.web3j().ethGetTransactionCount(operator, DefaultBlockParameterName.LATEST).send()
          .getTransactionCount()).as("one nonce spent").isEqualTo(nonce.add(BigInteger.ONE));
      assertThat(count(app, "select count(*) from consent_events where kind = 'granted' and contributor = '"
          + c.address().toLowerCase() + "'")).as("granted once").isEqualTo(1);
      assertThat(app.get("/api/consents/me", c.token()).json().get("consents").findValuesAsText("termsHash"))
          .contains(terms);
    }
  }
}
