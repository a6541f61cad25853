package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.blob.BlobId;
import io.labelledger.demo.CollectionStory;
import io.labelledger.demo.Demo;
import io.labelledger.demo.StoryFailure;
import io.labelledger.demo.StorySetup;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The collection story's end-to-end test: {@link CollectionStory} (told by {@code scripts/demo}) on the
 * real service, PostgreSQL, file store and Ganache with the service's own workers on short timers and
 * nothing written by SQL: synthesized WAV recordings uploaded, signed and peer-validated (a silent one
 * rejected), a version with weighted shares built, listed and bought, every file of its WebDataset and
 * audiofolder exports checked against the answers and the audit bundle, then a speaker's withdrawal and
 * the erasure round seen in every export. The story throws at the first figure that does not check out;
 * this test then asks the blob store itself (which the story, a client of the API, cannot): the
 * withdrawn speaker's files are gone, every other accepted file is there; and reads the database: the
 * erasures recorded and the version's shares.
 */
@ExtendWith(ChainExtension.class)
class CollectionStoryIT {
  private static TestChain chain;
  private static TestApp app;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("collection_story", Demo.storySettings(), chain);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void recordingsValidatedSoldCheckedFileByFileAndErasedOnWithdrawal() throws Exception {
    Path work = Files.createTempDirectory("collection-story");
    CollectionStory.Plan plan = CollectionStory.Plan.standard();
    CollectionStory story = new CollectionStory(new StorySetup(app.baseUrl(), TestApp.OPERATOR_TOKEN,
        chain.rpcUrl(), chain.funder(), app.operator(), work, System.out), plan);
    long t0 = System.nanoTime();
    CollectionStory.Outcome outcome;
    try {
      outcome = app.clock().followingWallClock(story::run);
    } catch (StoryFailure e) {
      throw new AssertionError("the story failed at '" + e.check() + "': " + e.getMessage(), e);
    }
    System.out.printf("collection story: %.1f s, %s%n", (System.nanoTime() - t0) / 1e9, outcome.seconds());

    assertThat(outcome.uploads()).isEqualTo((long) plan.prompts() * plan.speakers());
    assertThat(outcome.rejectedUploads()).isEqualTo(1);
    assertThat(outcome.filesChecked()).isEqualTo(2 * (outcome.uploads() - 1));
    assertThat(outcome.erasedFiles()).hasSize(plan.prompts());
    for (String file : outcome.erasedFiles()) {
      assertThat(app.blobs().exists(new BlobId(file))).as("withdrawn file " + file + " in the store").isFalse();
    }
    for (String file : outcome.keptFiles()) {
      assertThat(app.blobs().exists(new BlobId(file))).as("kept file " + file + " in the store").isTrue();
    }
    assertThat(count("select count(*) from erasures e join contributions c on c.id = e.contribution_id"
        + " where e.erased_at is not null and c.contributor = '" + outcome.withdrawn() + "'"))
        .isEqualTo(plan.prompts());
    assertThat(count("select count(*) from contributions where campaign_id in (" + outcome.campaignId() + ","
        + outcome.validationCampaignId() + ")")).isEqualTo(outcome.uploads() + outcome.votes());
    assertThat(count("select count(*) from dataset_contributions where dataset_id = " + outcome.datasetId()))
        .isEqualTo(outcome.versionContributions());
    for (var e : outcome.shares().entrySet()) {
      assertThat(count("select shares from dataset_shares where dataset_id = " + outcome.datasetId()
          + " and account = '" + e.getKey() + "'")).as("shares of " + e.getKey()).isEqualTo(e.getValue());
    }
  }

  private static long count(String sql) {
    return ((Number) WorkFixtures.queryValue(app, sql)).longValue();
  }
}
