package io.labelledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.testsupport.TestApp.Reply;
import java.math.BigInteger;
import java.net.http.HttpRequest.BodyPublishers;
import java.security.SignatureException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;

/** Campaigns of every answer type and their items, created through the API as an operator would. */
public final class TypedFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TypedFixtures() {}

  /**
   * Creates a campaign of {@code taskType} (overlap 1) on {@code terms}, with {@code labels} (null
   * for the types that have none) and the type's {@code settings}; returns its id.
   */
  public static long campaign(TestApp app, String terms, String taskType, List<String> labels,
      Map<String, Object> settings) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", "Typed " + taskType);
    body.put("instructions", "Answer as the item asks.");
    body.put("taskType", taskType);
    if (labels != null) {
      body.put("labels", labels);
    }
    body.put("settings", settings);
    body.put("overlap", 1);
    body.put("termsHash", terms);
    Reply reply = app.postJson("/api/campaigns", body, TestApp.OPERATOR_TOKEN);
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("id").asLong();
  }

  /** Uploads items, each {@code {"id", "data"}}: ids {@code prefix0, prefix1, ...} for {@code data} in order. */
  public static void items(TestApp app, long campaignId, String prefix, List<?> data) {
    StringBuilder lines = new StringBuilder();
    try {
      for (int i = 0; i < data.size(); i++) {
        lines.append(JSON.writeValueAsString(Map.of("id", prefix + i, "data", data.get(i)))).append('\n');
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    Reply reply = app.send("POST", "/api/campaigns/" + campaignId + "/items", TestApp.OPERATOR_TOKEN,
        "application/x-ndjson", BodyPublishers.ofString(lines.toString()));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
  }

  /**
   * Asks the operator's API for a campaign of {@code taskType} with {@code labels} and {@code settings}
   * (null: none given) and {@code overlap}; the reply as it came, refusals included.
   */
  public static Reply create(TestApp app, String terms, String taskType, List<String> labels,
      Map<String, Object> settings, int overlap) {
    return create(app, terms, taskType, labels, settings, overlap, Map.of());
  }

  /** As {@link #create(TestApp, String, String, List, Map, int)}, with more members of the request ({@code goldRate}...). */
  public static Reply create(TestApp app, String terms, String taskType, List<String> labels,
      Map<String, Object> settings, int overlap, Map<String, Object> more) {
    Map<String, Object> body = new HashMap<>(more);
    body.put("name", taskType + " campaign");
    body.put("instructions", "Answer as the item asks.");
    body.put("taskType", taskType);
    if (labels != null) {
      body.put("labels", labels);
    }
    if (settings != null) {
      body.put("settings", settings);
    }
    body.put("termsHash", terms);
    body.put("overlap", overlap);
    return app.postJson("/api/campaigns", body, TestApp.OPERATOR_TOKEN);
  }

  /** Uploads JSONL item lines as given; the reply as it came. */
  public static Reply upload(TestApp app, long campaignId, String lines) {
    return app.send("POST", "/api/campaigns/" + campaignId + "/items", TestApp.OPERATOR_TOKEN,
        "application/x-ndjson", BodyPublishers.ofString(lines));
  }

  /** The contributor's next task of the campaign; expects one. */
  public static JsonNode next(TestApp app, WorkFixtures.Contributor c, long campaignId) {
    Reply task = app.postJson("/api/campaigns/" + campaignId + "/tasks/next", "", c.token());
    assertThat(task.status()).as(task.body()).isEqualTo(200);
    return task.json();
  }

  /** Signs the task's typed data with {@code answer} as its answer and submits it; the reply as it came. */
  public static Reply submit(TestApp app, WorkFixtures.Contributor c, JsonNode task, String answer) {
    ObjectNode typed = task.get("typedData").deepCopy();
    ((ObjectNode) typed.get("message")).put("answer", answer);
    return app.postJson("/api/contributions", TypedDataSigner.signed(typed, c.key()), c.token());
  }

  /** How many contributions the campaign has stored. */
  public static long stored(TestApp app, long campaignId) {
    return ((Number) WorkFixtures.queryValue(app, "select count(*) from contributions where campaign_id = "
        + campaignId)).longValue();
  }

  /** A pairwise item's data: the prompt and candidates a and b (a with an id, b without). */
  public static Map<String, Object> pair(String prompt, String a, String b) {
    return Map.of("prompt", prompt, "a", Map.of("text", a, "id", "model-x"), "b", Map.of("text", b));
  }

  /** A contribution as stored, with what its signature covers. */
  public record StoredAnswer(long campaignId, long itemId, String answer, String termsHash, long submittedAt,
      byte[] signature, byte[] digest) {}

  /** The contributions {@code address} (lower case) has stored, in the order they were stored. */
  public static List<StoredAnswer> storedAnswers(TestApp app, String address) throws SQLException {
    List<StoredAnswer> out = new ArrayList<>();
    try (Connection c = TestDatabase.connect(app.database());
        PreparedStatement q = c.prepareStatement("select campaign_id, item_id, answer, terms_hash, submitted_at, "
            + "signature, digest from contributions where contributor = ? order by id")) {
      q.setString(1, address);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          out.add(new StoredAnswer(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5),
              rs.getBytes(6), rs.getBytes(7)));
        }
      }
    }
    return out;
  }

  /**
   * Each stored digest is the EIP-712 digest of the stored fields, and each stored signature
   * recovers over it, with web3j (not the service's native recovery), to {@code address}.
   */
  public static void assertSignedBy(TestApp app, String address, List<StoredAnswer> stored) {
    var domain = ContributionMessage.domain(app.config().chain().chainId(), app.deployment().provenanceRegistry());
    for (StoredAnswer s : stored) {
      byte[] digest = new ContributionMessage(address, BigInteger.valueOf(s.campaignId()),
          BigInteger.valueOf(s.itemId()), s.answer(), s.termsHash(), s.submittedAt()).digest(domain);
      assertThat(digest).as("stored digest").isEqualTo(s.digest());
      assertThat(signer(digest, s.signature())).as("signer of item %d", s.itemId()).isEqualTo(address);
    }
  }

  private static String signer(byte[] digest, byte[] signature) {
    byte v = signature[64] < 27 ? (byte) (signature[64] + 27) : signature[64];
    Sign.SignatureData data = new Sign.SignatureData(v, Arrays.copyOfRange(signature, 0, 32),
        Arrays.copyOfRange(signature, 32, 64));
    try {
      return "0x" + Keys.getAddress(Sign.signedMessageHashToKey(digest, data));
    } catch (SignatureException e) {
      throw new AssertionError("signature does not recover", e);
    }
  }
}
