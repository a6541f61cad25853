package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.audit.AuditBundle;
import io.labelledger.chain.Hex;
import io.labelledger.demo.Demo;
import io.labelledger.demo.MarketplaceStory;
import io.labelledger.demo.StoryFailure;
import io.labelledger.demo.StorySetup;
import io.labelledger.testsupport.AuditJar;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 6's end-to-end test: {@link MarketplaceStory} (the story {@code scripts/demo} tells) on the
 * real service, real PostgreSQL and real Ganache, with the service's own relayer, indexers,
 * quality worker and anchorer on short timers ({@link Demo#storySettings()}) and nothing written by
 * SQL. 3 campaigns, 21 contributors signing over HTTP with their own keys (3 answer gold wrongly
 * until the accuracy floor stops them; one withdraws consent), datasets listed on-chain, 3 buyers
 * (one with an EIP-2612 permit through {@code labelledger buy}), the export checked item by item,
 * every claim to the token unit, the treasury's fee, refusals of unlicensed downloads and the next
 * version without the revoker. The story throws at the first figure that does not check out; this
 * test then also reads the database to confirm the work was the service's own, and has the
 * standalone verifier ({@code labelledger-audit.jar}, copied alone into an empty folder) check the
 * audit bundle the service serves for the story's dataset, as {@code scripts/demo} does in-process.
 */
@ExtendWith(ChainExtension.class)
class MarketplaceStoryIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestChain chain;
  private static TestApp app;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("marketplace_story", Demo.storySettings(), chain);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void theWholeMarketplaceStoryChecksOutToTheTokenUnit() throws Exception {
    Path work = Files.createTempDirectory("marketplace-story");
    MarketplaceStory.Plan plan = MarketplaceStory.Plan.standard();
    MarketplaceStory story = new MarketplaceStory(new StorySetup(app.baseUrl(), TestApp.OPERATOR_TOKEN,
        chain.rpcUrl(), chain.funder(), app.operator(), work, System.out), plan);
    long t0 = System.nanoTime();
    MarketplaceStory.Outcome outcome;
    try {
      outcome = app.clock().followingWallClock(story::run);
    } catch (StoryFailure e) {
      throw new AssertionError("the story failed at '" + e.check() + "': " + e.getMessage(), e);
    }
    System.out.printf("marketplace story: %.1f s, %s%n", (System.nanoTime() - t0) / 1e9, outcome.seconds());

    assertThat(outcome.contributors()).isGreaterThanOrEqualTo(20);
    assertThat(outcome.goldFailers()).isEqualTo(3);
    assertThat(outcome.rejected()).as("the gold failers' work").isGreaterThanOrEqualTo(3L * plan.floorMinGold());
    assertThat(outcome.datasets()).hasSize(4);
    assertThat(outcome.datasets().get(0).buyers()).isEqualTo(3);
    assertThat(new BigInteger(outcome.totalClaimed())).isPositive();
    assertThat(new BigInteger(outcome.treasuryFee())).isPositive();

    // the labels, statuses and anchors the story checked are the service's workers' own
    assertThat(count("select count(*) from contributions")).isEqualTo(outcome.contributionsSent());
    assertThat(count("select count(*) from contributions where status = 'pending'")).isZero();
    assertThat(count("select count(*) from contributions where status = 'rejected'")).isEqualTo(outcome.rejected());
    assertThat(count("select count(*) from items where not is_gold and decided_at is null")).isZero();
    assertThat(count("select count(*) from contributions c join anchor_batches b on b.id = c.batch_id"
        + " where b.block_number is not null")).isEqualTo(outcome.contributionsSent());
    assertThat(count("select count(*) from anchor_batches b where b.block_number is not null and not exists"
        + " (select 1 from chain_anchors a where a.chain_batch_id = b.chain_batch_id)"))
        .as("every mined batch is in the chain's own BatchAnchored logs").isZero();
    assertThat(count("select count(*) from dataset_shares where dataset_id = " + outcome.nextVersionId()
        + " and account = '" + outcome.revoker() + "'")).isZero();
    assertThat(count("select count(*) from dataset_shares where dataset_id = " + outcome.datasetId()
        + " and account = '" + outcome.revoker() + "'")).isEqualTo(1);

    theStandaloneVerifierPassesTheServedBundleAndNamesATamperedCopy(outcome, work);
  }

  private static void theStandaloneVerifierPassesTheServedBundleAndNamesATamperedCopy(MarketplaceStory.Outcome outcome,
      Path work) throws Exception {
    HttpResponse<byte[]> served = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(app.baseUrl() + "/api/datasets/" + outcome.datasetId() + "/audit-bundle")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(served.statusCode()).isEqualTo(200);
    Path bundle = Files.write(work.resolve("dataset-" + outcome.datasetId() + ".audit.json"), served.body());
    AuditJar jar = AuditJar.copiedAloneInto(Files.createTempDirectory("audit-jar"));

    AuditJar.Run honest = jar.run("--rpc", outcome.rpcUrl(), "--bundle", bundle.toString());
    assertThat(honest.exit()).as(honest.output()).isZero();
    assertThat(honest.out()).contains("result: OK");

    ObjectNode copy = (ObjectNode) JSON.readTree(served.body());
    ObjectNode second = (ObjectNode) copy.get("contributions").get(1);
    second.put("answerHash", Hex.encode(AuditBundle.answerHash("an answer the contributor never gave")));
    Path tampered = Files.write(work.resolve("tampered.audit.json"), JSON.writeValueAsBytes(copy));
    AuditJar.Run caught = jar.run("--rpc", outcome.rpcUrl(), "--bundle", tampered.toString());
    assertThat(caught.exit()).as(caught.output()).isEqualTo(1);
    assertThat(caught.out()).contains("FAIL signature: contribution #1 (id " + second.get("id").asText() + ")");
    System.out.printf("labelledger-audit.jar: served bundle OK in %.1f s, tampered copy named in %.1f s%n",
        honest.seconds(), caught.seconds());
  }

  private static long count(String sql) {
    return ((Number) WorkFixtures.queryValue(app, sql)).longValue();
  }
}
