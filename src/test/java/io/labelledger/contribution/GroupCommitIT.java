package io.labelledger.contribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.chain.Hex;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedDataSigner;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Group commit on the real database: submissions written together are judged one by one, exactly
 * as the single-row statement judges them. {@code maxInFlight = 1} makes every submission that
 * arrives while a statement runs wait for the next batch, so the batches here are certain.
 */
@ExtendWith(ChainExtension.class)
class GroupCommitIT {
  private static TestChain chain;
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("GroupCommitIT", Map.of(), chain);
    terms = app.publishTerms("Group commit IT terms");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static JsonNode task(Contributor c, long campaign) {
    Reply reply = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", c.token());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json();
  }

  /** The candidate a submission of {@code task} with {@code answer} becomes once its signature is checked. */
  private static ContributionQueries.Candidate candidate(Contributor c, JsonNode task, String answer) {
    JsonNode m = task.get("typedData").get("message");
    var message = new ContributionMessage(c.address(), BigInteger.valueOf(task.get("campaignId").asLong()),
        BigInteger.valueOf(task.get("itemId").asLong()), answer, m.get("termsHash").asText(),
        m.get("submittedAt").asLong());
    byte[] digest = message.digest(ContributionMessage.domain(chain.chainId(), app.deployment().provenanceRegistry()));
    var typed = task.get("typedData").deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) typed.get("message")).put("answer", answer);
    byte[] signature = Hex.decode(TypedDataSigner.sign(typed, c.key()));
    return new ContributionQueries.Candidate(task.get("campaignId").asLong(), task.get("itemId").asLong(),
        c.address(), answer, m.get("termsHash").asText(), m.get("submittedAt").asLong(), signature, digest, null);
  }

  /** Submits all at once (from one event-loop task, so they queue behind the first) and waits for every outcome. */
  private static List<ContributionQueries.Outcome> acceptAll(GroupCommit writer,
      List<ContributionQueries.Candidate> candidates) throws Exception {
    List<Future<ContributionQueries.Outcome>> futures = new ArrayList<>();
    var submitted = new java.util.concurrent.CompletableFuture<Void>();
    app.vertx().runOnContext(v -> {
      candidates.forEach(c -> futures.add(writer.accept(c).recover(err -> Future.succeededFuture(null))));
      submitted.complete(null);
    });
    submitted.get(10, TimeUnit.SECONDS);
    Future.join(futures).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    return futures.stream().map(Future::result).toList();
  }

  private static GroupCommit writer() {
    return new GroupCommit(app.vertx(), new ContributionQueries(app.pool()), app.clock(), 1, 256);
  }

  @Test
  void aBatchJudgesEachSubmissionOnItsOwn() throws Exception {
    long campaign = WorkFixtures.campaign(app, terms, 2, 0);
    WorkFixtures.items(app, campaign, 3, 0);
    Contributor a = WorkFixtures.consenting(app, chain, terms);
    Contributor b = WorkFixtures.consenting(app, chain, terms);
    List<JsonNode> tasksOfA = List.of(task(a, campaign), task(a, campaign), task(a, campaign));
    List<JsonNode> tasksOfB = List.of(task(b, campaign), task(b, campaign));

    List<ContributionQueries.Candidate> in = new ArrayList<>();
    in.add(candidate(a, tasksOfA.get(0), "yes"));                 // 0: alone in the first statement
    in.add(candidate(a, tasksOfA.get(1), "no"));                  // 1
    in.add(candidate(b, tasksOfB.get(0), "yes"));                 // 2: same item as 0, other contributor
    in.add(candidate(b, tasksOfB.get(1), "maybe"));               // 3
    in.add(candidate(a, tasksOfA.get(0), "yes"));                 // 4: 0 again, signed the same: a replay
    in.add(candidate(a, tasksOfA.get(1), "yes"));                 // 5: a second answer to 1's item
    in.add(candidate(a, tasksOfA.get(2), "perhaps"));             // 6: outside the label set
    var foreignTerms = candidate(a, tasksOfA.get(2), "yes");
    in.add(new ContributionQueries.Candidate(foreignTerms.campaignId(), foreignTerms.itemId(), foreignTerms.contributor(),
        foreignTerms.answer(), "0x" + "ab".repeat(32), foreignTerms.submittedAt(), foreignTerms.signature(),
        foreignTerms.digest(), null));                                  // 7: terms other than the campaign's
    var unleased = candidate(b, tasksOfA.get(2), "yes");         // 8: b holds no lease on this item

    in.add(unleased);
    List<ContributionQueries.Outcome> out = acceptAll(writer(), in);

    for (int i : new int[] {0, 1, 2, 3}) {
      assertThat(out.get(i).newId()).as("submission %d stored", i).isNotNull();
    }
    assertThat(out.get(4).newId()).isNull();
    assertThat(out.get(4).sameId()).isEqualTo(out.get(0).newId());
    assertThat(out.get(5).newId()).isNull();
    assertThat(out.get(5).priorId()).isEqualTo(out.get(1).newId());
    assertThat(out.get(6).newId()).isNull();
    assertThat(out.get(6).labelOk()).isFalse();
    assertThat(out.get(7).newId()).isNull();
    assertThat(out.get(7).campaignTerms()).isEqualTo(terms);
    assertThat(out.get(8).newId()).isNull();
    assertThat(out.get(8).leaseExpiresAt()).isNull();

    long first = tasksOfA.get(0).get("itemId").asLong();
    long second = tasksOfA.get(1).get("itemId").asLong();
    long third = tasksOfA.get(2).get("itemId").asLong();
    assertThat(WorkFixtures.queryValue(app, "select count(*) from contributions where campaign_id = " + campaign))
        .isEqualTo(4L);
    assertThat(WorkFixtures.queryValue(app, "select string_agg(answers || '/' || answers_wanted || ' ' || "
        + "case when closed_at is null then 'open' else 'closed' end, ',' order by id) from items where id in ("
        + first + "," + second + "," + third + ")")).isEqualTo("2/2 closed,2/2 closed,0/2 open");
    assertThat(WorkFixtures.queryValue(app, "select count(*) from leases where contributor in ('" + a.address()
        + "','" + b.address() + "') and item_id in (" + first + "," + second + ")")).as("leases consumed")
        .isEqualTo(0L);
    assertThat(WorkFixtures.queryValue(app, "select count(*) from leases where contributor = '" + a.address()
        + "' and item_id = " + third)).as("the refused submissions left a's lease").isEqualTo(1L);
  }

  @Test
  void aBatchThatFailsAsAWholeIsWrittenOneByOne() throws Exception {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 3, 0);
    Contributor a = WorkFixtures.consenting(app, chain, terms);
    List<ContributionQueries.Candidate> in = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      in.add(candidate(a, task(a, campaign), "yes"));
    }
    // a 64-byte signature passes every check of the statement and breaks the table's constraint:
    // the whole statement fails, then each submission gets its own outcome
    var broken = in.get(2);
    in.set(2, new ContributionQueries.Candidate(broken.campaignId(), broken.itemId(), broken.contributor(),
        broken.answer(), broken.termsHash(), broken.submittedAt(), java.util.Arrays.copyOf(broken.signature(), 64),
        broken.digest(), null));
    List<ContributionQueries.Outcome> out = acceptAll(writer(), in);
    assertThat(out.get(0).newId()).isNotNull();
    assertThat(out.get(1).newId()).isNotNull();
    assertThat(out.get(2)).as("the broken one failed alone").isNull();
    assertThat(WorkFixtures.queryValue(app, "select count(*) from contributions where campaign_id = " + campaign))
        .isEqualTo(2L);
  }

  @Test
  void concurrentSubmissionsOverHttpAreEachStoredOnceAndAnsweredAfterCommit() throws Exception {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 24, 0);
    List<Map<String, Object>> bodies = new ArrayList<>();
    List<String> tokens = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      Contributor c = WorkFixtures.consenting(app, chain, terms);
      for (int i = 0; i < 8; i++) {
        var typed = task(c, campaign).get("typedData").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) typed.get("message")).put("answer", "no");
        bodies.add(TypedDataSigner.signed(typed, c.key()));
        tokens.add(c.token());
      }
    }
    var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
    try {
      List<java.util.concurrent.Future<Reply>> replies = new ArrayList<>();
      for (int round = 0; round < 2; round++) { // every body twice, at once
        for (int i = 0; i < bodies.size(); i++) {
          int n = i;
          replies.add(pool.submit(() -> app.postJson("/api/contributions", bodies.get(n), tokens.get(n))));
        }
      }
      Map<String, Long> idByDigest = new java.util.HashMap<>();
      int created = 0;
      for (var f : replies) {
        Reply r = f.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.body()).isIn(200, 201);
        created += r.status() == 201 ? 1 : 0;
        Long before = idByDigest.putIfAbsent(r.json().get("digest").asText(), r.json().get("id").asLong());
        if (before != null) {
          assertThat(r.json().get("id").asLong()).isEqualTo(before);
        }
        // answered after commit: the id is in the database when the reply arrives
        assertThat(WorkFixtures.queryValue(app, "select count(*) from contributions where id = "
            + r.json().get("id").asLong())).isEqualTo(1L);
      }
      assertThat(created).isEqualTo(24);
      assertThat(idByDigest).hasSize(24);
      assertThat(WorkFixtures.queryValue(app, "select count(*) from items where campaign_id = " + campaign
          + " and answers = 1 and closed_at is not null")).isEqualTo(24L);
    } finally {
      pool.shutdownNow();
    }
  }
}
