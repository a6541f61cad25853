package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.audit.AuditBundle;
import io.labelledger.audit.AuditBundleReader;
import io.labelledger.audit.AuditCheck;
import io.labelledger.audit.AuditFailure;
import io.labelledger.audit.AuditReport;
import io.labelledger.audit.AuditVerifier;
import io.labelledger.chain.Hex;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.NodeScript;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedDataSigner;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/datasets/{id}/audit-bundle} on the real service, PostgreSQL and Ganache: a dataset
 * built from signed, relayed, anchored work, listed, bought and partly claimed; its served bundle
 * passes the real verifier ({@link AuditVerifier}, what {@code labelledger audit} runs) on every
 * check, a copy with one field changed fails by name, and the auditor's page in headless Chromium
 * ({@code node/browser-tests/auditor.js}) verifies the served bundle and names the tampering.
 */
@ExtendWith(ChainExtension.class)
class DatasetAuditIT {
  private static final BigInteger PRICE = new BigInteger("3000000000000000000");
  private static final Path SCREENSHOTS = ChainExtension.ProjectPaths.root().resolve("target/screenshots/auditor");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestChain chain;
  private static TestApp app;
  private static long campaign;
  private static long dataset;
  private static long chainDataset;
  private static final List<Contributor> contributors = new ArrayList<>();

  @TempDir
  Path dir;

