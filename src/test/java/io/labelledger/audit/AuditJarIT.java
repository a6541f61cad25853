package io.labelledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.testsupport.AuditFixture;
import io.labelledger.testsupport.AuditFixture.Placed;
import io.labelledger.testsupport.AuditJar;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestChain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * The verifier as an auditor gets it: {@code labelledger-audit.jar} copied alone into an empty
 * folder and run with {@code java -jar} in a process of its own (no Maven, no Node, no checkout
 * next to it) against a real chain holding a real dataset: consent relayed, contributions signed
 * by their contributors' keys, batches anchored, the dataset listed, bought and claimed.
 */
@ExtendWith(ChainExtension.class)
class AuditJarIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestChain chain;
  private static AuditFixture world;
  private static BigInteger dataset;
  private static List<Placed> content;
  private static List<AuditBundle.Share> shares;
  private static AuditJar jar;

  @TempDir
  Path dir;

  @BeforeAll
  static void buildWorldAndCopyTheJar(TestChain testChain, @TempDir Path emptyFolder) {
    jar = AuditJar.copiedAloneInto(emptyFolder);
    chain = testChain;
    world = AuditFixture.deploy(chain);
    byte[] terms = world.registerTerms("LabelLedger audit jar test terms");
    Credentials a = AuditFixture.newContributor();
    Credentials b = AuditFixture.newContributor();
    Credentials c = AuditFixture.newContributor();
    world.grantConsent(List.of(a, b, c), terms);
    long before = chain.latestTimestamp() - 60;
    content = new ArrayList<>(world.anchor(List.of(
        world.sign(a, 1, 1, "positive", terms, before), world.sign(b, 1, 1, "positive", terms, before),
        world.sign(c, 1, 2, "negative", terms, before))));
    content.addAll(world.anchor(List.of(
        world.sign(a, 1, 3, "{\"label\":\"négatif\"}", terms, before),
        world.sign(b, 1, 4, "negative", terms, before))));
    shares = AuditFixture.oneSharePerContribution(content);
    dataset = world.list(content, shares, terms);
    world.buy(dataset);
    assertThat(world.claim(dataset, shares, 0)).isPositive();
  }

  @Test
  void verifiesTheHonestBundle() {
    AuditJar.Run run = jar.run("--rpc", chain.rpcUrl(), "--bundle", bundle(honest()).toString());
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.out()).contains("checked: 5 contributions by 3 contributors in 2 batches")
        .contains("result: OK - all " + AuditCheck.values().length + " checks hold");
    assertThat(run.err()).as("no warning: native secp256k1 loads from the jar").isEmpty();
  }

  @Test
  void namesTheTamperedContribution() {
    List<AuditBundle.Contribution> bundle = honest();
    AuditBundle.Contribution original = bundle.get(2);
    bundle.set(2, new AuditBundle.Contribution(original.id(), original.contributor(), original.campaignId(),
        original.itemId(), AuditBundle.answerHash("positive"), original.termsHash(), original.submittedAt(),
        original.signature(), original.leaf(), original.batchId(), original.proof()));
    AuditJar.Run run = jar.run("--rpc", chain.rpcUrl(), "--bundle", bundle(bundle).toString());
    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    String named = "contribution #2 (id " + original.id() + ") by " + original.contributor();
    assertThat(run.out()).contains("FAIL signature: " + named, "FAIL leaf: " + named, "FAIL inclusion: " + named)
        .contains("result: FAILED");
  }

  @Test
  void namesAMarketplaceAddressHoldingAnotherContractAsAContractsFailure() throws IOException {
    String token = world.deployment().paymentToken(); // a contract, but not a marketplace
    JsonNode report = contractsFailure(token);
    assertThat(report.at("/failures/0/message").asText())
        .contains("the marketplace address " + token + " holds").contains("not LabelLedger's DataMarketplace");
  }

  @Test
  void namesAMarketplaceAddressWithoutCodeAsAContractsFailure() throws IOException {
    String nobody = AuditFixture.newContributor().getAddress().toLowerCase();
    JsonNode report = contractsFailure(nobody);
    assertThat(report.at("/failures/0/message").asText())
        .contains("the marketplace address " + nobody + " holds no contract");
  }

  @Test
  void readsFromTheSecondEndpointWhenTheFirstCannotBeReached() throws IOException {
    String dead = "http://127.0.0.1:" + closedPort();
    AuditJar.Run run = jar.run("--rpc", dead + "," + chain.rpcUrl(), "--bundle", bundle(honest()).toString());
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.out()).contains("result: OK");
    assertThat(run.err()).contains("reading from RPC endpoint " + chain.rpcUrl() + " now: " + dead + " cannot be read");
  }

  @Test
  void exitsTwoWhenNoEndpointCanBeRead() throws IOException {
    String first = "http://127.0.0.1:" + closedPort();
    String second = "http://127.0.0.1:" + closedPort();
    AuditJar.Run run = jar.run("--rpc", first, "--rpc", second, "--bundle", bundle(honest()).toString(), "--json");
    assertThat(run.exit()).as(run.output()).isEqualTo(2);
    assertThat(JSON.readTree(run.out()).at("/error/code").asText()).isEqualTo("rpc-unreachable");
    assertThat(run.err()).contains("none of the 2 RPC endpoints can be read: " + first + " cannot be read", second);
  }

  /**
   * Style rule 18: what an auditor downloads has no service dependencies. The jar holds the classes
   * reachable from the audit command; every class of ours in it must find every class it names in
   * the jar or the JDK (jdeps), so none reaches into the service's libraries, which are not there.
   */
  @Test
  void holdsTheVerifierAndNothingOfTheService() throws IOException {
    Set<String> entries = new TreeSet<>();
    try (ZipFile zip = new ZipFile(jar.jar().toFile())) {
      zip.stream().forEach(e -> entries.add(e.getName()));
    }
    assertThat(entries).contains("io/labelledger/cli/AuditCommand.class", "io/labelledger/audit/AuditVerifier.class",
        "contracts/DataMarketplace.runtime.json", "contracts/DataMarketplace.abi");
    for (String service : List.of("io/vertx/", "io/netty/", "org/postgresql/", "org/flywaydb/", "io/zonky/",
        "org/apache/parquet/", "org/hibernate/", "ch/qos/logback/", "software/amazon/", "io/labelledger/http/",
        "io/labelledger/db/", "labelledger/web/", "db/migration/")) {
      assertThat(entries).as("nothing under " + service).noneMatch(name -> name.startsWith(service));
    }
    assertThat(danglingReferencesOfOurs(jar.jar())).isEmpty();

    AuditJar.Run version = jar.run("--version");
    assertThat(version.exit()).as(version.output()).isZero();
    assertThat(version.out()).startsWith("labelledger-audit ").doesNotContain("not from a packaged jar");
  }

  // ------------------------------------------------------------------ helpers

  /** Runs the jar on the honest bundle re-pointed at {@code marketplace}: exit 1 with contracts failures only. */
  private JsonNode contractsFailure(String marketplace) throws IOException {
    AuditBundle.Header h = world.header(dataset, content.size());
    AuditBundle.Chain c = h.chain();
    var moved = new AuditBundle.Header(new AuditBundle.Chain(c.chainId(), c.consentRegistry(), c.provenanceRegistry(),
        marketplace, c.paymentToken()), h.dataset(), h.sharesRule());
    Path file = AuditFixture.write(dir.resolve("moved.json"), moved, honest(), shares);
    AuditJar.Run run = jar.run("--rpc", chain.rpcUrl(), "--bundle", file.toString(), "--json");
    assertThat(run.exit()).as(run.output()).isEqualTo(1);
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.get("failureCounts").get("contracts").asLong()).isEqualTo(1);
    assertThat(report.get("failures")).hasSize(1);
    assertThat(report.at("/failures/0/check").asText()).isEqualTo("contracts");
    return report;
  }

  /** "class -> class" for every class of ours in the jar that names a class found neither in the jar nor the JDK. */
  private static List<String> danglingReferencesOfOurs(Path jarFile) {
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new IllegalStateException("no jdeps"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    int exit = jdeps.run(print, print, "-verbose:class", "-filter:none", "-include", "io\\.labelledger\\..*",
        jarFile.toString());
    String report = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(report).isZero();
    Matcher m = Pattern.compile("^\\s+(io\\.labelledger\\.\\S+)\\s+->\\s+(\\S+)\\s+not found\\s*$", Pattern.MULTILINE)
        .matcher(report);
    List<String> dangling = new ArrayList<>();
    while (m.find()) {
      dangling.add(m.group(1) + " -> " + m.group(2));
    }
    return dangling;
  }

  private List<AuditBundle.Contribution> honest() {
    return new ArrayList<>(content.stream().map(world::toBundle).toList());
  }

  private Path bundle(List<AuditBundle.Contribution> contributions) {
    return AuditFixture.write(dir.resolve("bundle-" + System.nanoTime() + ".json"),
        world.header(dataset, contributions.size()), contributions, shares);
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
