package io.labelledger.campaign;

import static io.labelledger.testsupport.TestApp.OPERATOR_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestApp.Reply;
import io.labelledger.testsupport.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Enumeration;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ItemUploadIT {
  private static final String NDJSON = "application/x-ndjson";
  private static TestApp app;
  private static String terms;

  @BeforeAll
  static void start() {
    app = TestApp.start("ItemUploadIT", Map.of("LABELLEDGER_UPLOAD_BODY_LIMIT", "50000000"));
    terms = app.publishTerms("Upload terms");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static long newCampaign() {
    Reply created = app.postJson("/api/campaigns", CampaignIT.validCampaign(terms), OPERATOR_TOKEN);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asLong();
  }

  private static Reply upload(long campaign, String body) {
    return app.send("POST", "/api/campaigns/" + campaign + "/items", OPERATOR_TOKEN, NDJSON,
        BodyPublishers.ofString(body));
  }

  /** Lines generated as they are read, so the test holds no more of the body than the server should. */
  private static InputStream generatedItems(int count, int goldEvery) {
    Enumeration<InputStream> lines = new Enumeration<>() {
      int next;

      @Override
      public boolean hasMoreElements() {
        return next < count;
      }

      @Override
      public InputStream nextElement() {
        if (next >= count) {
          throw new NoSuchElementException();
        }
        int i = next++;
        String gold = i % goldEvery == 0 ? ",\"gold\":\"positive\"" : "";
        String line = "{\"id\":\"ext-" + i + "\",\"data\":{\"text\":\"item number " + i + "\",\"n\":" + i + "}"
            + gold + "}" + (next < count ? "\n" : "");
        return new java.io.ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8));
      }
    };
    return new SequenceInputStream(lines);
  }

  private static long countItems(long campaign) throws Exception {
    try (Connection c = TestDatabase.connect(app.database());
        PreparedStatement s = c.prepareStatement("select count(*) from items where campaign_id = ?")) {
      s.setLong(1, campaign);
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getLong(1);
      }
    }
  }

  @Test
  void uploadsHundredThousandItemsInOneStreamedRequest() throws Exception {
    long campaign = newCampaign();
    int count = 100_000;
    Reply reply = app.send("POST", "/api/campaigns/" + campaign + "/items", OPERATOR_TOKEN, NDJSON,
        BodyPublishers.ofInputStream(() -> generatedItems(count, 10)));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().get("inserted").asLong()).isEqualTo(count);
    assertThat(reply.json().get("duplicates").asLong()).isZero();
    assertThat(reply.json().get("rejectedCount").asLong()).isZero();
    assertThat(countItems(campaign)).isEqualTo(count);

    Reply read = app.get("/api/campaigns/" + campaign);
    assertThat(read.json().get("itemCount").asLong()).isEqualTo(count);
    assertThat(read.json().get("goldCount").asLong()).isEqualTo(count / 10);
  }

  @Test
  void uploadingTheSameItemsAgainStoresNothingNewAndCountsDuplicates() throws Exception {
    long campaign = newCampaign();
    String body = "{\"id\":\"a\",\"data\":{\"t\":1}}\n{\"id\":\"b\",\"data\":{\"t\":2}}\n";
    assertThat(upload(campaign, body).json().get("inserted").asLong()).isEqualTo(2);
    Reply again = upload(campaign, body + "{\"id\":\"c\",\"data\":{}}\n{\"id\":\"c\",\"data\":{}}");
    assertThat(again.json().get("inserted").asLong()).isEqualTo(1);
    assertThat(again.json().get("duplicates").asLong()).isEqualTo(3);
    assertThat(countItems(campaign)).isEqualTo(3);
    assertThat(app.get("/api/campaigns/" + campaign).json().get("itemCount").asLong()).isEqualTo(3);
  }

  @Test
  void lineThatIsNotJsonRejectsTheWholeUploadNamingTheLine() throws Exception {
    long campaign = newCampaign();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 2500; i++) {
      body.append(i == 2100 ? "{\"id\": \"broken\", " : "{\"id\":\"i" + i + "\",\"data\":{}}").append('\n');
    }
    Reply reply = upload(campaign, body.toString());
    assertThat(reply.status()).as(reply.body()).isEqualTo(400);
    assertThat(reply.errorCode()).isEqualTo("ITEM_LINE_MALFORMED");
    assertThat(reply.json().at("/error/details/line").asLong()).isEqualTo(2101);
    assertThat(countItems(campaign)).as("batches written before the bad line are rolled back").isZero();
    assertThat(app.get("/api/campaigns/" + campaign).json().get("itemCount").asLong()).isZero();
  }

  @Test
  void invalidItemsAreSkippedAndReportedByLine() throws Exception {
    long campaign = newCampaign();
    String body = String.join("\n",
        "{\"id\":\"ok-1\",\"data\":{\"t\":1},\"gold\":\"negative\"}",
        "{\"id\":\"bad-gold\",\"data\":{},\"gold\":\"not-a-label\"}",
        "",
        "{\"data\":{}}",
        "{\"id\":\"no-data\"}",
        "{\"id\":\"extra\",\"data\":{},\"colour\":\"red\"}",
        "{\"id\":\"ok-2\",\"data\":{\"t\":2}}");
    Reply reply = upload(campaign, body);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    assertThat(reply.json().get("inserted").asLong()).isEqualTo(2);
    assertThat(reply.json().get("rejectedCount").asLong()).isEqualTo(4);
    assertThat(reply.json().get("rejected").findValuesAsText("line")).containsExactly("2", "4", "5", "6");
    assertThat(countItems(campaign)).isEqualTo(2);
    assertThat(app.get("/api/campaigns/" + campaign).json().get("goldCount").asLong()).isEqualTo(1);
  }

  @Test
  void uploadNeedsNdjsonTheOperatorAndAnExistingCampaign() {
    long campaign = newCampaign();
    Reply wrongType = app.send("POST", "/api/campaigns/" + campaign + "/items", OPERATOR_TOKEN, "application/json",
        BodyPublishers.ofString("{}"));
    assertThat(wrongType.status()).isEqualTo(415);
    Reply anonymous = app.send("POST", "/api/campaigns/" + campaign + "/items", null, NDJSON,
        BodyPublishers.ofString("{}"));
    assertThat(anonymous.errorCode()).isEqualTo("OPERATOR_AUTH_REQUIRED");
    Reply missing = upload(987654, "{\"id\":\"a\",\"data\":{}}");
    assertThat(missing.errorCode()).isEqualTo("CAMPAIGN_NOT_FOUND");
    // the connection is still usable after a refused upload
    assertThat(app.get("/api/campaigns/" + campaign).status()).isEqualTo(200);
  }

  @Test
  void uploadOverTheSizeLimitGets413() throws IOException {
    long campaign = newCampaign();
    byte[] body = new byte[50_000_001];
    java.util.Arrays.fill(body, (byte) '\n');
    Reply reply = app.send("POST", "/api/campaigns/" + campaign + "/items", OPERATOR_TOKEN, NDJSON,
        BodyPublishers.ofByteArray(body));
    assertThat(reply.status()).isEqualTo(413);
    assertThat(reply.errorCode()).isEqualTo("BODY_TOO_LARGE");
  }
}
