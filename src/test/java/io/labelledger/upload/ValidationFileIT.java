package io.labelledger.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MediaSamples;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TypedDataSigner;
import io.labelledger.testsupport.TypedFixtures;
import io.labelledger.testsupport.UploadFixtures;
import io.labelledger.testsupport.WorkFixtures;
import io.labelledger.testsupport.WorkFixtures.Contributor;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /api/campaigns/{id}/items/{itemId}/file} on the real service, PostgreSQL, Ganache and the
 * filesystem store ({@link S3ValidationFileIT} and {@link MinioValidationFileIT} run it on S3): the file of a validation item goes to the validator holding its lease and to
 * operators, to nobody else, never through another campaign's path, and never once erased.
 */
@ExtendWith(ChainExtension.class)
class ValidationFileIT {
  private static TestChain chain;
  private static TestApp app;
  private static String terms;
  /** The LABELLEDGER_BLOB_* settings of the store under test: none for the filesystem store. */
  static Map<String, String> storeEnv = Map.of();

  @BeforeAll
  static void start(TestChain testChain) {
    chain = testChain;
    Map<String, String> env = new HashMap<>(storeEnv);
    env.putAll(Map.of(
        "LABELLEDGER_RELAY_INTERVAL_MS", "3600000",
        "LABELLEDGER_INDEX_INTERVAL_MS", "3600000",
        "LABELLEDGER_BLOB_ERASURE_INTERVAL_MS", "3600000"));
    app = TestApp.start("validation_file" + storeEnv.size(), env, chain);
    terms = app.publishTerms("Validation file IT terms: my notes may be sold until I withdraw; then erase them.");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  @Test
  void servesAFileToItsValidatorsAndOperatorsOnlyAndNeverOnceErased() throws Exception {
    List<Contributor> crowd = WorkFixtures.consentingMany(app, chain, terms, 4);
    Contributor validator = crowd.get(2);
    Contributor other = crowd.get(3);
    long campaign = TypedFixtures.campaign(app, terms, "upload", null, Map.of("mediaTypes", List.of("text/plain")));
    long validation = app.get("/api/campaigns/" + campaign).json().get("validationCampaignId").asLong();
    TypedFixtures.items(app, campaign, "prompt", List.of(Map.of("text", "Write a sentence."),
        Map.of("text", "Write another sentence.")));
    Map<Long, Contributor> uploaderOf = new HashMap<>();
    Map<Long, byte[]> bytesOf = new HashMap<>();
    long uploadItem = 0;
    for (int i = 0; i < 2; i++) {
      Contributor c = crowd.get(i);
      JsonNode task = TypedFixtures.next(app, c, campaign);
      uploadItem = task.get("itemId").asLong();
      byte[] bytes = MediaSamples.text("Sentence " + i + " as written by its author.\n");
      Reply uploaded = UploadFixtures.upload(app, c, campaign, uploadItem, "text/plain", bytes);
      assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(201);
      Reply signed = TypedFixtures.submit(app, c, task, uploaded.json().get("answer").asText());
      assertThat(signed.status()).as(signed.body()).isEqualTo(201);
      uploaderOf.put(signed.json().get("id").asLong(), c);
      bytesOf.put(signed.json().get("id").asLong(), bytes);
    }

    JsonNode task = TypedFixtures.next(app, validator, validation);
    long item = task.get("itemId").asLong();
    long contribution = task.at("/payload/contribution").asLong();
    String path = "/api/campaigns/" + validation + "/items/" + item + "/file";

    // the validator holding the lease gets the bytes, as the signed answer says they are
    Reply mine = app.get(path, validator.token());
    assertThat(mine.status()).as(mine.body()).isEqualTo(200);
    assertThat(mine.header("Content-Type")).isEqualTo("text/plain");
    assertThat(mine.header("Cache-Control")).contains("no-store");
    assertThat(mine.header("Content-Security-Policy")).contains("sandbox");
    assertThat(mine.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(bytesOf.get(contribution));
    assertThat(UploadFixtures.keccak(mine.body().getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(task.at("/payload/file").asText());
    // and so does an operator
    assertThat(app.get(path, TestApp.OPERATOR_TOKEN).status()).isEqualTo(200);

    // nobody else: no session, another contributor without the lease, the uploader themselves
    assertThat(app.get(path, null).status()).isEqualTo(401);
    refused(app.get(path, other.token()), 403, "FILE_NOT_YOURS");
    refused(app.get(path, uploaderOf.get(contribution).token()), 403, "FILE_NOT_YOURS");
    // no other path reaches it: the item under another campaign, an upload item, an unknown item
    refused(app.get("/api/campaigns/" + campaign + "/items/" + item + "/file", validator.token()), 404,
        "ITEM_NOT_FOUND");
    refused(app.get("/api/campaigns/" + campaign + "/items/" + uploadItem + "/file", TestApp.OPERATOR_TOKEN), 404,
        "ITEM_NOT_FOUND");
    refused(app.get("/api/campaigns/" + validation + "/items/987654/file", TestApp.OPERATOR_TOKEN), 404,
        "ITEM_NOT_FOUND");
    refused(app.get("/api/campaigns/" + validation + "/items/x/file", TestApp.OPERATOR_TOKEN), 400,
        "INVALID_PARAMETER");

    // a lease that ran out gives nothing
    // (the service's clock is the test's: the lease is moved against it)
    long now = app.clock().instant().getEpochSecond();
    WorkFixtures.execute(app, "update leases set expires_at = to_timestamp(" + (now - 1) + ") where item_id = " + item);
    refused(app.get(path, validator.token()), 403, "FILE_NOT_YOURS");
    WorkFixtures.execute(app, "update leases set expires_at = to_timestamp(" + (now + 600) + ") where item_id = " + item);
    assertThat(app.get(path, validator.token()).status()).isEqualTo(200);

    // the uploader withdraws: once erased, the file is gone for everyone, the operator too
    Contributor author = uploaderOf.get(contribution);
    Reply revoked = app.postJson("/api/revocations", TypedDataSigner.signed(TypedDataSigner.revocation(
        app.deployment(), author.address(), terms, WorkFixtures.nonceOf(app, chain, author.address(), terms),
        System.currentTimeMillis() / 1000 + 3600), author.key()), author.token());
    assertThat(revoked.status()).as(revoked.body()).isEqualTo(202);
    app.relayAndIndex();
    assertThat(app.eraseWithdrawn().contributionsErased()).isEqualTo(1);
    refused(app.get(path, validator.token()), 410, "FILE_ERASED");
    refused(app.get(path, TestApp.OPERATOR_TOKEN), 410, "FILE_ERASED");
  }

  private static void refused(Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.header("Content-Type")).startsWith("application/json");
    assertThat(reply.errorCode()).isEqualTo(code);
  }
}