  @BeforeAll
  static void start(TestChain testChain) throws Exception {
    chain = testChain;
    app = DatasetPrerequisites.startAnchoring("dataset_audit", Map.of(
        "LABELLEDGER_RELAY_INTERVAL_MS", "300",
        "LABELLEDGER_INDEX_INTERVAL_MS", "300",
        "LABELLEDGER_PURCHASE_INDEX_INTERVAL_MS", "300",
        "LABELLEDGER_ANCHOR_MAX_BATCH_SIZE", "3"), chain);
    DatasetPrerequisites.ensureSchema(app.database());
    String terms = app.publishTerms("You may sell my labels for model training; auditors may check it all.");
    campaign = WorkFixtures.campaign(app, terms, 3, 0.0);
    WorkFixtures.items(app, campaign, 4, 0);
    for (int i = 0; i < 3; i++) {
      Contributor c = WorkFixtures.consenting(app, chain, terms);
      contributors.add(c);
      answerAll(c, "yes");
    }
    DatasetPrerequisites.aggregateByMajority(app.database(), campaign);
    DatasetPrerequisites.anchorAll(app, campaign);
    dataset = DatasetPrerequisites.buildVersion(app, campaign, Map.of("price", PRICE.toString(), "name",
        "Audited reviews"));
    chainDataset = DatasetPrerequisites.list(app, dataset).get("chainDatasetId").asLong();

    // bought, and one contributor paid, so the payouts check has claims to add up
    DatasetPrerequisites.buyFromNewWallet(app, chain, dataset, PRICE);
    DatasetPrerequisites.claim(app, contributors.get(0).token());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void servesAListedDatasetsBundleThatTheVerifierPassesOnEveryCheck() throws IOException {
    Reply reply = app.get("/api/datasets/" + dataset + "/audit-bundle");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(reply.header("Content-Disposition"))
        .isEqualTo("attachment; filename=\"dataset-" + dataset + "-v1.audit.json\"");
    Path file = Files.writeString(dir.resolve("served.audit.json"), reply.body());

    JsonNode view = app.get("/api/datasets/" + dataset).json();
    Bundle read = read(file);
    AuditBundle.Header h = read.header();
    assertThat(h.chain().chainId()).isEqualTo(chain.chainId());
    assertThat(h.chain().provenanceRegistry()).isEqualToIgnoringCase(app.deployment().provenanceRegistry());
    assertThat(h.chain().consentRegistry()).isEqualToIgnoringCase(app.deployment().consentRegistry());
    assertThat(h.chain().marketplace()).isEqualToIgnoringCase(app.deployment().marketplace());
    assertThat(h.chain().paymentToken()).isEqualToIgnoringCase(app.deployment().paymentToken());
    assertThat(h.dataset().id()).isEqualTo(BigInteger.valueOf(chainDataset));
    assertThat(Hex.encode(h.dataset().contentRoot())).isEqualTo(view.get("contentRoot").asText());
    assertThat(Hex.encode(h.dataset().sharesRoot())).isEqualTo(view.get("sharesRoot").asText());
    assertThat(h.dataset().contributionCount()).isEqualTo(view.get("contributionCount").asLong());
    assertThat(h.sharesRule().id()).isEqualTo(AuditBundle.SharesRule.ONE_SHARE_PER_CONTRIBUTION_ID);
    assertThat(read.contributions()).hasSize((int) view.get("contributionCount").asLong());
    assertThat(read.shares()).hasSize(view.get("contributorCount").asInt());
    // every contribution of the version, once, in batch order (the writer's advice to be fast to verify)
    Set<Long> ids = new TreeSet<>();
    read.contributions().forEach(c -> ids.add(Long.parseLong(c.id())));
    assertThat(ids).containsExactlyElementsOf(contributionIds());
    List<Long> batches = read.contributions().stream().map(AuditBundle.Contribution::batchId).toList();
    assertThat(batches).isSorted();
    assertThat(batches.stream().distinct().count()).as("several anchor batches").isGreaterThan(1);
    // content-free: answers appear only as their keccak256
    assertThat(reply.body()).doesNotContain("\"answer\"").doesNotContain("\"yes\"");
    assertThat(read.contributions()).allSatisfy(c -> assertThat(c.answerHash())
        .isEqualTo(AuditBundle.answerHash("yes")));

    AuditReport report = new AuditVerifier(chain.rpcUrl(), new AuditVerifier.Options(2, 1_000, null)).verify(file);
    assertThat(report.failures()).as("failures of the served bundle").isEmpty();
    assertThat(report.ok()).isTrue();
    assertThat(report.stoppedEarly()).isFalse();
    assertThat(report.contributions()).isEqualTo(ids.size());
    assertThat(report.contributors()).isEqualTo(3);
    assertThat(report.accounts()).isEqualTo(3);
  }

  @Test
  void aServedBundleWithOneFieldChangedFailsTheVerifierByName() throws IOException {
    ObjectNode bundle = (ObjectNode) JSON.readTree(app.get("/api/datasets/" + dataset + "/audit-bundle").body());
    ObjectNode third = (ObjectNode) bundle.get("contributions").get(2);
    third.put("submittedAt", third.get("submittedAt").asLong() + 1);
    Path file = dir.resolve("tampered.audit.json");
    JSON.writeValue(file.toFile(), bundle);

    AuditReport report = new AuditVerifier(chain.rpcUrl(), new AuditVerifier.Options(2, 1_000, null)).verify(file);
    assertThat(report.ok()).isFalse();
    assertThat(failed(report, AuditCheck.SIGNATURE)).containsExactly(2L);
    assertThat(failed(report, AuditCheck.LEAF)).containsExactly(2L);
    assertThat(report.failures()).as("only the changed contribution, and the roots it is in")
        .allSatisfy(f -> assertThat(f.contribution() == null || f.contribution() == 2L).isTrue());
    assertThat(report.failureCounts()).containsKey(AuditCheck.CONTENT_ROOT);
  }

  @Test
  void anUnknownOrUnlistedDatasetIsA404AndABadIdA400() {
    Reply unknown = app.get("/api/datasets/987654/audit-bundle");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.errorCode()).isEqualTo("DATASET_NOT_FOUND");
    assertThat(unknown.header("Content-Type")).startsWith("application/json");

    Reply built = app.postJson("/api/campaigns/" + campaign + "/datasets",
        Map.of("price", PRICE.toString(), "name", "Not listed yet"), TestApp.OPERATOR_TOKEN);
    assertThat(built.status()).as(built.body()).isEqualTo(201);
    Reply unlisted = app.get("/api/datasets/" + built.json().get("id").asLong() + "/audit-bundle");
    assertThat(unlisted.status()).isEqualTo(404);
    assertThat(unlisted.errorCode()).isEqualTo("AUDIT_BUNDLE_NOT_FOUND");
    assertThat(unlisted.json().at("/error/message").asText()).contains("built");

    for (String bad : List.of("0", "-1", "abc", "1e3", "99999999999999999999")) {
      Reply refused = app.get("/api/datasets/" + bad + "/audit-bundle");
      assertThat(refused.status()).as(bad).isEqualTo(400);
      assertThat(refused.errorCode()).as(bad).isEqualTo("INVALID_PARAMETER");
    }
  }

