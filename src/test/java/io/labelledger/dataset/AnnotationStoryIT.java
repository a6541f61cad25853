package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.demo.AnnotationStory;
import io.labelledger.demo.Demo;
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
 * The annotation types' end-to-end test: {@link AnnotationStory} (told by {@code scripts/demo}) on
 * the real service, PostgreSQL and Ganache with the service's own workers on short timers and
 * nothing written by SQL: a spans campaign of sentences with known entities and a boxes campaign of
 * images with known objects, five contributors signing annotations (one careless), both versions
 * built, listed and bought, the token-classification JSONL/Parquet and the COCO file checked
 * against the truth, both audit bundles verified. The story throws at the first figure that does
 * not check out; this test then reads the database: each version holds exactly the accepted
 * contributions, and those are the careful contributors' answers.
 */
@ExtendWith(ChainExtension.class)
class AnnotationStoryIT {
  private static TestChain chain;
  private static TestApp app;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("annotation_story", Demo.storySettings(), chain);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void spansAndBoxesBecomeTokenClassificationAndCocoDataThatMatchTheTruth() throws Exception {
    Path work = Files.createTempDirectory("annotation-story");
    AnnotationStory.Plan plan = AnnotationStory.Plan.standard();
    AnnotationStory story = new AnnotationStory(new StorySetup(app.baseUrl(), TestApp.OPERATOR_TOKEN, chain.rpcUrl(),
        chain.funder(), app.operator(), work, System.out), plan);
    long t0 = System.nanoTime();
    AnnotationStory.Outcome outcome;
    try {
      outcome = app.clock().followingWallClock(story::run);
    } catch (StoryFailure e) {
      throw new AssertionError("the story failed at '" + e.check() + "': " + e.getMessage(), e);
    }
    System.out.printf("annotation story: %.1f s, %s%n", (System.nanoTime() - t0) / 1e9, outcome.seconds());

    assertThat(outcome.contributors()).isEqualTo(plan.careful() + 1);
    assertThat(outcome.cocoAnnotations()).isEqualTo(outcome.objects());
    assertThat(outcome.rejected()).as("the careless contributor's answers").isPositive();
    String campaigns = outcome.spansCampaignId() + "," + outcome.boxesCampaignId();
    assertThat(count("select count(*) from contributions where campaign_id in (" + campaigns + ")"))
        .isEqualTo(outcome.contributionsSent());
    assertThat(count("select count(*) from contributions where campaign_id in (" + campaigns + ")"
        + " and status = 'pending'")).isZero();
    String expected = outcome.acceptedContributions().stream().sorted().map(String::valueOf)
        .collect(Collectors.joining(","));
    assertThat(text("select string_agg(id::text, ',' order by id) from contributions where campaign_id in ("
        + campaigns + ") and status = 'accepted'")).isEqualTo(expected);
    assertThat(text("select string_agg(contribution_id::text, ',' order by contribution_id) from dataset_contributions"
        + " where dataset_id in (" + outcome.spansDatasetId() + "," + outcome.boxesDatasetId() + ")"))
        .isEqualTo(expected);
  }

  private static long count(String sql) {
    return ((Number) WorkFixtures.queryValue(app, sql)).longValue();
  }

  private static String text(String sql) {
    return String.valueOf(WorkFixtures.queryValue(app, sql));
  }
}
