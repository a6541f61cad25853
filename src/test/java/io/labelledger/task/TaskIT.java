package io.labelledger.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/** Task allocation; the indexer runs on its timer here (every 250 ms), as in production. */
@ExtendWith(ChainExtension.class)
class TaskIT {
  private static TestChain chain;
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    app = TestApp.start("TaskIT", Map.of("LABELLEDGER_INDEX_INTERVAL_MS", "250"), chain);
    terms = app.publishTerms("Task IT terms");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  /** A signed-in contributor with a valid consent to the terms. */
  private static Contributor consenting() {
    return WorkFixtures.consenting(app, chain, terms);
  }

  private static Reply next(Contributor c, long campaign) {
    return app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", c.token());
  }

  private static long itemOf(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("itemId").asLong();
  }

  private static void assertNoTask(Reply reply) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(404);
    assertThat(reply.errorCode()).isEqualTo("NO_TASK_AVAILABLE");
  }

  @Test
  void nextTaskCarriesTheTypedDataToSignAndTheItem() {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 1, 0);
    Contributor c = consenting();
    Reply reply = next(c, campaign);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode task = reply.json();
    assertThat(task.get("leaseId").asLong()).isPositive();
    assertThat(task.at("/payload/text").asText()).isEqualTo("item 0");
    assertThat(task.get("labels").toString()).contains("yes", "no", "maybe");
    assertThat(task.get("instructions").asText()).isEqualTo("Answer yes, no or maybe.");
    JsonNode typed = task.get("typedData");
    assertThat(typed.get("primaryType").asText()).isEqualTo("Contribution");
    assertThat(typed.at("/types/EIP712Domain")).hasSize(4);
    assertThat(typed.at("/types/Contribution")).hasSize(6);
    assertThat(typed.at("/domain/verifyingContract").asText())
        .isEqualTo(app.deployment().provenanceRegistry().toLowerCase());
    assertThat(typed.at("/domain/chainId").asLong()).isEqualTo(chain.chainId());
    assertThat(typed.at("/message/contributor").asText()).isEqualTo(c.key().getAddress());
    assertThat(typed.at("/message/campaignId").asLong()).isEqualTo(campaign);
    assertThat(typed.at("/message/itemId").asLong()).isEqualTo(task.get("itemId").asLong());
    assertThat(typed.at("/message/answer").asText()).isEmpty();
    assertThat(typed.at("/message/termsHash").asText()).isEqualTo(terms);
    assertThat(typed.at("/message/submittedAt").asLong()).isEqualTo(app.clock().instant().getEpochSecond());
  }

  @Test
  void refusesTasksWithoutConsent() {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 1, 0);
    Credentials key = chain.newAccount(0);
    Reply reply = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", app.signIn(key));
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.errorCode()).isEqualTo("CONSENT_REQUIRED");
  }

  @Test
  void revocationMadeDirectlyOnChainBlocksNewTasks() throws Exception {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 3, 0);
    Contributor c = consenting();
    itemOf(next(c, campaign));

    ConsentRegistry.load(app.deployment().consentRegistry(), chain.web3j(), chain.txManager(c.key()), chain.gas())
        .revoke(Hex.decode(terms)).send();

    // the service learns of it from the chain's events, as of the next indexing round (run here
    // rather than waited for: under load, the leases left could run out before the timer fires)
    app.index();
    Reply reply = next(c, campaign);
    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.errorCode()).as("after the revocation was indexed")
        .isEqualTo("CONSENT_REQUIRED");
  }

  @Test
  void neverHandsOutAnItemTheContributorHoldsOrAnswered() {
    long campaign = WorkFixtures.campaign(app, terms, 3, 0);
    WorkFixtures.items(app, campaign, 2, 0);
    Contributor c = consenting();
    long first = itemOf(next(c, campaign));
    long second = itemOf(next(c, campaign));
    assertThat(second).isNotEqualTo(first);
    assertNoTask(next(c, campaign));
  }

  @Test
  void overlapIsRespected() {
    long campaign = WorkFixtures.campaign(app, terms, 2, 0);
    WorkFixtures.items(app, campaign, 1, 0);
    long item = itemOf(next(consenting(), campaign));
    assertThat(itemOf(next(consenting(), campaign))).isEqualTo(item);
    assertNoTask(next(consenting(), campaign));
  }

  @Test
  void leaseExpiresAndItemGoesToSomeoneElse() {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 1, 0);
    Contributor a = consenting();
    Contributor b = consenting();
    long item = itemOf(next(a, campaign));
    assertNoTask(next(b, campaign));
    app.clock().advance(Duration.ofMinutes(11));
    try {
      assertThat(itemOf(next(b, campaign))).isEqualTo(item);
      assertNoTask(next(a, campaign));
    } finally {
      app.clock().advance(Duration.ofMinutes(-11));
    }
  }

  @Test
  void goldItemsAreMixedInAndExemptFromOverlap() {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0.5);
    WorkFixtures.items(app, campaign, 3, 3);
    Contributor a = consenting();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      Reply task = next(a, campaign);
      assertThat(task.status()).as(task.body()).isEqualTo(200);
      seen.add(task.json().at("/payload/text").asText());
    }
    assertThat(seen).hasSize(6).contains("gold 0", "gold 1", "gold 2");
    assertNoTask(next(a, campaign));
    // the regular items are full (overlap 1, leased by a); the gold ones are everyone's
    Contributor b = consenting();
    Set<String> seenByB = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      seenByB.add(next(b, campaign).json().at("/payload/text").asText());
    }
    assertThat(seenByB).containsExactlyInAnyOrder("gold 0", "gold 1", "gold 2");
  }

  @Test
  void goldItemsAreNeverServedAtGoldRateZero() {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 2, 2);
    Contributor c = consenting();
    assertThat(next(c, campaign).json().at("/payload/text").asText()).startsWith("item");
    assertThat(next(c, campaign).json().at("/payload/text").asText()).startsWith("item");
    assertNoTask(next(c, campaign));
  }

  @Test
  void concurrentRequestsNeverExceedOverlap() throws Exception {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 3, 0);
    List<Contributor> crowd = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      crowd.add(consenting());
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Reply>> replies = new ArrayList<>();
      for (Contributor c : crowd) {
        replies.add(pool.submit(() -> next(c, campaign)));
      }
      List<Long> items = new ArrayList<>();
      int none = 0;
      for (Future<Reply> f : replies) {
        Reply r = f.get();
        if (r.status() == 200) {
          items.add(r.json().get("itemId").asLong());
        } else {
          assertThat(r.errorCode()).isEqualTo("NO_TASK_AVAILABLE");
          none++;
        }
      }
      assertThat(items).doesNotHaveDuplicates().hasSize(3);
      assertThat(none).isEqualTo(5);
    } finally {
      pool.shutdownNow();
    }
  }

  /** answers, answers_wanted, whether closed, and available_at of an item. */
  private static String progress(long item) {
    return (String) WorkFixtures.queryValue(app, "select answers || '/' || answers_wanted || ' '"
        + " || case when closed_at is null then 'open' else 'closed' end from items where id = " + item);
  }

  @Test
  void itemClosesWhenItsAnswersReachAnswersWanted() {
    long campaign = WorkFixtures.campaign(app, terms, 2, 0);
    WorkFixtures.items(app, campaign, 1, 0);
    long item = WorkFixtures.answerNext(app, consenting(), campaign, "yes");
    assertThat(progress(item)).isEqualTo("1/2 open");
    assertThat(WorkFixtures.answerNext(app, consenting(), campaign, "no")).isEqualTo(item);
    assertThat(progress(item)).isEqualTo("2/2 closed");
    assertNoTask(next(consenting(), campaign));
  }

  @Test
  void raisingAnswersWantedReopensAClosedItem() {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 1, 0);
    Contributor first = consenting();
    long item = WorkFixtures.answerNext(app, first, campaign, "yes");
    assertThat(progress(item)).isEqualTo("1/1 closed");
    Contributor second = consenting();
    assertNoTask(next(second, campaign));

    // what dynamic overlap does when the item's label is still uncertain
    assertThat(WorkFixtures.execute(app, "update items set answers_wanted = 2 where id = " + item)).isEqualTo(1);
    assertThat(progress(item)).isEqualTo("1/2 open");
    assertNoTask(next(first, campaign));
    assertThat(WorkFixtures.answerNext(app, second, campaign, "no")).isEqualTo(item);
    assertThat(progress(item)).isEqualTo("2/2 closed");
    assertNoTask(next(consenting(), campaign));
  }

  @Test
  void expiredLeasesFreeTheSlotsOfAFullItem() {
    long campaign = WorkFixtures.campaign(app, terms, 2, 0);
    WorkFixtures.items(app, campaign, 1, 0);
    Contributor a = consenting();
    Contributor b = consenting();
    long item = itemOf(next(a, campaign));
    Reply leaseOfB = next(b, campaign);
    assertThat(itemOf(leaseOfB)).isEqualTo(item);
    assertThat(WorkFixtures.queryValue(app, "select available_at = (select min(expires_at) from leases where item_id = "
        + item + ") from items where id = " + item)).as("a full item waits for its first lease to expire")
        .isEqualTo(true);
    assertNoTask(next(consenting(), campaign));

    app.clock().advance(Duration.ofMinutes(11));
    try {
      Contributor c = consenting();
      Contributor d = consenting();
      assertThat(itemOf(next(c, campaign))).isEqualTo(item);
      assertThat(itemOf(next(d, campaign))).isEqualTo(item);
      assertNoTask(next(consenting(), campaign));
      assertThat(progress(item)).isEqualTo("0/2 open");
    } finally {
      app.clock().advance(Duration.ofMinutes(-11));
    }
  }

  @Test
  void leasingPassesOverClosedAndFullItems() {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0);
    WorkFixtures.items(app, campaign, 4, 0);
    long answered = WorkFixtures.answerNext(app, consenting(), campaign, "yes");
    long held = itemOf(next(consenting(), campaign));
    Contributor c = consenting();
    long third = itemOf(next(c, campaign));
    long fourth = itemOf(next(c, campaign));
    assertThat(List.of(answered, held, third, fourth)).doesNotHaveDuplicates();
    assertThat(progress(answered)).isEqualTo("1/1 closed");
    assertThat(progress(held)).isEqualTo("0/1 open");
    assertNoTask(next(consenting(), campaign));
  }

  @Test
  void goldItemsCountTheirAnswersButNeverClose() {
    long campaign = WorkFixtures.campaign(app, terms, 1, 0.5);
    WorkFixtures.items(app, campaign, 0, 1);
    long gold = WorkFixtures.answerNext(app, consenting(), campaign, "yes");
    assertThat(WorkFixtures.answerNext(app, consenting(), campaign, "yes")).isEqualTo(gold);
    assertThat(progress(gold)).isEqualTo("2/1 open");
  }

  @Test
  void unknownCampaignIs404() {
    Reply reply = next(consenting(), 999_999);
    assertThat(reply.errorCode()).isEqualTo("CAMPAIGN_NOT_FOUND");
  }
}