  @Test
  void anAuditorVerifiesTheServedBundleInTheBrowserAndSeesTheTamperedFileFail() {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("baseUrl", app.baseUrl());
    request.put("datasetId", dataset);
    request.put("screenshots", SCREENSHOTS.toString());
    request.put("timeoutMs", 90_000);

    JsonNode result = NodeScript.run("browser-tests/auditor.js", request, Duration.ofMinutes(5));

    assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
    for (String kind : List.of("consoleErrors", "pageErrors", "cspViolations", "failedRequests")) {
      assertThat(result.at("/problems/" + kind)).as(kind).isEmpty();
    }
    assertThat(result.get("downloadHref").asText()).isEqualTo("/api/datasets/" + dataset + "/audit-bundle");
    JsonNode served = result.get("served");
    assertThat(served.get("ok").asText()).as(served.toString()).isEqualTo("true");
    assertThat(served.get("heading").asText()).isEqualTo("Every check passed");
    assertThat(served.get("checks")).hasSize(AuditCheck.values().length);
    served.get("checks").forEach(c -> assertThat(c.get("ok").asText()).as(c.get("id").asText()).isEqualTo("true"));

    JsonNode tampered = result.get("tampered");
    assertThat(tampered.get("ok").asText()).isEqualTo("false");
    List<String> failedChecks = new ArrayList<>();
    tampered.get("failures").forEach(f -> failedChecks.add(f.get("check").asText()));
    assertThat(failedChecks).contains("signature", "leaf", "inclusion", "content-root");
    assertThat(tampered.get("heading").asText()).contains("signature");
    String victim = "contribution " + tampered.get("contributionId").asText();
    tampered.get("failures").forEach(f -> {
      if (!f.get("check").asText().equals("content-root")) {
        assertThat(f.get("text").asText()).as(f.get("check").asText()).contains(victim);
      }
    });
    assertThat(result.get("screenshots")).hasSize(3);
    result.get("screenshots").forEach(s -> assertThat(s.get("overflowAt375").asInt()).isLessThanOrEqualTo(0));
  }

  // ------------------------------------------------------------------ helpers

  private static void answerAll(Contributor c, String answer) {
    while (true) {
      Reply task = app.postJson("/api/campaigns/" + campaign + "/tasks/next", "", c.token());
      if (task.status() == 404) {
        return;
      }
      assertThat(task.status()).as(task.body()).isEqualTo(200);
      ObjectNode typed = task.json().get("typedData").deepCopy();
      ((ObjectNode) typed.get("message")).put("answer", answer);
      assertThat(app.postJson("/api/contributions", TypedDataSigner.signed(typed, c.key()), c.token()).status())
          .isEqualTo(201);
    }
  }

  private static List<Long> contributionIds() {
    List<Long> out = new ArrayList<>();
    try (var c = io.labelledger.testsupport.TestDatabase.connect(app.database());
        var q = c.prepareStatement("select contribution_id from dataset_contributions where dataset_id = ?"
            + " order by contribution_id")) {
      q.setLong(1, dataset);
      try (var rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getLong(1));
        }
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private record Bundle(AuditBundle.Header header, List<AuditBundle.Contribution> contributions,
      List<AuditBundle.Share> shares) {}

  /** The bundle as {@link AuditBundleReader} reads it; any malformed part fails the test. */
  private static Bundle read(Path file) throws IOException {
    List<AuditBundle.Header> header = new ArrayList<>();
    List<AuditBundle.Contribution> contributions = new ArrayList<>();
    List<AuditBundle.Share> shares = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      AuditBundleReader.read(in, new AuditBundleReader.Visitor() {
        @Override
        public void header(AuditBundle.Header h) {
          header.add(h);
        }

        @Override
        public void contribution(long index, AuditBundle.Contribution c) {
          contributions.add(c);
        }

        @Override
        public void malformedContribution(long index, String message) {
          throw new AssertionError("contribution " + index + " is malformed: " + message);
        }

        @Override
        public void share(long position, AuditBundle.Share share) {
          shares.add(share);
        }

        @Override
        public void malformedShare(long position, String message) {
          throw new AssertionError("shares entry " + position + " is malformed: " + message);
        }
      });
    }
    assertThat(header).hasSize(1);
    return new Bundle(header.get(0), contributions, shares);
  }

  private static List<Long> failed(AuditReport report, AuditCheck check) {
    return report.failures().stream().filter(f -> f.check() == check).map(AuditFailure::contribution).toList();
  }
}
