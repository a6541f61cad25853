package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.config.QualityConfig;
import io.labelledger.quality.AnswerSet;
import io.labelledger.quality.DawidSkene;
import io.labelledger.quality.Reestimate;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TestDatabase;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a version contains must not depend on when the aggregation worker last ran. The scenario a
 * new user met: a campaign is answered quickly, the worker's only full re-estimate so far was fitted
 * to its first handful of answers, and the operator builds a version at once. The version must hold
 * the labels the quality model gives on all stored answers, and accept (and pay) exactly the answers
 * that agree with them.
 *
 * <p>The crowd makes a stale model disagree with the full one: seven careful contributors, two who
 * answer at random and three who consistently answer the "next" label (yes→no→maybe→yes).
 * Dawid-Skene fitted to every answer learns the three's confusion; the model fitted before they
 * answered treats them as ordinary voters. The test checks that the labels the worker holds before
 * the build do differ from the full fit (so the scenario shows what it is meant to), then that the
 * version holds the full fit's labels, statuses and shares. Against a builder that takes the
 * worker's labels as they stand, it fails on the statuses and labels.
 */
@ExtendWith(ChainExtension.class)
class SettledVersionIT {
  private static final List<String> LABELS = List.of("yes", "no", "maybe");
  private static final int ITEMS = 30;
  private static final int OVERLAP = 5;
  private static final int CAREFUL = 7;
  private static final int RANDOM = 2;
  private static final int SHIFTED = 3;

  private static TestChain chain;
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    // a full re-estimate at most once a minute, as by default: the build may not wait for one
    app = DatasetPrerequisites.startAnchoring("SettledVersionIT",
        Map.of("LABELLEDGER_QUALITY_REESTIMATE_INTERVAL_MS", "60000"), chain);
    terms = app.publishTerms("Settled version IT terms");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  @Test
  void aVersionBuiltRightAfterTheAnswersHoldsTheModelsLabelsOnAllOfThem() throws SQLException {
    long campaign = WorkFixtures.campaign(app, terms, Map.of("overlap", OVERLAP, "maxOverlap", OVERLAP,
        "goldRate", 0.0, "targetConfidence", 0.5));
    WorkFixtures.items(app, campaign, ITEMS, 0);
    List<Contributor> crowd = WorkFixtures.consentingMany(app, chain, terms, CAREFUL + RANDOM + SHIFTED);
    SplittableRandom random = new SplittableRandom(7);
    Map<String, String> truth = new HashMap<>();
    for (int i = 0; i < ITEMS; i++) {
      truth.put("item " + i, LABELS.get(random.nextInt(LABELS.size())));
    }

    // the first handful: two careful contributors answer a few items; the worker's first (and, for
    // the next minute, only) re-estimate is fitted to them
    for (int c = 0; c < 2; c++) {
      for (int k = 0; k < 3; k++) {
        answer(crowd.get(c), c, campaign, truth, random);
      }
    }
    app.aggregate();

    // then everyone, until every item has its five answers; the worker takes them in as they come
    boolean answered = true;
    while (answered) {
      answered = false;
      for (int c = 0; c < crowd.size(); c++) {
        answered |= answer(crowd.get(c), c, campaign, truth, random);
      }
    }
    app.aggregate();
    app.anchor();
    Map<Long, String> expected = dawidSkeneOnAllAnswers(campaign);
    Map<Long, String> stale = new HashMap<>();
    try (Connection db = TestDatabase.connect(app.database()); Statement s = db.createStatement();
         ResultSet rs = s.executeQuery("select id, label from items where campaign_id = " + campaign)) {
      while (rs.next()) {
        stale.put(rs.getLong(1), rs.getString(2));
      }
    }
    assertThat(stale.keySet().stream().filter(item -> !stale.get(item).equals(expected.get(item))).count())
        .as("items the worker's stale model labels otherwise than the model on all answers").isPositive();

    long version = DatasetPrerequisites.buildVersion(app, campaign, Map.of("price", "1000", "confidenceBar", 0.01));

    Map<Long, String> labels = new TreeMap<>();
    Map<Long, String> answers = new HashMap<>();
    Map<Long, Long> itemOf = new HashMap<>();
    Map<String, Long> expectedShares = new TreeMap<>();
    List<Long> expectedContributions = new ArrayList<>();
    List<Long> included = new ArrayList<>();
    Map<String, Long> shares = new TreeMap<>();
    try (Connection db = TestDatabase.connect(app.database()); Statement s = db.createStatement()) {
      try (ResultSet rs = s.executeQuery("select item_id, label from dataset_items where dataset_id = " + version)) {
        while (rs.next()) {
          labels.put(rs.getLong(1), rs.getString(2));
        }
      }
      try (ResultSet rs = s.executeQuery("select id, item_id, contributor, answer from contributions "
          + "where campaign_id = " + campaign + " order by id")) {
        while (rs.next()) {
          answers.put(rs.getLong(1), rs.getString(4));
          itemOf.put(rs.getLong(1), rs.getLong(2));
          if (rs.getString(4).equals(expected.get(rs.getLong(2)))) {
            expectedContributions.add(rs.getLong(1));
            expectedShares.merge(rs.getString(3), 1L, Long::sum);
          }
        }
      }
      try (ResultSet rs = s.executeQuery("select contribution_id from dataset_contributions where dataset_id = "
          + version + " order by contribution_id")) {
        while (rs.next()) {
          included.add(rs.getLong(1));
        }
      }
      try (ResultSet rs = s.executeQuery("select account, shares from dataset_shares where dataset_id = " + version)) {
        while (rs.next()) {
          shares.put(rs.getString(1), rs.getLong(2));
        }
      }
      // the stored statuses follow the same fit
      try (ResultSet rs = s.executeQuery("select id, status from contributions where campaign_id = " + campaign)) {
        while (rs.next()) {
          boolean agrees = answers.get(rs.getLong(1)).equals(expected.get(itemOf.get(rs.getLong(1))));
          assertThat(rs.getString(2)).as("status of contribution %s", rs.getLong(1))
              .isEqualTo(agrees ? "accepted" : "rejected");
        }
      }
    }
    assertThat(labels).hasSize(ITEMS);
    labels.forEach((item, label) -> assertThat(label).as("label of item %s", item).isEqualTo(expected.get(item)));
    assertThat(included).isEqualTo(expectedContributions);
    assertThat(shares).isEqualTo(expectedShares);
  }

