package io.labelledger.provenance;

import static io.labelledger.testsupport.AnchorFixtures.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.chain.Hex;
import io.labelledger.testsupport.AnchorFixtures;
import io.labelledger.testsupport.AnchorFixtures.Submitted;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MarketplaceFixture;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The anchorer against real Ganache and PostgreSQL: batches close on size and on age, every
 * contribution gets one batch, and the proof the API serves verifies with OpenZeppelin's
 * {@code @openzeppelin/merkle-tree} and with ProvenanceRegistry's {@code verifyInclusion}.
 */
@ExtendWith(ChainExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnchorerIT {
  private static final int SIZE = 5;
  private static TestChain chain;
  private static TestApp app;
  private static String terms;
  private static Contributor alice;
  private static Contributor bob;
  private static final List<Submitted> aliceWork = new ArrayList<>();

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    // batches of 5; a smaller one waits 10 minutes (the tests age contributions in SQL instead of waiting)
    app = TestApp.start("AnchorerIT", Map.of("LABELLEDGER_ANCHOR_MAX_BATCH_SIZE", Integer.toString(SIZE),
        "LABELLEDGER_ANCHOR_MAX_BATCH_AGE_MS", "600000"), chain);
    terms = app.publishTerms("Anchorer IT terms");
    alice = WorkFixtures.consenting(app, chain, terms);
    bob = WorkFixtures.consenting(app, chain, terms);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  @Order(1)
  void closesFullBatchesAndLeavesTheRestWaitingUntilTheyAreOldEnough() {
    long campaign = AnchorFixtures.campaign(app, terms, 20);
    aliceWork.addAll(AnchorFixtures.contribute(app, alice, campaign, 12));

    app.anchor();

    assertThat(AnchorFixtures.batchCount(app, chain)).as("two full batches on-chain").isEqualTo(2);
    assertThat(count(app, "select count(*) from anchor_batches where state = 'anchored' and leaf_count = " + SIZE))
        .isEqualTo(2);
    assertThat(count(app, "select count(*) from contributions where batch_id is null")).as("two still waiting")
        .isEqualTo(2);
    // the batches take contributions in id order: the two waiting are the newest
    assertThat(count(app, "select count(*) from contributions where batch_id is null and id >= "
        + aliceWork.get(10).id())).isEqualTo(2);

    app.anchor();
    assertThat(AnchorFixtures.batchCount(app, chain)).as("nothing due: no new batch").isEqualTo(2);

    AnchorFixtures.execute(app, "update contributions set created_at = created_at - interval '11 minutes' "
        + "where batch_id is null");
    app.anchor();

    assertThat(AnchorFixtures.batchCount(app, chain)).as("the old ones closed a batch of their own").isEqualTo(3);
    assertThat(count(app, "select count(*) from contributions where batch_id is null")).isZero();
    assertThat(count(app, "select leaf_count from anchor_batches where chain_batch_id = 3")).isEqualTo(2);
    AnchorFixtures.assertEveryBatchOnChainOnce(app, chain);
    assertThat(count(app, "select count(*) from anchor_batches where gas_used > 21000 and block_number > 0 "
        + "and block_time is not null and tx_hash is not null and nonce is not null and gas_price > 0"))
        .as("receipt facts recorded").isEqualTo(3);
  }

  @Test
  @Order(2)
  void proofFromTheApiVerifiesWithOpenZeppelinsLibraryAndOnChain() {
    Submitted mine = aliceWork.get(3);
    Reply reply = app.get("/api/contributions/" + mine.id() + "/proof", alice.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode proof = reply.json();
    assertThat(proof.get("digest").asText()).isEqualTo(mine.digest());
    assertThat(proof.get("registry").asText()).isEqualToIgnoringCase(app.deployment().provenanceRegistry());
    JsonNode anchor = proof.get("anchor");
    assertThat(anchor.get("state").asText()).isEqualTo("anchored");
    assertThat(anchor.get("leafCount").asInt()).isEqualTo(SIZE);
    assertThat(anchor.get("txHash").asText()).startsWith("0x");

    List<String> path = new ArrayList<>();
    anchor.get("proof").forEach(n -> path.add(n.asText()));
    String root = anchor.get("root").asText();
    assertThat(ozVerifies(root, mine.digest(), path)).as("@openzeppelin/merkle-tree verifies").isTrue();
    assertThat(onChainVerifies(anchor.get("batchId").asLong(), mine.digest(), path)).as("verifyInclusion").isTrue();

    // the checks can fail: another contribution's digest, or a tampered path, does not verify
    String other = aliceWork.get(11).digest();
    assertThat(ozVerifies(root, other, path)).isFalse();
    assertThat(onChainVerifies(anchor.get("batchId").asLong(), other, path)).isFalse();
    List<String> tampered = new ArrayList<>(path);
    tampered.set(0, Hex.encode(new byte[32]));
    assertThat(onChainVerifies(anchor.get("batchId").asLong(), mine.digest(), tampered)).isFalse();

    // OpenZeppelin's library builds the same root from the batch's digests, in any order
    List<List<String>> values = new ArrayList<>();
    for (Submitted s : aliceWork.subList(0, SIZE)) {
      values.add(List.of(s.digest()));
    }
    java.util.Collections.reverse(values);
    JsonNode built = NodeScript.run("merkle.js", Map.of("types", List.of("bytes32"), "values", values));
    String firstBatchRoot = app.get("/api/contributions/" + aliceWork.get(0).id() + "/proof", alice.token())
        .json().at("/anchor/root").asText();
    assertThat(built.get("root").asText()).isEqualTo(firstBatchRoot);
  }

  @Test
  @Order(3)
  void proofIsTheContributorsOrTheOperatorsByIdAndAnyonesByDigest() {
    Submitted mine = aliceWork.get(7);
    String path = "/api/contributions/" + mine.id() + "/proof";
    assertThat(app.get(path).status()).as("anonymous").isEqualTo(401);
    Reply others = app.get(path, bob.token());
    assertThat(others.status()).isEqualTo(404);
    assertThat(others.errorCode()).isEqualTo("CONTRIBUTION_NOT_FOUND");
    assertThat(app.get("/api/contributions/999999/proof", alice.token()).errorCode()).isEqualTo("CONTRIBUTION_NOT_FOUND");
    assertThat(app.get("/api/contributions/abc/proof", alice.token()).errorCode()).isEqualTo("INVALID_PARAMETER");
    Reply operator = app.get(path, TestApp.OPERATOR_TOKEN);
    assertThat(operator.status()).isEqualTo(200);

    Reply byDigest = app.get("/api/proofs/" + mine.digest());
    assertThat(byDigest.status()).as(byDigest.body()).isEqualTo(200);
    assertThat(byDigest.json().get("anchor")).isEqualTo(operator.json().get("anchor"));
    assertThat(byDigest.body()).doesNotContain(alice.address().toLowerCase()).doesNotContain("\"answer\"");
    assertThat(app.get("/api/proofs/0x1234").errorCode()).isEqualTo("INVALID_PARAMETER");
    assertThat(app.get("/api/proofs/" + Hex.encode(new byte[32])).status()).isEqualTo(404);
  }

  @Test
  @Order(4)
  void contributorSeesEachContributionsAnchorAndAPendingOneSaysSo() {
    long campaign = AnchorFixtures.campaign(app, terms, 1);
    Submitted fresh = AnchorFixtures.contribute(app, bob, campaign, 1).get(0);
    JsonNode bobs = app.get("/api/contributions/me", bob.token()).json().get("contributions");
    assertThat(bobs).hasSize(1);
    assertThat(bobs.get(0).get("anchor").asText()).isEqualTo("pending");
    assertThat(bobs.get(0).get("batchId").isNull()).isTrue();
    JsonNode pendingProof = app.get("/api/contributions/" + fresh.id() + "/proof", bob.token()).json();
    assertThat(pendingProof.at("/anchor/state").asText()).isEqualTo("pending");
    assertThat(pendingProof.at("/anchor/proof").isNull()).isTrue();

    JsonNode alices = app.get("/api/contributions/me", alice.token()).json().get("contributions");
    assertThat(alices).hasSize(12);
    for (JsonNode c : alices) {
      assertThat(c.get("anchor").asText()).isEqualTo("anchored");
      assertThat(c.get("batchId").asLong()).isBetween(1L, 3L);
      assertThat(c.get("txHash").asText()).matches("0x[0-9a-f]{64}");
      assertThat(c.get("blockNumber").asLong()).isPositive();
    }
  }

  private static boolean ozVerifies(String root, String digest, List<String> proof) {
    return NodeScript.run("merkle.js", Map.of("verify", Map.of("root", root, "types", List.of("bytes32"),
        "value", List.of(digest), "proof", proof))).get("valid").asBoolean();
  }

  private static boolean onChainVerifies(long batchId, String digest, List<String> proof) {
    List<byte[]> nodes = proof.stream().map(Hex::decode).toList();
    return MarketplaceFixture.call(() -> AnchorFixtures.registry(app, chain)
        .verifyInclusion(BigInteger.valueOf(batchId), Hex.decode(digest), nodes).send());
  }
}
