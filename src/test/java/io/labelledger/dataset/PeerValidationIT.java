package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.audit.AuditBundle;
import io.labelledger.audit.AuditCheck;
import io.labelledger.audit.AuditFailure;
import io.labelledger.audit.AuditReport;
import io.labelledger.audit.AuditVerifier;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MediaSamples;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedFixtures;
import io.labelledger.testsupport.UploadFixtures;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer validation and weighted shares on the real service, PostgreSQL and Ganache: three uploads to a
 * collection campaign become items of its validation campaign; two validators (their own consent) vote
 * valid/valid on the first, invalid/invalid on the second, valid/invalid on the third. The first is
 * accepted, the second rejected, the third stays pending; the version holds the first with its two
 * validations, paid 10 and 1 share each as the campaign's {@code settings.shares} say; it is listed,
 * bought and claimed from, its audit bundle states the weighted rule and passes the verifier, and a
 * bundle with a weight changed fails it by name.
 */
@ExtendWith(ChainExtension.class)
class PeerValidationIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BigInteger PRICE = BigInteger.valueOf(1_000_003);
  private static TestChain chain;
  private static TestApp app;
  private static String terms;
  private static long campaign;
  private static long validation;
  private static final List<Contributor> uploaders = new ArrayList<>();
  private static final List<Long> uploads = new ArrayList<>();
  private static Contributor validatorA;
  private static Contributor validatorB;
  private static long dataset;

  @TempDir
  Path dir;

  @BeforeAll
  static void start(TestChain testChain) throws Exception {
    chain = testChain;
    // the aggregation worker runs only when the test says (app.aggregate), after the votes: the uploads'
    // items are then decided by it after their validations, and must keep the validations' statuses
    app = DatasetPrerequisites.startAnchoring("peer_validation", Map.of(
        "LABELLEDGER_QUALITY_INTERVAL_MS", "3600000",
        "LABELLEDGER_PURCHASE_INDEX_INTERVAL_MS", "300",
        "LABELLEDGER_ANCHOR_MAX_BATCH_SIZE", "4"), chain);
    terms = app.publishTerms("You may sell my recordings and my validations of others' recordings.");
    List<Contributor> crowd = WorkFixtures.consentingMany(app, chain, terms, 5);
    uploaders.addAll(crowd.subList(0, 3));
    validatorA = crowd.get(3);
    validatorB = crowd.get(4);
    campaign = TypedFixtures.campaign(app, terms, "upload", null, Map.of("mediaTypes", List.of("text/plain"),
        "shares", Map.of("upload", 10, "validation", 1)));
    JsonNode created = app.get("/api/campaigns/" + campaign).json();
    validation = created.get("validationCampaignId").asLong();
    List<Map<String, String>> prompts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      prompts.add(Map.of("text", "Write down sentence " + i + "."));
    }
    TypedFixtures.items(app, campaign, "prompt", prompts);
    for (int i = 0; i < 3; i++) {
      Contributor c = uploaders.get(i);
      JsonNode task = TypedFixtures.next(app, c, campaign);
      Reply uploaded = UploadFixtures.upload(app, c, campaign, task.get("itemId").asLong(), "text/plain",
          MediaSamples.text("Sentence " + i + ", as I wrote it.\n"));
      assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
      Reply signed = TypedFixtures.submit(app, c, task, uploaded.json().get("answer").asText());
      assertThat(signed.status()).as(signed.body()).isEqualTo(201);
      uploads.add(signed.json().get("id").asLong());
    }
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void validatesUploadsByTwoAgreeingVotesAndPaysAVersionByWeight() throws Exception {
    JsonNode v = app.get("/api/campaigns/" + validation).json();
    assertThat(v.get("taskType").asText()).isEqualTo("single_choice");
    assertThat(v.get("labels")).hasToString("[\"valid\",\"invalid\"]");
    assertThat(v.get("termsHash").asText()).isEqualTo(terms);
    assertThat(v.get("validatesCampaignId").asLong()).isEqualTo(campaign);
    assertThat(v.get("overlap").asInt()).isEqualTo(2);
    assertThat(v.get("maxOverlap").asInt()).isEqualTo(3);
    assertThat(v.get("itemCount").asLong()).as("one validation item per signed upload").isEqualTo(3);

    // each validator is served every upload, with the prompt and the file it answers
    Map<Long, String> votesA = Map.of(uploads.get(0), "valid", uploads.get(1), "invalid", uploads.get(2), "valid");
    Map<Long, String> votesB = Map.of(uploads.get(0), "valid", uploads.get(1), "invalid", uploads.get(2), "invalid");
    vote(validatorA, votesA);
    vote(validatorB, votesB);

    assertThat(status(uploads.get(0))).isEqualTo("accepted");
    assertThat(status(uploads.get(1))).isEqualTo("rejected");
    assertThat(status(uploads.get(2))).as("one vote each way decides nothing").isEqualTo("pending");
    app.aggregate();
    app.reestimate(campaign);
    assertThat(List.of(status(uploads.get(0)), status(uploads.get(1)), status(uploads.get(2))))
        .as("the aggregation worker keeps the validation's decision").containsExactly("accepted", "rejected", "pending");

    DatasetPrerequisites.anchorAll(app, campaign);
    DatasetPrerequisites.anchorAll(app, validation);
    dataset = DatasetPrerequisites.buildVersion(app, campaign, Map.of("price", PRICE.toString(), "name",
        "Validated sentences"));
    JsonNode view = app.get("/api/datasets/" + dataset).json();
    assertThat(view.get("itemCount").asLong()).as("only the upload decided valid").isEqualTo(1);
    assertThat(view.get("contributionCount").asLong()).as("the upload and its two validations").isEqualTo(3);
    assertThat(view.get("totalShares").asLong()).isEqualTo(12);
    Map<String, Long> shares = new HashMap<>();
    shares.put(uploaders.get(0).address().toLowerCase(), 10L);
    shares.put(validatorA.address().toLowerCase(), 1L);
    shares.put(validatorB.address().toLowerCase(), 1L);
    assertThat(sharesOf(dataset)).isEqualTo(shares);

    DatasetPrerequisites.list(app, dataset);
    DatasetPrerequisites.buyFromNewWallet(app, chain, dataset, PRICE);
    DatasetPrerequisites.claim(app, uploaders.get(0).token());

    Reply reply = app.get("/api/datasets/" + dataset + "/audit-bundle");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode rule = JSON.readTree(reply.body()).get("sharesRule");
    assertThat(rule.get("id").asText()).isEqualTo(AuditBundle.SharesRule.WEIGHTED_BY_CAMPAIGN_ID);
    assertThat(rule.get("weights")).hasToString("{\"" + campaign + "\":10,\"" + validation + "\":1}");
    Path file = Files.writeString(dir.resolve("weighted.audit.json"), reply.body());
    AuditReport report = verify(file);
    assertThat(report.failures()).as("failures of the served bundle").isEmpty();
    assertThat(report.ok()).isTrue();
    assertThat(report.contributions()).isEqualTo(3);
    assertThat(report.accounts()).isEqualTo(3);

    // a weight changed in the bundle: the listed shares no longer follow the stated rule
    ObjectNode tampered = (ObjectNode) JSON.readTree(reply.body());
    ((ObjectNode) tampered.get("sharesRule").get("weights")).put(Long.toString(campaign), 11);
    Path bad = dir.resolve("weight.audit.json");
    JSON.writeValue(bad.toFile(), tampered);
    AuditReport refused = verify(bad);
    assertThat(refused.ok()).isFalse();
    assertThat(refused.failures()).extracting(AuditFailure::check).containsOnly(AuditCheck.SHARES_RULE);
    assertThat(refused.failures()).extracting(AuditFailure::account)
        .containsExactly(uploaders.get(0).address().toLowerCase());

    // the weighted rule stated without the validation campaign's weight: its contributions are unpaid for
    ObjectNode dropped = (ObjectNode) JSON.readTree(reply.body());
    ((ObjectNode) dropped.get("sharesRule").get("weights")).remove(Long.toString(validation));
    Path missing = dir.resolve("missing-weight.audit.json");
    JSON.writeValue(missing.toFile(), dropped);
    AuditReport unpaid = verify(missing);
    assertThat(unpaid.ok()).isFalse();
    assertThat(unpaid.failures()).extracting(AuditFailure::check).containsOnly(AuditCheck.SHARES_RULE);
    assertThat(unpaid.failures()).anySatisfy(f -> assertThat(f.message()).contains("campaign " + validation));

    // nobody validates their own upload: with only the third upload's item open, its uploader gets no task
    WorkFixtures.execute(app, "update items set answers_wanted = 3 where validates_contribution = " + uploads.get(2));
    Reply own = app.postJson("/api/campaigns/" + validation + "/tasks/next", "", uploaders.get(2).token());
    assertThat(own.status()).as(own.body()).isEqualTo(404);
    assertThat(own.errorCode()).isEqualTo("NO_TASK_AVAILABLE");
    JsonNode other = TypedFixtures.next(app, uploaders.get(0), validation);
    assertThat(other.at("/payload/contribution").asLong()).isEqualTo(uploads.get(2));
  }

  private static void vote(Contributor validator, Map<Long, String> votes) {
    for (int i = 0; i < votes.size(); i++) {
      JsonNode task = TypedFixtures.next(app, validator, validation);
      JsonNode payload = task.get("payload");
      long upload = payload.get("contribution").asLong();
      assertThat(payload.get("uploadCampaign").asLong()).isEqualTo(campaign);
      assertThat(payload.at("/prompt/text").asText()).startsWith("Write down sentence");
      assertThat(payload.get("file").asText()).matches("0x[0-9a-f]{64}");
      assertThat(payload.get("mediaType").asText()).isEqualTo("text/plain");
      Reply signed = TypedFixtures.submit(app, validator, task, votes.get(upload));
      assertThat(signed.status()).as(signed.body()).isEqualTo(201);
    }
  }

  private static String status(long contribution) {
    return (String) WorkFixtures.queryValue(app, "select status from contributions where id = " + contribution);
  }

  private static Map<String, Long> sharesOf(long id) throws Exception {
    Map<String, Long> out = new HashMap<>();
    try (var c = io.labelledger.testsupport.TestDatabase.connect(app.database());
        var s = c.createStatement();
        var rs = s.executeQuery("select account, shares from dataset_shares where dataset_id = " + id)) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  private static AuditReport verify(Path file) throws IOException {
    return new AuditVerifier(chain.rpcUrl(), new AuditVerifier.Options(2, 1_000, null)).verify(file);
  }
}