  /**
   * Contributor {@code c} answers their next task, if there is one: careful ones right 95 % of the
   * time, random ones at random, shifted ones with the label after the true one.
   */
  private static boolean answer(Contributor contributor, int c, long campaign, Map<String, String> truth,
      SplittableRandom random) {
    Reply task = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", contributor.token());
    if (task.status() == 404) {
      return false;
    }
    assertThat(task.status()).as(task.body()).isEqualTo(200);
    String right = truth.get(task.json().at("/payload/text").asText());
    String answer;
    if (c < CAREFUL) {
      answer = random.nextDouble() < 0.95 ? right : LABELS.get(random.nextInt(LABELS.size()));
    } else if (c < CAREFUL + RANDOM) {
      answer = LABELS.get(random.nextInt(LABELS.size()));
    } else {
      answer = LABELS.get((LABELS.indexOf(right) + 1) % LABELS.size());
    }
    JsonNode typed = task.json().get("typedData").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) typed.get("message")).put("answer", answer);
    Reply reply = app.postJson("/api/contributions",
        io.labelledger.testsupport.TypedDataSigner.signed(typed, contributor.key()), contributor.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return true;
  }

  /** The model on every stored answer, fitted here from the database with the service's settings. */
  private static Map<Long, String> dawidSkeneOnAllAnswers(long campaign) throws SQLException {
    QualityConfig q = app.config().quality();
    DawidSkene ds = new DawidSkene(new DawidSkene.Config(DawidSkene.Config.DEFAULT_MAX_ITERATIONS,
        DawidSkene.Config.DEFAULT_TOLERANCE, q.smoothing(), q.diagonalPrior()));
    AnswerSet.Builder builder = Reestimate.answers(LABELS);
    try (Connection db = TestDatabase.connect(app.database()); Statement s = db.createStatement();
         ResultSet rs = s.executeQuery("select item_id, contributor, answer from contributions where campaign_id = "
             + campaign + " order by id")) {
      while (rs.next()) {
        builder.add(Long.toString(rs.getLong(1)), rs.getString(2), rs.getString(3));
      }
    }
    Map<Long, String> out = new HashMap<>();
    Reestimate.run(ds, LABELS, builder.build()).items().forEach(e -> out.put(e.itemId(), e.label()));
    return out;
  }
}
