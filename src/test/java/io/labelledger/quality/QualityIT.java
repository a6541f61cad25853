package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedDataSigner;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Quality through the real service: signed contributions over HTTP, the aggregation worker on real
 * PostgreSQL (its rounds run on demand here, as {@code app.aggregate()}), consent on Ganache.
 */
@ExtendWith(ChainExtension.class)
class QualityIT {
  private static final List<String> LABELS = List.of("yes", "no", "maybe");
  /** The simulated crowd: eight contributors whose accuracies differ (wrong answers uniformly wrong). */
  private static final double[] ACCURACIES = {0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6};

  private static TestChain chain;
  private static TestApp app;
  private static String terms;
  private static List<Contributor> crowd;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("QualityIT", Map.of(), chain);
    terms = app.publishTerms("Quality IT terms");
    crowd = WorkFixtures.consentingMany(app, chain, terms, ACCURACIES.length);
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static Reply next(Contributor c, long campaign) {
    return app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", c.token());
  }

  /** Signs the task's typed data with {@code answer} and submits it; expects 201. */
  private static JsonNode submit(Contributor c, JsonNode task, String answer) {
    ObjectNode typed = task.get("typedData").deepCopy();
    ((ObjectNode) typed.get("message")).put("answer", answer);
    Reply reply = app.postJson("/api/contributions", TypedDataSigner.signed(typed, c.key()), c.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json();
  }

  /** Asks for a task and answers it; returns the task. */
  private static JsonNode answerNext(Contributor c, long campaign, String answer) {
    Reply task = next(c, campaign);
    assertThat(task.status()).as(task.body()).isEqualTo(200);
    submit(c, task.json(), answer);
    return task.json();
  }

  /** Uploads items whose payload is {@code {"n": i}}, and {@code gold} gold items answered "yes". */
  private static void upload(long campaign, int regular, int gold) {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < regular; i++) {
      lines.append("{\"id\":\"r").append(i).append("\",\"data\":{\"n\":").append(i).append("}}\n");
    }
    for (int i = 0; i < gold; i++) {
      lines.append("{\"id\":\"g").append(i).append("\",\"data\":{\"gold\":").append(i).append("},\"gold\":\"yes\"}\n");
    }
    Reply reply = app.send("POST", "/api/campaigns/" + campaign + "/items", TestApp.OPERATOR_TOKEN,
        "application/x-ndjson", BodyPublishers.ofString(lines.toString()));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
  }

  /** Every item of the campaign as the operator's labels route shows it, by item id. */
  private static Map<Long, JsonNode> labels(long campaign) {
    Map<Long, JsonNode> out = new HashMap<>();
    long after = 0;
    while (true) {
      Reply page = app.get("/api/campaigns/" + campaign + "/labels?limit=1000&afterId=" + after, TestApp.OPERATOR_TOKEN);
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      page.json().get("items").forEach(item -> out.put(item.get("itemId").asLong(), item));
      if (page.json().get("nextAfterId").isNull()) {
        return out;
      }
      after = page.json().get("nextAfterId").asLong();
    }
  }

