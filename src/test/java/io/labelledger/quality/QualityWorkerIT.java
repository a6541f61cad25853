package io.labelledger.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.config.QualityConfig;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.db.Migrations;
import io.labelledger.db.Pools;
import io.labelledger.testsupport.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The aggregation worker on real PostgreSQL, without HTTP or chain: answers are inserted as the
 * hot path inserts them (row + items.answers, in transactions of their own), and three workers —
 * as three service instances would — run their rounds at the same time on the same database, in
 * small batches.
 */
class QualityWorkerIT {
  private static final String TERMS = "0x" + "ab".repeat(32);
  private static final int WORKERS = 6;
  private static final int ITEMS = 150;
  private static final int GOLD = 30;

  private static DatabaseCoordinates db;
  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    db = TestDatabase.freshDatabase("QualityWorkerIT");
    Migrations.migrate(db);
    vertx = Vertx.vertx();
    pool = Pools.create(vertx, db, 6);
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      s.execute("insert into terms (terms_hash, text) values ('" + TERMS + "', 't')");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stop() {
    pool.close();
    vertx.close();
  }

  private static QualityWorker worker(int batchSize) {
    return new QualityWorker(vertx, new QualityQueries(pool),
        new QualityConfig(3_600_000, batchSize, 60_000, 5, 0.7, 1.0, 2.0), Clock.systemUTC());
  }

  /** A two-label (a, b) campaign with fixed overlap; returns its id. */
  private static long campaign(Statement s, int overlap) throws SQLException {
    ResultSet rs = s.executeQuery("insert into campaigns (name, instructions, task_type, overlap, max_overlap, "
        + "gold_rate, accuracy_floor, target_confidence, terms_hash) values ('c', 'i', 'single_choice', " + overlap
        + ", " + overlap + ", 0.2, 0, 0.9, '" + TERMS + "') returning id");
    rs.next();
    long campaign = rs.getLong(1);
    s.execute("insert into campaign_labels (campaign_id, position, label) values (" + campaign + ", 0, 'a'), ("
        + campaign + ", 1, 'b')");
    return campaign;
  }

  private static int digest;

  /** Inserts an answer as the hot path does: the row, and the item's answers counted, in one statement. */
  private static void answer(Statement s, long campaign, String item, int contributor, String answer)
      throws SQLException {
    digest++;
    s.execute("with ins as (insert into contributions (campaign_id, item_id, contributor, answer, terms_hash, "
        + "submitted_at, signature, digest) select " + campaign + ", id, '0x" + String.format("%040x", contributor)
        + "', '" + answer + "', '" + TERMS + "', 1, decode('" + "11".repeat(65) + "', 'hex'), decode('"
        + String.format("%064x", digest) + "', 'hex') from items where external_id = '" + item + "' and campaign_id = "
        + campaign + " returning item_id) update items set answers = answers + 1 where id = (select item_id from ins)");
  }

  @Test
  void instancesRunningAtOnceTakeEveryAnswerInExactlyOnce() throws Exception {
    long campaign;
    List<String> truths = new ArrayList<>();
    int expectedGoldSeen = 0;
    int expectedGoldCorrect = 0;
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      campaign = campaign(s, 3);
      SplittableRandom random = new SplittableRandom(5);
      for (int i = 0; i < ITEMS + GOLD; i++) {
        boolean gold = i >= ITEMS;
        String truth = random.nextBoolean() ? "a" : "b";
        truths.add(truth);
        s.execute("insert into items (campaign_id, external_id, payload, is_gold, gold_answer, answers_wanted) values ("
            + campaign + ", 'x" + i + "', '{}', " + gold + ", " + (gold ? "'" + truth + "'" : "null") + ", 3)");
      }
      // every worker answers every gold item, three answer each regular item; worker w is right
      // with probability 0.95 - 0.08 w
      for (int i = 0; i < ITEMS + GOLD; i++) {
        boolean gold = i >= ITEMS;
        for (int w = 0; w < WORKERS; w++) {
          if (!gold && (i + w) % WORKERS >= 3) {
            continue;
          }
          String answer = random.nextDouble() < 0.95 - 0.08 * w ? truths.get(i) : truths.get(i).equals("a") ? "b" : "a";
          if (gold) {
            expectedGoldSeen++;
            expectedGoldCorrect += answer.equals(truths.get(i)) ? 1 : 0;
          }
          answer(s, campaign, "x" + i, w + 1, answer);
        }
      }
    }

