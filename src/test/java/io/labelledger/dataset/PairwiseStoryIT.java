package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.demo.Demo;
import io.labelledger.demo.PairwiseStory;
import io.labelledger.demo.StoryFailure;
import io.labelledger.demo.StorySetup;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The answer types' end-to-end test: {@link PairwiseStory} (the second story {@code scripts/demo}
 * tells) on the real service, real PostgreSQL and real Ganache, with the service's own relayer,
 * indexers, quality worker and anchorer on short timers ({@link Demo#storySettings()}) and nothing
 * written by SQL: a pairwise campaign of 24 pairs with known better responses and 3 tied ones,
 * 8 contributors signing their choices (one at random, one always the worse response), the
 * version built and listed, bought, and its DPO rows, JSONL and Parquet checked row by row
 * against the truth, its audit bundle verified. The story throws at the first figure that does
 * not check out; this test then also reads the database: the version holds exactly the accepted
 * contributions, and those are exactly the ones the story expected.
 */
@ExtendWith(ChainExtension.class)
class PairwiseStoryIT {
  private static TestChain chain;
  private static TestApp app;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("pairwise_story", Demo.storySettings(), chain);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void aPairwiseCampaignBecomesDpoRowsThatMatchTheTruthRowByRow() throws Exception {
    Path work = Files.createTempDirectory("pairwise-story");
    PairwiseStory.Plan plan = PairwiseStory.Plan.standard();
    PairwiseStory story = new PairwiseStory(new StorySetup(app.baseUrl(), TestApp.OPERATOR_TOKEN, chain.rpcUrl(),
        chain.funder(), app.operator(), work, System.out), plan);
    long t0 = System.nanoTime();
    PairwiseStory.Outcome outcome;
    try {
      outcome = app.clock().followingWallClock(story::run);
    } catch (StoryFailure e) {
      throw new AssertionError("the story failed at '" + e.check() + "': " + e.getMessage(), e);
    }
    System.out.printf("pairwise story: %.1f s, %s%n", (System.nanoTime() - t0) / 1e9, outcome.seconds());

    assertThat(outcome.contributors()).isEqualTo(plan.honest() + 2);
    assertThat(outcome.items()).isEqualTo(plan.pairs() + plan.tiedPairs());
    assertThat(outcome.preferenceRows()).isEqualTo(plan.pairs());
    assertThat(outcome.ties()).isEqualTo(plan.tiedPairs());
    assertThat(outcome.rejected()).as("the adversary's choices at least").isGreaterThan(plan.pairs() / 2);

    long campaign = outcome.campaignId();
    long dataset = outcome.datasetId();
    // statuses, labels and anchors are the service's workers' own
    assertThat(count("select count(*) from contributions where campaign_id = " + campaign))
        .isEqualTo(outcome.contributionsSent());
    assertThat(count("select count(*) from contributions where campaign_id = " + campaign + " and status = 'pending'"))
        .isZero();
    assertThat(count("select count(*) from items where campaign_id = " + campaign + " and decided_at is null"))
        .isZero();
    assertThat(count("select count(*) from contributions c join anchor_batches b on b.id = c.batch_id"
        + " where c.campaign_id = " + campaign + " and b.block_number is not null"))
        .isEqualTo(outcome.contributionsSent());
    // the version's contributions are exactly the accepted ones, and those the story expected
    String expected = outcome.acceptedContributions().stream().sorted().map(String::valueOf)
        .collect(Collectors.joining(","));
    assertThat(text("select string_agg(id::text, ',' order by id) from contributions where campaign_id = " + campaign
        + " and status = 'accepted'")).isEqualTo(expected);
    assertThat(text("select string_agg(contribution_id::text, ',' order by contribution_id) from dataset_contributions"
        + " where dataset_id = " + dataset)).isEqualTo(expected);
    assertThat(count("select count(*) from dataset_items where dataset_id = " + dataset)).isEqualTo(outcome.items());
    assertThat(count("select count(*) from dataset_items where dataset_id = " + dataset
        + " and label = '{\"choice\":\"tie\"}'")).isEqualTo(outcome.ties());
  }

  private static long count(String sql) {
    return ((Number) WorkFixtures.queryValue(app, sql)).longValue();
  }

  private static String text(String sql) {
    return String.valueOf(WorkFixtures.queryValue(app, sql));
  }
}
