package io.labelledger.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.chain.Eip712;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bundle's JSON as written, read back, and refused when it is not a version-1 bundle. */
class AuditBundleFormatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Random RANDOM = new Random(7);
  static final AuditBundle.Chain CHAIN = new AuditBundle.Chain(1337, "0x" + "11".repeat(20), "0x" + "22".repeat(20),
      "0x" + "33".repeat(20), "0x" + "44".repeat(20));

  static AuditBundle.Header header(long count) {
    return new AuditBundle.Header(CHAIN, new AuditBundle.Dataset(BigInteger.valueOf(3), bytes(32), bytes(32),
        BigInteger.valueOf(count), bytes(32), count), AuditBundle.SharesRule.ONE_SHARE_PER_CONTRIBUTION);
  }

  static AuditBundle.Contribution contribution(int i) {
    List<byte[]> proof = new ArrayList<>();
    for (int k = 0; k < i % 5; k++) {
      proof.add(bytes(32));
    }
    return new AuditBundle.Contribution(i % 2 == 0 ? "c" + i : null, "0x" + String.format("%040x", i + 1),
        BigInteger.valueOf(7), BigInteger.ONE.shiftLeft(200).add(BigInteger.valueOf(i)),
        AuditBundle.answerHash("label " + i), bytes(32), 1_700_000_000L + i, bytes(65), bytes(32), 1 + i / 3, proof);
  }

  static byte[] bytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  @Test
  void readsBackExactlyWhatWasWrittenInOnePass() throws IOException {
    AuditBundle.Header header = header(5);
    List<AuditBundle.Contribution> written = new ArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AuditBundleWriter w = AuditBundleWriter.to(out)) {
      w.begin(header);
      for (int i = 0; i < 5; i++) {
        written.add(contribution(i));
        w.contribution(written.get(i));
      }
      w.share(new AuditBundle.Share(0, "0x" + "ab".repeat(20), BigInteger.valueOf(5)));
      w.finish();
    }
    Collected read = read(out.toByteArray());
    assertThat(read.header.chain()).isEqualTo(header.chain());
    assertThat(read.header.dataset().contentRoot()).isEqualTo(header.dataset().contentRoot());
    assertThat(read.header.dataset().contributionCount()).isEqualTo(5);
    assertThat(read.header.sharesRule()).isEqualTo(header.sharesRule());
    assertThat(read.contributions).hasSize(5);
    for (int i = 0; i < 5; i++) {
      AuditBundle.Contribution a = written.get(i);
      AuditBundle.Contribution b = read.contributions.get(i);
      assertThat(b.id()).isEqualTo(a.id());
      assertThat(b.contributor()).isEqualTo(a.contributor());
      assertThat(b.itemId()).isEqualTo(a.itemId());
      assertThat(b.signature()).isEqualTo(a.signature());
      assertThat(b.leaf()).isEqualTo(a.leaf());
      assertThat(b.answerHash()).isEqualTo(a.answerHash());
      assertThat(b.submittedAt()).isEqualTo(a.submittedAt());
      assertThat(b.batchId()).isEqualTo(a.batchId());
      assertThat(b.proof()).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(a.proof());
    }
    assertThat(read.shares).singleElement().satisfies(s -> assertThat(s.shares()).isEqualTo(BigInteger.valueOf(5)));
    assertThat(read.malformed).isEmpty();
  }

  @Test
  void writesTheDocumentedMembersInTheDocumentedOrder() throws IOException {
    JsonNode doc = JSON.readTree(write(header(1), List.of(contribution(3))));
    List<String> names = new ArrayList<>();
    doc.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("format", "version", "chain", "dataset", "sharesRule", "contributions", "shares");
    assertThat(doc.get("version").asInt()).isEqualTo(1);
    JsonNode c = doc.get("contributions").get(0);
    assertThat(c.get("itemId").isTextual()).as("uint256 as a decimal string").isTrue();
    assertThat(c.get("signature").asText()).matches("0x[0-9a-f]{130}");
    assertThat(c.has("answer")).as("content-free").isFalse();
  }

  @Test
  void everyMemberWrittenIsDocumentedInTheSchema() throws IOException {
    JsonNode schema = JSON.readTree(new java.io.File("frontend-api/audit-bundle.schema.json"));
    JsonNode doc = JSON.readTree(write(header(1), List.of(contribution(2))));
    assertDocumented(doc, schema.get("properties"));
    assertDocumented(doc.get("chain"), schema.at("/properties/chain/properties"));
    assertDocumented(doc.get("dataset"), schema.at("/properties/dataset/properties"));
    assertDocumented(doc.get("contributions").get(0), schema.at("/$defs/contribution/properties"));
    assertDocumented(doc.get("shares").get(0), schema.at("/properties/shares/items/properties"));
    assertThat(schema.at("/properties/version/const").asInt()).isEqualTo(AuditBundle.VERSION);
  }

  private static void assertDocumented(JsonNode written, JsonNode documented) {
    for (Iterator<String> it = written.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      assertThat(documented.has(name)).as("member %s is in the schema", name).isTrue();
    }
  }

  @Test
  void aBufferedWriterHandsOverWhatItWroteInPieces() throws IOException {
    AuditBundleWriter w = AuditBundleWriter.buffered();
    ByteArrayOutputStream whole = new ByteArrayOutputStream();
    w.begin(header(300));
    for (int i = 0; i < 300; i++) {
      w.contribution(contribution(i));
      if (w.pendingBytes() > 4096) {
        whole.write(w.drain());
      }
    }
    w.share(new AuditBundle.Share(0, "0x" + "ab".repeat(20), BigInteger.ONE));
    w.finish();
    whole.write(w.drain());
    assertThat(w.pendingBytes()).isZero();
    assertThat(read(whole.toByteArray()).contributions).hasSize(300);
  }

  @Test
  void theWriterRefusesCallsOutOfOrderAndAWrongCount() {
    AuditBundleWriter early = AuditBundleWriter.buffered();
    assertThatThrownBy(() -> early.contribution(contribution(0))).isInstanceOf(IllegalStateException.class);
    AuditBundleWriter counted = AuditBundleWriter.buffered().begin(header(2));
    counted.contribution(contribution(0));
    assertThatThrownBy(counted::finish).isInstanceOf(IllegalStateException.class).hasMessageContaining("announced 2");
    AuditBundleWriter over = AuditBundleWriter.buffered().begin(header(1));
    over.contribution(contribution(0));
    assertThatThrownBy(() -> over.contribution(contribution(1))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> AuditBundleWriter.to(new ByteArrayOutputStream()).drain())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aMalformedContributionIsReportedAndReadingGoesOn() throws IOException {
    String good = write(header(3), List.of(contribution(0), contribution(1), contribution(2)));
    JsonNode doc = JSON.readTree(good);
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("contributions").get(0)).put("signature", "0x12");
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("contributions").get(1)).remove("leaf");
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.get("contributions").get(2)).putArray("proof").add(5);
    Collected read = read(JSON.writeValueAsBytes(doc));
    assertThat(read.malformed).containsExactly("0: signature must be 0x + 130 hex digits", "1: leaf is missing",
        "2: proof must be an array of bytes32");
    assertThat(read.contributions).isEmpty();
    assertThat(read.shares).hasSize(1);
  }

  @Test
  void refusesWhatIsNotAVersionOneBundle() {
    assertFormatError("[]", "must be a JSON object");
    assertFormatError("{\"format\":\"something-else\"}", "format is \"something-else\"");
    assertFormatError("{\"format\":\"labelledger-audit-bundle\",\"version\":2}", "version 2 is not supported");
    assertFormatError("{\"format\":\"labelledger-audit-bundle\",\"version\":1,\"contributions\":[]}",
        "must come before contributions");
    assertFormatError("{\"format\":\"labelledger-audit-bundle\",\"surprise\":1}", "unknown member \"surprise\"");
    assertFormatError("{\"format\":\"labelledger-audit-bundle\",\"version\":1,", "not valid JSON");
    String noShares = new String(writeBytes(header(0), List.of()), StandardCharsets.UTF_8)
        .replaceAll(",\"shares\":\\[.*\\]", "");
    assertFormatError(noShares, "lacks shares");
    String badHeader = new String(writeBytes(header(0), List.of()), StandardCharsets.UTF_8)
        .replace("\"chainId\":1337", "\"chainId\":-1");
    assertFormatError(badHeader, "chain: chainId must be positive");
  }

  @Test
  void answerHashIsWhatEip712HashesAStringTo() {
    assertThat(AuditBundle.answerHash("négatif")).isEqualTo(Eip712.keccak("négatif".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void readsBackAWeightedRuleAndDocumentsItsWeights() throws IOException {
    AuditBundle.Header one = header(1);
    AuditBundle.Header weighted = new AuditBundle.Header(one.chain(), one.dataset(),
        AuditBundle.SharesRule.weighted(java.util.Map.of(7L, 10L, 8L, 1L)));
    String json = write(weighted, List.of(contribution(2)));
    assertThat(json).contains("\"sharesRule\":{\"id\":\"weighted-by-campaign\"").contains("\"weights\":{\"7\":10,\"8\":1}");
    AuditBundle.SharesRule rule = read(json.getBytes(StandardCharsets.UTF_8)).header.sharesRule();
    assertThat(rule).isEqualTo(weighted.sharesRule());
    assertThat(rule.sharesOf(BigInteger.valueOf(7))).isEqualTo(10);
    assertThat(rule.sharesOf(BigInteger.valueOf(8))).isEqualTo(1);
    JsonNode schema = JSON.readTree(new java.io.File("frontend-api/audit-bundle.schema.json"));
    assertDocumented(JSON.readTree(json).get("sharesRule"), schema.at("/properties/sharesRule/properties"));
    // the one-share rule is written as before: no weights member
    assertThat(write(one, List.of(contribution(2)))).doesNotContain("weights");
  }

  @Test
  void refusesWeightsThatDoNotFitTheRule() {
    String ok = write(header(1), List.of(contribution(2)));
    String oneWithWeights = ok.replace("\"id\":\"one-share-per-contribution\",",
        "\"id\":\"one-share-per-contribution\",\"weights\":{\"7\":1},");
    assertFormatError(oneWithWeights, "weights belongs to the rule weighted-by-campaign");
    String weightedWithout = ok.replace("\"id\":\"one-share-per-contribution\"", "\"id\":\"weighted-by-campaign\"");
    assertFormatError(weightedWithout, "must name at least one campaign");
    String zero = weightedWithout.replace("\"description\":", "\"weights\":{\"7\":0},\"description\":");
    assertFormatError(zero, "must be from 1 to 1000000");
    String badId = weightedWithout.replace("\"description\":", "\"weights\":{\"07\":1},\"description\":");
    assertFormatError(badId, "not a decimal id");
  }

  private static void assertFormatError(String json, String message) {
    assertThatThrownBy(() -> read(json.getBytes(StandardCharsets.UTF_8))).isInstanceOf(BundleFormatException.class)
        .hasMessageContaining(message);
  }

  private static String write(AuditBundle.Header header, List<AuditBundle.Contribution> contributions) {
    return new String(writeBytes(header, contributions), StandardCharsets.UTF_8);
  }

  private static byte[] writeBytes(AuditBundle.Header header, List<AuditBundle.Contribution> contributions) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (AuditBundleWriter w = AuditBundleWriter.to(out)) {
      w.begin(header);
      contributions.forEach(w::contribution);
      w.share(new AuditBundle.Share(0, "0x" + "cd".repeat(20), BigInteger.TWO));
      w.finish();
    }
    return out.toByteArray();
  }

  private static final class Collected implements AuditBundleReader.Visitor {
    AuditBundle.Header header;
    final List<AuditBundle.Contribution> contributions = new ArrayList<>();
    final List<AuditBundle.Share> shares = new ArrayList<>();
    final List<String> malformed = new ArrayList<>();

    @Override
    public void header(AuditBundle.Header h) {
      header = h;
    }

    @Override
    public void contribution(long index, AuditBundle.Contribution c) {
      assertThat(index).isEqualTo(contributions.size() + malformed.size());
      contributions.add(c);
    }

    @Override
    public void malformedContribution(long index, String message) {
      malformed.add(index + ": " + message);
    }

    @Override
    public void share(long position, AuditBundle.Share share) {
      shares.add(share);
    }

    @Override
    public void malformedShare(long position, String message) {
      malformed.add("share " + position + ": " + message);
    }
  }

  private static Collected read(byte[] json) throws IOException {
    Collected c = new Collected();
    AuditBundleReader.read(new ByteArrayInputStream(json), c);
    return c;
  }
}