    List<QualityWorker> instances = List.of(worker(7), worker(11), worker(13));
    List<Future<Void>> rounds = new ArrayList<>();
    for (int r = 0; r < 3; r++) {
      instances.forEach(w -> rounds.add(w.round()));
    }
    Future.all(rounds).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    // whatever the rounds left (each takes at most 20 batches in), then a re-estimate on everything
    instances.get(0).reestimate(campaign).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      assertThat(count(s, "select count(*) from contributions c, quality_cursor q "
          + "where (c.txid, c.id) > (q.txid, q.last_id)")).as("the cursor is past every answer").isZero();
      String ofCampaign = " where campaign_id = " + campaign;
      long total = count(s, "select count(*) from contributions" + ofCampaign);
      assertThat(count(s, "select sum(answers) from contributor_quality" + ofCampaign)).as("each answer counted once")
          .isEqualTo(total);
      assertThat(count(s, "select answers_aggregated from campaign_quality where campaign_id = " + campaign))
          .isEqualTo(total);
      assertThat(count(s, "select sum(gold_seen) from contributor_quality" + ofCampaign)).isEqualTo(expectedGoldSeen);
      assertThat(count(s, "select sum(gold_correct) from contributor_quality" + ofCampaign))
          .isEqualTo(expectedGoldCorrect);
      assertThat(count(s, "select count(*) from items" + ofCampaign + " and label is null")).isZero();
      assertThat(count(s, "select count(*) from items" + ofCampaign + " and decided_at is null"))
          .as("overlap 3 reached everywhere").isZero();
      assertThat(count(s, "select count(*) from items" + ofCampaign
          + " and is_gold and (label <> gold_answer or confidence <> 1)")).isZero();
      assertThat(count(s, "select count(*) from contributions c join items i on i.id = c.item_id "
          + "where c.campaign_id = " + campaign
          + " and c.status <> case when c.answer = i.label then 'accepted' else 'rejected' end"))
          .as("every status agrees with its item's label").isZero();
      long right = 0;
      ResultSet rs = s.executeQuery("select external_id, label from items" + ofCampaign + " and not is_gold");
      while (rs.next()) {
        right += rs.getString(2).equals(truths.get(Integer.parseInt(rs.getString(1).substring(1)))) ? 1 : 0;
      }
      assertThat((double) right / ITEMS).as("labels from three answers of 0.55..0.95 workers").isGreaterThan(0.85);
      assertThat(count(s, "select estimated_answers from campaign_quality" + ofCampaign + " and prior is not null and "
          + "reestimating_since is null")).as("re-estimated on every answer, claim released").isEqualTo(total);
      assertThat(count(s, "select count(*) from contributor_quality" + ofCampaign + " and confusion is not null "
          + "and array_length(confusion, 1) = 4")).isEqualTo(WORKERS);
    }
  }

  @Test
  void anAnswerCommittedAfterALaterOneIsTakenInNotSkipped() throws Exception {
    long campaign;
    try (Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      campaign = campaign(s, 1);
      s.execute("insert into items (campaign_id, external_id, payload, answers_wanted) values (" + campaign
          + ", 'early', '{}', 1), (" + campaign + ", 'late', '{}', 1)");
    }
    QualityWorker worker = worker(100);
    try (Connection slow = TestDatabase.connect(db); Statement inSlow = slow.createStatement();
         Connection c = TestDatabase.connect(db); Statement s = c.createStatement()) {
      slow.setAutoCommit(false);
      answer(inSlow, campaign, "late", 1, "a");   // inserted first (lower txid), committed last
      answer(s, campaign, "early", 2, "b");       // committed now
      await(worker.round());
      assertThat(count(s, "select count(*) from items where campaign_id = " + campaign + " and label is not null"))
          .as("nothing taken in past a transaction still running").isZero();

      slow.commit();
      await(worker.round());
      assertThat(count(s, "select count(*) from items where campaign_id = " + campaign + " and label is not null "
          + "and decided_at is not null")).isEqualTo(2);
      assertThat(count(s, "select sum(answers) from contributor_quality where campaign_id = " + campaign)).isEqualTo(2);
      assertThat(count(s, "select count(*) from contributions where campaign_id = " + campaign
          + " and status = 'accepted'")).isEqualTo(2);
    }
  }

  private static void await(Future<?> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