  private static JsonNode mine(Contributor c) {
    Reply reply = app.get("/api/contributions/me?limit=1000", c.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  /** The contributor's score in a campaign from contributions/me; null when it has none. */
  private static JsonNode score(Contributor c, long campaign) {
    for (JsonNode s : mine(c).get("scores")) {
      if (s.get("campaignId").asLong() == campaign) {
        return s;
      }
    }
    return null;
  }

  /** The status of the contributor's answer to {@code item}. */
  private static String status(Contributor c, long item) {
    for (JsonNode s : mine(c).get("contributions")) {
      if (s.get("itemId").asLong() == item) {
        return s.get("status").asText();
      }
    }
    throw new AssertionError("no contribution to item " + item);
  }

  @Test
  void itemLabelAndConfidenceFollowTheAnswersAsTheyArrive() {
    long campaign = WorkFixtures.campaign(app, terms, Map.of("overlap", 3, "goldRate", 0));
    upload(campaign, 1, 0);

    long item = answerNext(crowd.get(0), campaign, "no").get("itemId").asLong();
    assertThat(labels(campaign).get(item).get("label").isNull()).as("not taken in before a worker round").isTrue();
    app.aggregate();
    JsonNode one = labels(campaign).get(item);
    assertThat(one.get("label").asText()).isEqualTo("no");
    assertThat(one.get("answers").asInt()).isEqualTo(1);
    assertThat(one.get("decidedAt").isNull()).isTrue();
    double afterOne = one.get("confidence").asDouble();
    assertThat(afterOne).isGreaterThan(1.0 / 3).isLessThan(1);

    answerNext(crowd.get(1), campaign, "no");
    app.aggregate();
    double afterTwo = labels(campaign).get(item).get("confidence").asDouble();
    assertThat(labels(campaign).get(item).get("label").asText()).isEqualTo("no");
    assertThat(afterTwo).as("a second agreeing answer").isGreaterThan(afterOne);

    answerNext(crowd.get(2), campaign, "maybe");
    app.aggregate();
    JsonNode three = labels(campaign).get(item);
    assertThat(three.get("label").asText()).isEqualTo("no");
    assertThat(three.get("confidence").asDouble()).as("a dissenting answer").isLessThan(afterTwo);
    assertThat(three.get("answers").asInt()).isEqualTo(3);
    assertThat(three.get("closed").asBoolean()).isTrue();
    assertThat(three.get("decidedAt").isNull()).as("fixed overlap 3 reached").isFalse();
  }

  @Test
  void contributorsSeeTheirAnswersAcceptedOrRejectedOnceTheItemIsDecided() {
    // goldRate 0.5 with one item of each kind: each contributor gets both, in either order
    long campaign = WorkFixtures.campaign(app, terms, Map.of("overlap", 3, "goldRate", 0.5));
    upload(campaign, 1, 1);
    Contributor a = crowd.get(0);
    Contributor b = crowd.get(1);
    Contributor c = crowd.get(2);
    Map<Contributor, String> answers = Map.of(a, "maybe", b, "maybe", c, "no");
    long regular = -1;
    long gold = -1;
    for (Contributor who : List.of(a, b)) {
      for (int i = 0; i < 2; i++) {
        JsonNode task = next(who, campaign).json();
        boolean isGold = task.at("/payload/gold").isNumber();
        submit(who, task, isGold && who == a ? "yes" : isGold ? "no" : answers.get(who));
        if (isGold) {
          gold = task.get("itemId").asLong();
        } else {
          regular = task.get("itemId").asLong();
        }
      }
    }
    app.aggregate();
    assertThat(status(a, gold)).as("gold answered right, decided at once").isEqualTo("accepted");
    assertThat(status(b, gold)).as("gold answered wrong").isEqualTo("rejected");
    assertThat(status(a, regular)).as("2 of 3 answers in").isEqualTo("pending");
    assertThat(status(b, regular)).isEqualTo("pending");

    JsonNode task = next(c, campaign).json();
    long third = task.get("itemId").asLong();
    submit(c, task, third == gold ? "yes" : "no");
    JsonNode last = next(c, campaign).json();
    submit(c, last, last.get("itemId").asLong() == gold ? "yes" : "no");
    assertThat(status(c, regular)).as("before the worker's round").isEqualTo("pending");
    app.aggregate();

    assertThat(labels(campaign).get(regular).get("label").asText()).isEqualTo("maybe");
    assertThat(status(a, regular)).isEqualTo("accepted");
    assertThat(status(b, regular)).isEqualTo("accepted");
    assertThat(status(c, regular)).as("answered no against maybe, maybe").isEqualTo("rejected");
    assertThat(status(c, gold)).isEqualTo("accepted");

    JsonNode scoreA = score(a, campaign);
    assertThat(scoreA.get("goldSeen").asInt()).isEqualTo(1);
    assertThat(scoreA.get("goldCorrect").asInt()).isEqualTo(1);
    assertThat(scoreA.get("goldAccuracy").asDouble()).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(scoreA.get("answers").asInt()).isEqualTo(2);
    JsonNode scoreB = score(b, campaign);
    assertThat(scoreB.get("goldCorrect").asInt()).isZero();
    assertThat(scoreB.get("goldAccuracy").asDouble()).isCloseTo(1.0 / 3, within(1e-9));
    assertThat(scoreB.get("belowFloor").asBoolean()).as("the campaign has no floor").isFalse();
  }

  @Test
  void goldAccuracyBelowTheFloorStopsTasksAfterTheMinimumNumberOfGoldAnswers() {
    long campaign = WorkFixtures.campaign(app, terms, Map.of("overlap", 1, "goldRate", 0.5, "accuracyFloor", 0.6));
    upload(campaign, 40, 12);
    Contributor careless = WorkFixtures.consenting(app, chain, terms);
    Contributor careful = WorkFixtures.consenting(app, chain, terms);
    int minGold = app.config().quality().floorMinGold();

    int goldSeen = 0;
    int served = 0;
    while (goldSeen < minGold) {
      Reply task = next(careless, campaign);
      assertThat(task.status()).as("%d gold answers so far: the floor does not apply yet; %s", goldSeen, task.body())
          .isEqualTo(200);
      boolean gold = task.json().at("/payload/gold").isNumber();
      submit(careless, task.json(), "no"); // gold answers are all "yes"
      served++;
      goldSeen += gold ? 1 : 0;
      app.aggregate();
      assertThat(score(careless, campaign).get("goldSeen").asInt()).isEqualTo(goldSeen);
    }

    Reply refused = next(careless, campaign);
    assertThat(refused.status()).as(refused.body()).isEqualTo(403);
    assertThat(refused.errorCode()).isEqualTo("ACCURACY_BELOW_FLOOR");
    JsonNode details = refused.json().at("/error/details");
    assertThat(details.get("goldSeen").asInt()).isEqualTo(minGold);
    assertThat(details.get("goldCorrect").asInt()).isZero();
    assertThat(details.get("goldAccuracy").asDouble()).isCloseTo(1.0 / (minGold + 2), within(1e-9));
    assertThat(details.get("accuracyFloor").asDouble()).isEqualTo(0.6);
    assertThat(refused.json().at("/error/message").asText()).contains("campaign " + campaign, "below its floor");
    JsonNode mine = score(careless, campaign);
    assertThat(mine.get("belowFloor").asBoolean()).isTrue();
    assertThat(mine.get("answers").asInt()).isEqualTo(served);

    // the same number of gold answers, all right: tasks keep coming
    int carefulGold = 0;
    while (carefulGold < minGold) {
      Reply task = next(careful, campaign);
      assertThat(task.status()).as(task.body()).isEqualTo(200);
      boolean gold = task.json().at("/payload/gold").isNumber();
      submit(careful, task.json(), "yes");
      carefulGold += gold ? 1 : 0;
      app.aggregate();
    }
    assertThat(next(careful, campaign).status()).isEqualTo(200);
    assertThat(score(careful, campaign).get("belowFloor").asBoolean()).isFalse();

    // the operator sees both records
    Reply contributors = app.get("/api/campaigns/" + campaign + "/contributors", TestApp.OPERATOR_TOKEN);
    assertThat(contributors.status()).as(contributors.body()).isEqualTo(200);
    Map<String, Boolean> below = new HashMap<>();
    contributors.json().get("contributors").forEach(c -> below.put(c.get("contributor").asText(),
        c.get("belowFloor").asBoolean()));
    assertThat(below).containsEntry(careless.address().toLowerCase(), true)
        .containsEntry(careful.address().toLowerCase(), false);
  }

  @Test
  void qualityViewsAreForTheOperatorAndNameUnknownCampaigns() {
    Contributor c = crowd.get(0);
    assertThat(app.get("/api/campaigns/1/labels", c.token()).errorCode()).isEqualTo("NOT_AN_OPERATOR");
    assertThat(app.get("/api/campaigns/1/contributors").errorCode()).isEqualTo("OPERATOR_AUTH_REQUIRED");
    Reply unknown = app.get("/api/campaigns/999999/labels", TestApp.OPERATOR_TOKEN);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("CAMPAIGN_NOT_FOUND");
    Reply badPage = app.get("/api/campaigns/1/labels?limit=0", TestApp.OPERATOR_TOKEN);
    assertThat(badPage.status()).isEqualTo(400);
    assertThat(badPage.errorCode()).isEqualTo("INVALID_PARAMETER");
    Reply badAfter = app.get("/api/campaigns/1/contributors?after=nobody", TestApp.OPERATOR_TOKEN);
    assertThat(badAfter.errorCode()).isEqualTo("INVALID_PARAMETER");
  }

  /** Answers bought and accuracy against the ground truth of one simulated campaign. */
  private record Outcome(int answers, double accuracy) {}

  private static final int ITEMS = 100;
  private static final int SWEEPS_PER_REESTIMATE = 10;

  @Test
  void dynamicOverlapReachesFixedOverlapAccuracyWithFewerAnswersBought() {
    String[] truth = new String[ITEMS];
    SplittableRandom random = new SplittableRandom(2024);
    for (int i = 0; i < ITEMS; i++) {
      truth[i] = LABELS.get(random.nextInt(LABELS.size()));
    }

    Outcome fixed = simulate(Map.of("overlap", 5, "maxOverlap", 5, "goldRate", 0), truth);
    Outcome dynamic = simulate(Map.of("overlap", 2, "maxOverlap", 5, "targetConfidence", 0.95, "goldRate", 0), truth);

    System.out.printf("QualityIT: %d items, 8 contributors (accuracy 0.60..0.95), 3 labels, labels by Dawid-Skene%n"
        + "  fixed overlap 5:                       %d answers bought, accuracy %.3f%n"
        + "  dynamic overlap 2..5, target 0.95:     %d answers bought, accuracy %.3f%n",
        ITEMS, fixed.answers(), fixed.accuracy(), dynamic.answers(), dynamic.accuracy());
    assertThat(fixed.answers()).isEqualTo(5 * ITEMS);
    assertThat(dynamic.answers()).as("fewer answers bought").isLessThan(fixed.answers() * 9 / 10);
    // tolerance 0.05 = 5 of 100 items: in 30 simulated runs of this size (DynamicOverlapSimulationTest's
    // model) dynamic never fell further behind; on 2000 items the simulation holds it to 0.01
    assertThat(dynamic.accuracy()).as("same accuracy within 0.05").isGreaterThanOrEqualTo(fixed.accuracy() - 0.05);
  }

  /**
   * Runs one campaign to the end: in sweeps, each contributor asks for a task and answers it
   * (right with their accuracy, otherwise a uniformly wrong label; the draw depends only on the
   * contributor and the item); a worker round after each sweep, a re-estimate every
   * {@value #SWEEPS_PER_REESTIMATE} sweeps and when nobody gets a task (which may ask for more).
   */
  private Outcome simulate(Map<String, Object> settings, String[] truth) {
    long campaign = WorkFixtures.campaign(app, terms, settings);
    upload(campaign, truth.length, 0);
    int sweeps = 0;
    boolean more = true;
    while (more) {
      int answered = 0;
      for (int w = 0; w < crowd.size(); w++) {
        Reply task = next(crowd.get(w), campaign);
        if (task.status() == 404) {
          assertThat(task.errorCode()).isEqualTo("NO_TASK_AVAILABLE");
          continue;
        }
        assertThat(task.status()).as(task.body()).isEqualTo(200);
        int n = task.json().at("/payload/n").asInt();
        submit(crowd.get(w), task.json(), answer(w, n, truth[n]));
        answered++;
      }
      app.aggregate();
      sweeps++;
      assertThat(sweeps).as("the campaign ends").isLessThan(20 * truth.length);
      if (answered == 0) {
        app.reestimate(campaign);
        more = anyOpen(campaign);
      } else if (sweeps % SWEEPS_PER_REESTIMATE == 0) {
        app.reestimate(campaign);
      }
    }
    app.reestimate(campaign);

    Map<Long, JsonNode> items = labels(campaign);
    assertThat(items).hasSize(truth.length);
    int answers = 0;
    int correct = 0;
    int maxOverlap = (Integer) settings.get("maxOverlap");
    for (JsonNode item : items.values()) {
      int n = Integer.parseInt(item.get("externalId").asText().substring(1));
      answers += item.get("answers").asInt();
      correct += item.get("label").asText().equals(truth[n]) ? 1 : 0;
      assertThat(item.get("decidedAt").isNull()).as("item %s decided", n).isFalse();
      assertThat(item.get("answers").asInt()).isBetween((Integer) settings.get("overlap"), maxOverlap);
    }
    long pending = ((Number) WorkFixtures.queryValue(app,
        "select count(*) from contributions where status = 'pending' and campaign_id = " + campaign)).longValue();
    assertThat(pending).as("every answer accepted or rejected").isZero();
    return new Outcome(answers, (double) correct / truth.length);
  }

  private static boolean anyOpen(long campaign) {
    return ((Number) WorkFixtures.queryValue(app, "select count(*) from items where closed_at is null and not is_gold "
        + "and campaign_id = " + campaign)).longValue() > 0;
  }

  private static String answer(int worker, int item, String truth) {
    SplittableRandom r = new SplittableRandom(7919L * item + worker);
    if (r.nextDouble() < ACCURACIES[worker]) {
      return truth;
    }
    List<String> wrong = new ArrayList<>(LABELS);
    wrong.remove(truth);
    return wrong.get(r.nextInt(wrong.size()));
  }
}
