package io.labelledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.cli.LabelLedgerCli;
import io.labelledger.testsupport.AuditFixture;
import io.labelledger.testsupport.AuditFixture.Placed;
import io.labelledger.testsupport.AuditFixture.Signed;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestChain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;

/**
 * Real bundles of real datasets on a real chain (consent relayed, contributions signed by their
 * contributors' keys, batches anchored, datasets listed, bought and claimed), then tampered with one
 * way at a time: the verifier must name each failure by check and contribution (or account), and
 * pass the honest bundle. The CLI's exit codes and JSON are checked in-process through picocli.
 */
@ExtendWith(ChainExtension.class)
class AuditVerifierIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestChain chain;
  private static AuditFixture world;
  private static byte[] terms;
  /** The honest dataset: 7 contributions by A (3), B (2), C (2) in batches 1 and 2; bought; A claimed. */
  private static BigInteger good;
  private static List<Placed> goodContent;
  private static List<AuditBundle.Share> goodShares;
  private static BigInteger claimedByA;
  /** The honest dataset plus one contribution each of: D (never consented), E (revoked first), F (signed later). */
  private static BigInteger withNeverConsented;
  private static BigInteger withRevoked;
  private static BigInteger withSignedAfterAnchoring;
  private static List<Placed> neverConsentedContent;
  private static List<Placed> revokedContent;
  private static List<Placed> signedAfterAnchoringContent;
  /** The honest contributions listed with A's shares inflated by one in the on-chain tree. */
  private static BigInteger inflated;
  private static List<AuditBundle.Share> inflatedShares;
  /** The honest contributions listed with a total of shares above the tree's sum. */
  private static BigInteger badTotal;
  /** A's contribution that was signed and never anchored. */
  private static Signed neverAnchored;

  @TempDir
  Path dir;

  @BeforeAll
  static void buildWorld(TestChain testChain) {
    chain = testChain;
    world = AuditFixture.deploy(chain);
    terms = world.registerTerms("LabelLedger audit test terms");
    Credentials a = AuditFixture.newContributor();
    Credentials b = AuditFixture.newContributor();
    Credentials c = AuditFixture.newContributor();
    Credentials d = AuditFixture.newContributor();
    Credentials e = AuditFixture.newContributor();
    Credentials f = AuditFixture.newContributor();
    world.grantConsent(List.of(a, b, c, e, f), terms);

    long before = chain.latestTimestamp() - 60;
    List<Placed> batch1 = world.anchor(List.of(
        world.sign(a, 1, 1, "positive", terms, before), world.sign(b, 1, 1, "positive", terms, before),
        world.sign(c, 1, 2, "negative", terms, before), world.sign(a, 1, 2, "negative", terms, before)));
    List<Placed> batch2 = world.anchor(List.of(
        world.sign(b, 1, 3, "positive", terms, before), world.sign(c, 1, 3, "positive", terms, before),
        world.sign(a, 1, 4, "{\"label\":\"négatif\"}", terms, before), world.sign(d, 1, 4, "negative", terms, before)));
    Signed fromE = world.sign(e, 1, 5, "positive", terms, before);
    world.revokeConsent(e, terms);
    List<Placed> batch3 = world.anchor(List.of(fromE));
    List<Placed> batch4 = world.anchor(List.of(
        world.sign(f, 1, 6, "negative", terms, chain.latestTimestamp() + 3_600)));
    neverAnchored = world.sign(a, 1, 7, "positive", terms, before);

    goodContent = new ArrayList<>(batch1);
    goodContent.addAll(batch2.subList(0, 3));
    goodShares = AuditFixture.oneSharePerContribution(goodContent);
    good = world.list(goodContent, goodShares, terms);
    world.buy(good);
    claimedByA = world.claim(good, goodShares, 0);

    neverConsentedContent = plus(goodContent, batch2.get(3));
    withNeverConsented = world.list(neverConsentedContent, AuditFixture.oneSharePerContribution(neverConsentedContent),
        terms);
    revokedContent = plus(goodContent, batch3.get(0));
    withRevoked = world.list(revokedContent, AuditFixture.oneSharePerContribution(revokedContent), terms);
    signedAfterAnchoringContent = plus(goodContent, batch4.get(0));
    withSignedAfterAnchoring = world.list(signedAfterAnchoringContent,
        AuditFixture.oneSharePerContribution(signedAfterAnchoringContent), terms);

    inflatedShares = new ArrayList<>(goodShares);
    inflatedShares.set(0, new AuditBundle.Share(0, goodShares.get(0).account(),
        goodShares.get(0).shares().add(BigInteger.ONE)));
    inflated = world.list(goodContent, inflatedShares, terms);
    badTotal = world.list(goodContent, goodShares, BigInteger.valueOf(9), terms);
  }

  // ------------------------------------------------------------------ honest bundles

  @Test
  void passesTheHonestBundleOfABoughtAndClaimedDataset() throws IOException {
    assertThat(claimedByA).as("A really claimed something").isPositive();
    AuditReport report = verify(bundle(good, goodContent, goodShares));
    assertThat(report.failures()).isEmpty();
    assertThat(report.ok()).isTrue();
    assertThat(report.contributions()).isEqualTo(7);
    assertThat(report.contributors()).isEqualTo(3);
    assertThat(report.batches()).isEqualTo(2);
    assertThat(report.accounts()).isEqualTo(3);
    assertThat(report.stoppedEarly()).isFalse();
  }

  @Test
  void passesWhateverTheNumberOfThreadsAndWithContributionsInAnyOrder() throws IOException {
    List<Placed> shuffled = new ArrayList<>(goodContent);
    java.util.Collections.reverse(shuffled);
    Path file = AuditFixture.write(dir.resolve("reversed.json"), world.header(good, shuffled.size()),
        shuffled.stream().map(world::toBundle).toList(), goodShares);
    AuditReport report = new AuditVerifier(chain.rpcUrl(), new AuditVerifier.Options(1, 100, null)).verify(file);
    assertThat(report.failures()).isEmpty();
  }

  // ------------------------------------------------------------------ tampering with contributions

  @Test
  void namesAnAnswerHashThatWasChanged() throws IOException {
    assertThat(goodContent.get(2).signed().answer()).isEqualTo("negative");
    AuditReport report = verifyTampered(2, c -> withAnswerHash(c, AuditBundle.answerHash("positive")));
    assertThat(failed(report, AuditCheck.SIGNATURE)).containsExactly(2L);
    assertThat(failed(report, AuditCheck.LEAF)).containsExactly(2L);
    assertThat(failed(report, AuditCheck.INCLUSION)).containsExactly(2L);
    assertThat(report.failureCounts()).containsKey(AuditCheck.CONTENT_ROOT);
  }

  @Test
  void namesAContributorThatWasChanged() throws IOException {
    String other = goodContent.get(1).signed().contributor();
    AuditReport report = verifyTampered(0, c -> new AuditBundle.Contribution(c.id(), other, c.campaignId(),
        c.itemId(), c.answerHash(), c.termsHash(), c.submittedAt(), c.signature(), c.leaf(), c.batchId(), c.proof()));
    assertThat(failed(report, AuditCheck.SIGNATURE)).containsExactly(0L);
    // The contributor is a signed field: the digest changes, so the signature recovers to some third address.
    assertThat(message(report, AuditCheck.SIGNATURE, 0)).contains("not to the contributor");
  }

  @Test
  void namesSignaturesSwappedBetweenTwoContributions() throws IOException {
    List<AuditBundle.Contribution> bundle = honest(goodContent);
    AuditBundle.Contribution first = bundle.get(1);
    AuditBundle.Contribution second = bundle.get(5);
    bundle.set(1, withSignature(first, second.signature()));
    bundle.set(5, withSignature(second, first.signature()));
    AuditReport report = verify(write(good, bundle, goodShares));
    assertThat(failed(report, AuditCheck.SIGNATURE)).containsExactly(1L, 5L);
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.SIGNATURE);
  }

  @Test
  void namesASignatureWithItsRecoveryIdFlippedOrOutOfRangeOrItsHighSTwin() throws IOException {
    // Contribution 6's contributor signed an earlier one, so its key is known (cached) when 6 is
    // checked: a flipped v recovers another key, which must not pass for the known one.
    List<AuditBundle.Contribution> bundle = honest(goodContent);
    String who = bundle.get(6).contributor();
    assertThat(bundle.subList(0, 6)).anyMatch(c -> c.contributor().equals(who));
    byte[] flipped = bundle.get(6).signature().clone();
    flipped[64] = (byte) (27 + 28 - flipped[64]);
    bundle.set(6, withSignature(bundle.get(6), flipped));
    byte[] outOfRange = bundle.get(4).signature().clone();
    outOfRange[64] = 29;
    bundle.set(4, withSignature(bundle.get(4), outOfRange));
    // (r, n - s) with the other v is a valid signature of the same key: OpenZeppelin refuses it (high s).
    byte[] twin = bundle.get(3).signature().clone();
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(twin, 32, 64));
    System.arraycopy(org.web3j.utils.Numeric.toBytesPadded(org.web3j.crypto.Sign.CURVE_PARAMS.getN().subtract(s), 32),
        0, twin, 32, 32);
    twin[64] = (byte) (27 + 28 - twin[64]);
    bundle.set(3, withSignature(bundle.get(3), twin));
    for (int threads : new int[] {1, 2}) {
      AuditReport report = new AuditVerifier(chain.rpcUrl(), new AuditVerifier.Options(threads, 100, null))
          .verify(write(good, bundle, goodShares));
      assertThat(failed(report, AuditCheck.SIGNATURE)).containsExactly(3L, 4L, 6L);
      assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.SIGNATURE);
      assertThat(message(report, AuditCheck.SIGNATURE, 6)).contains("not to the contributor");
      assertThat(message(report, AuditCheck.SIGNATURE, 4)).contains("not a valid secp256k1 signature");
      assertThat(message(report, AuditCheck.SIGNATURE, 3)).contains("not a valid secp256k1 signature");
    }
  }

  @Test
  void namesAProofTakenFromAnotherBatch() throws IOException {
    List<byte[]> fromBatch2 = goodContent.get(5).proof();
    AuditReport report = verifyTampered(1, c -> withProof(c, c.batchId(), fromBatch2));
    assertThat(failed(report, AuditCheck.INCLUSION)).containsExactly(1L);
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.INCLUSION);
  }

  @Test
  void namesALeafThatWasNeverAnchored() throws IOException {
    List<AuditBundle.Contribution> bundle = honest(goodContent);
    bundle.add(world.toBundle(new Placed(neverAnchored, goodContent.get(0).batchId(), goodContent.get(0).proof())));
    bundle.add(world.toBundle(new Placed(neverAnchored, 999, List.of())));
    AuditReport report = verify(write(good, bundle, goodShares));
    assertThat(failed(report, AuditCheck.INCLUSION)).containsExactly(7L, 8L);
    assertThat(message(report, AuditCheck.INCLUSION, 8)).contains("batch 999 is not anchored");
  }

  @Test
  void namesAContributionAnchoredBeforeItWasSigned() throws IOException {
    AuditReport report = verify(bundle(withSignedAfterAnchoring, signedAfterAnchoringContent,
        AuditFixture.oneSharePerContribution(signedAfterAnchoringContent)));
    assertThat(failed(report, AuditCheck.ANCHORED_AFTER_SIGNING)).containsExactly(7L);
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.ANCHORED_AFTER_SIGNING);
  }

  @Test
  void namesAContributionWhoseConsentWasRevokedBeforeAnchoring() throws IOException {
    AuditReport report = verify(bundle(withRevoked, revokedContent,
        AuditFixture.oneSharePerContribution(revokedContent)));
    assertThat(failed(report, AuditCheck.CONSENT_AT_ANCHORING)).containsExactly(7L);
    assertThat(failed(report, AuditCheck.CONSENT_AT_LISTING)).containsExactly(7L);
    assertThat(message(report, AuditCheck.CONSENT_AT_ANCHORING, 7)).contains("revoked");
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.CONSENT_AT_ANCHORING,
        AuditCheck.CONSENT_AT_LISTING);
  }

  @Test
  void namesAContributionWhoseContributorNeverConsented() throws IOException {
    AuditReport report = verify(bundle(withNeverConsented, neverConsentedContent,
        AuditFixture.oneSharePerContribution(neverConsentedContent)));
    assertThat(failed(report, AuditCheck.CONSENT_AT_ANCHORING)).containsExactly(7L);
    assertThat(failed(report, AuditCheck.CONSENT_AT_LISTING)).containsExactly(7L);
    assertThat(message(report, AuditCheck.CONSENT_AT_ANCHORING, 7)).contains("never granted");
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.CONSENT_AT_ANCHORING,
        AuditCheck.CONSENT_AT_LISTING);
  }

  @Test
  void namesAContributionThatAppearsTwice() throws IOException {
    List<AuditBundle.Contribution> bundle = honest(goodContent);
    bundle.add(bundle.get(3));
    AuditReport report = verify(write(good, bundle, goodShares));
    assertThat(failed(report, AuditCheck.DUPLICATE)).containsExactly(7L);
  }

  @Test
  void namesAMalformedContributionAndGoesOn() throws IOException {
    Path file = bundle(good, goodContent, goodShares);
    String text = Files.readString(file);
    String signature = io.labelledger.chain.Hex.encode(goodContent.get(2).signed().signature());
    Files.writeString(file, text.replace(signature, "0xnot-a-signature"));
    AuditReport report = verify(file);
    assertThat(report.failures()).anySatisfy(f -> {
      assertThat(f.check()).isEqualTo(AuditCheck.MALFORMED);
      assertThat(f.contribution()).isEqualTo(2L);
      assertThat(f.message()).contains("signature");
    });
    assertThat(report.contributions()).isEqualTo(7);
  }

  // ------------------------------------------------------------------ tampering with the dataset

  @Test
  void namesOneAccountsSharesInflatedInTheBundle() throws IOException {
    List<AuditBundle.Share> shares = new ArrayList<>(goodShares);
    AuditBundle.Share a = shares.get(0);
    shares.set(0, new AuditBundle.Share(0, a.account(), a.shares().add(BigInteger.ONE)));
    AuditReport report = verify(write(good, honest(goodContent), shares));
    assertThat(report.failures()).anySatisfy(f -> {
      assertThat(f.check()).isEqualTo(AuditCheck.SHARES_RULE);
      assertThat(f.account()).isEqualTo(a.account());
    });
    assertThat(report.failureCounts()).containsKeys(AuditCheck.SHARES_ROOT, AuditCheck.TOTAL_SHARES);
  }

  @Test
  void namesOneAccountsSharesInflatedInTheListedTree() throws IOException {
    AuditReport report = verify(bundle(inflated, goodContent, inflatedShares));
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.SHARES_RULE);
    assertThat(report.failures()).singleElement().satisfies(f -> {
      assertThat(f.account()).isEqualTo(goodShares.get(0).account());
      assertThat(f.message()).contains("has 4 shares; one share per contribution gives 3");
    });
  }

  @Test
  void namesTotalSharesChangedInTheBundle() throws IOException {
    AuditBundle.Header h = world.header(good, goodContent.size());
    AuditBundle.Dataset d = h.dataset();
    AuditBundle.Header changed = new AuditBundle.Header(h.chain(), new AuditBundle.Dataset(d.id(), d.contentRoot(),
        d.sharesRoot(), d.totalShares().add(BigInteger.TEN), d.termsHash(), d.contributionCount()), h.sharesRule());
    AuditReport report = verify(AuditFixture.write(dir.resolve("total.json"), changed, honest(goodContent),
        goodShares));
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.TOTAL_SHARES);
    assertThat(report.failures()).singleElement().satisfies(f ->
        assertThat(f.message()).contains("the bundle states total shares 17; the chain lists 7"));
  }

  @Test
  void namesListedTotalSharesThatAreNotTheSumOfTheShares() throws IOException {
    AuditReport report = verify(bundle(badTotal, goodContent, goodShares));
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.TOTAL_SHARES);
    assertThat(report.failures()).singleElement().satisfies(f ->
        assertThat(f.message()).contains("sum to 7; the chain lists total shares 9"));
  }

  @Test
  void namesAContentRootThatIsNotReproduced() throws IOException {
    List<AuditBundle.Contribution> bundle = honest(goodContent);
    bundle.remove(6);
    AuditReport report = verify(write(good, bundle, goodShares));
    assertThat(report.failureCounts()).containsKey(AuditCheck.CONTENT_ROOT);
    assertThat(report.failures()).filteredOn(f -> f.check() == AuditCheck.CONTENT_ROOT).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("6 contributions have content root"));
  }

  @Test
  void namesAWrongChainIdAndStops() throws IOException {
    AuditBundle.Header h = world.header(good, goodContent.size());
    AuditBundle.Chain c = h.chain();
    var wrong = new AuditBundle.Header(new AuditBundle.Chain(c.chainId() + 1, c.consentRegistry(),
        c.provenanceRegistry(), c.marketplace(), c.paymentToken()), h.dataset(), h.sharesRule());
    AuditReport report = verify(AuditFixture.write(dir.resolve("chain.json"), wrong, honest(goodContent), goodShares));
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.CHAIN_ID);
    assertThat(report.stoppedEarly()).isTrue();
  }

  @Test
  void namesADatasetThatIsNotOnChain() throws IOException {
    AuditBundle.Header h = world.header(good, goodContent.size());
    AuditBundle.Dataset d = h.dataset();
    var missing = new AuditBundle.Header(h.chain(), new AuditBundle.Dataset(BigInteger.valueOf(999), d.contentRoot(),
        d.sharesRoot(), d.totalShares(), d.termsHash(), d.contributionCount()), h.sharesRule());
    AuditReport report = verify(AuditFixture.write(dir.resolve("missing.json"), missing, honest(goodContent),
        goodShares));
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.DATASET);
    assertThat(report.failures().get(0).message()).contains("dataset 999 is not listed");
  }

  @Test
  void namesARegistryThatIsNotLabelLedgers() throws IOException {
    AuditBundle.Header h = world.header(good, goodContent.size());
    AuditBundle.Chain c = h.chain();
    var foreign = new AuditBundle.Header(new AuditBundle.Chain(c.chainId(), c.consentRegistry(), c.marketplace(),
        c.marketplace(), c.paymentToken()), h.dataset(), h.sharesRule());
    AuditReport report = verify(AuditFixture.write(dir.resolve("foreign.json"), foreign, honest(goodContent),
        goodShares));
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.CONTRACTS);
    assertThat(report.stoppedEarly()).isTrue();
  }

  @Test
  void namesAMarketplaceAddressThatHoldsAnotherContract() throws IOException {
    // Another contract answers dataset(id) with a revert (or plausible words): only its code tells it apart.
    AuditBundle.Header h = world.header(good, goodContent.size());
    AuditBundle.Chain c = h.chain();
    var foreign = new AuditBundle.Header(new AuditBundle.Chain(c.chainId(), c.consentRegistry(),
        c.provenanceRegistry(), c.paymentToken(), c.paymentToken()), h.dataset(), h.sharesRule());
    AuditReport report = verify(AuditFixture.write(dir.resolve("foreign-market.json"), foreign, honest(goodContent),
        goodShares));
    assertThat(report.failureCounts()).containsOnlyKeys(AuditCheck.CONTRACTS);
    assertThat(report.failures()).singleElement().satisfies(f -> assertThat(f.message())
        .contains("the marketplace address " + c.paymentToken()).contains("not LabelLedger's DataMarketplace"));
    assertThat(report.stoppedEarly()).isTrue();
  }

  @Test
  void namesAnAccountThatClaimedMoreThanTheBundleSaysItIsOwed() throws IOException {
    List<AuditBundle.Share> shares = new ArrayList<>(goodShares);
    AuditBundle.Share a = shares.get(0);
    shares.set(0, new AuditBundle.Share(0, a.account(), BigInteger.ONE));
    AuditReport report = verify(write(good, honest(goodContent), shares));
    assertThat(report.failures()).anySatisfy(f -> {
      assertThat(f.check()).isEqualTo(AuditCheck.PAYOUTS);
      assertThat(f.account()).isEqualTo(a.account());
      assertThat(f.message()).contains("claimed " + claimedByA);
    });
  }

  @Test
  void namesPayoutsToLeavesTheBundleDoesNotList() throws IOException {
    List<AuditBundle.Share> withoutA = goodShares.subList(1, goodShares.size());
    AuditReport report = verify(write(good, honest(goodContent), withoutA));
    assertThat(report.failures()).anySatisfy(f -> {
      assertThat(f.check()).isEqualTo(AuditCheck.PAYOUTS);
      assertThat(f.message()).contains("leaves the bundle does not list");
    });
  }

  @Test
  void namesPayoutsWhenTheBundleListsNoSharesAtAll() throws IOException {
    AuditReport report = verify(write(good, honest(goodContent), List.of()));
    assertThat(report.failures()).anySatisfy(f -> {
      assertThat(f.check()).isEqualTo(AuditCheck.PAYOUTS);
      assertThat(f.message()).contains("claimed 0");
    });
    assertThat(report.failureCounts()).containsKeys(AuditCheck.SHARES_ROOT, AuditCheck.SHARES_RULE);
  }

  // ------------------------------------------------------------------ the CLI

  @Test
  void cliExitsZeroOnTheHonestBundle() {
    Cli run = cli("audit", "--rpc", chain.rpcUrl(), "--bundle", bundle(good, goodContent, goodShares).toString());
    assertThat(run.exit()).as(run.err()).isEqualTo(0);
    assertThat(run.out()).contains("result: OK").contains("checked: 7 contributions by 3 contributors in 2 batches");
  }

  @Test
  void cliExitsOneAndNamesEachFailureInJson() throws IOException {
    List<AuditBundle.Contribution> bundle = honest(goodContent);
    bundle.set(3, withAnswerHash(bundle.get(3), AuditBundle.answerHash("tampered")));
    Cli run = cli("audit", "--rpc", chain.rpcUrl(), "--bundle", write(good, bundle, goodShares).toString(), "--json");
    assertThat(run.exit()).isEqualTo(1);
    JsonNode report = JSON.readTree(run.out());
    assertThat(report.get("ok").asBoolean()).isFalse();
    assertThat(report.get("failureCounts").get("signature").asLong()).isEqualTo(1);
    assertThat(report.get("failures")).anySatisfy(f -> {
      assertThat(f.get("check").asText()).isEqualTo("signature");
      assertThat(f.get("contribution").asLong()).isEqualTo(3);
      assertThat(f.get("contributor").asText()).isEqualTo(goodContent.get(3).signed().contributor());
    });
    assertThat(report.at("/checked/contributions").asLong()).isEqualTo(7);
  }

  @Test
  void cliExitsOneInTextNamingContributionAndCheck() {
    List<AuditBundle.Contribution> bundle = honest(goodContent);
    bundle.set(5, withSignature(bundle.get(5), bundle.get(0).signature()));
    Cli run = cli("audit", "--rpc", chain.rpcUrl(), "--bundle", write(good, bundle, goodShares).toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("FAIL signature: contribution #5").contains("result: FAILED - 1 failures");
  }

  @Test
  void cliExitsTwoWhenTheRpcEndpointIsUnreachable() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Cli run = cli("audit", "--rpc", "http://127.0.0.1:" + closedPort, "--bundle",
        bundle(good, goodContent, goodShares).toString(), "--json");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("cannot be read");
    assertThat(JSON.readTree(run.out()).at("/error/code").asText()).isEqualTo("rpc-unreachable");
  }

  @Test
  void cliExitsTwoOnBadUsageAndUnreadableBundles() throws IOException {
    assertThat(cli("audit", "--rpc", chain.rpcUrl()).exit()).as("missing --bundle").isEqualTo(2);
    assertThat(cli("audit", "--rpc", chain.rpcUrl(), "--bundle", dir.resolve("absent.json").toString()).exit())
        .isEqualTo(2);
    Path notJson = Files.writeString(dir.resolve("bad.json"), "{\"format\": \"labelledger-audit-bundle\", ");
    Cli bad = cli("audit", "--rpc", chain.rpcUrl(), "--bundle", notJson.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("not a readable audit bundle");
    Path v2 = Files.writeString(dir.resolve("v2.json"), "{\"format\": \"labelledger-audit-bundle\", \"version\": 2}");
    assertThat(cli("audit", "--rpc", chain.rpcUrl(), "--bundle", v2.toString()).err()).contains("version 2");
  }

  // ------------------------------------------------------------------ helpers

  private AuditReport verify(Path bundle) throws IOException {
    return new AuditVerifier(chain.rpcUrl(), new AuditVerifier.Options(2, 1_000, null)).verify(bundle);
  }

  private AuditReport verifyTampered(int index, UnaryOperator<AuditBundle.Contribution> tamper) throws IOException {
    List<AuditBundle.Contribution> bundle = honest(goodContent);
    bundle.set(index, tamper.apply(bundle.get(index)));
    return verify(write(good, bundle, goodShares));
  }

  private Path bundle(BigInteger dataset, List<Placed> content, List<AuditBundle.Share> shares) {
    return write(dataset, honest(content), shares);
  }

  private Path write(BigInteger dataset, List<AuditBundle.Contribution> contributions, List<AuditBundle.Share> shares) {
    return AuditFixture.write(dir.resolve("bundle-" + System.nanoTime() + ".json"),
        world.header(dataset, contributions.size()), contributions, shares);
  }

  private static List<AuditBundle.Contribution> honest(List<Placed> content) {
    return new ArrayList<>(content.stream().map(world::toBundle).toList());
  }

  private static List<Long> failed(AuditReport report, AuditCheck check) {
    return report.failures().stream().filter(f -> f.check() == check).map(AuditFailure::contribution).toList();
  }

  private static String message(AuditReport report, AuditCheck check, long contribution) {
    return report.failures().stream().filter(f -> f.check() == check && f.contribution() == contribution)
        .map(AuditFailure::message).findFirst().orElseThrow();
  }

  private static List<Placed> plus(List<Placed> content, Placed extra) {
    return Stream.concat(content.stream(), Stream.of(extra)).toList();
  }

  private static AuditBundle.Contribution withAnswerHash(AuditBundle.Contribution c, byte[] answerHash) {
    return new AuditBundle.Contribution(c.id(), c.contributor(), c.campaignId(), c.itemId(), answerHash, c.termsHash(),
        c.submittedAt(), c.signature(), c.leaf(), c.batchId(), c.proof());
  }

  private static AuditBundle.Contribution withSignature(AuditBundle.Contribution c, byte[] signature) {
    return new AuditBundle.Contribution(c.id(), c.contributor(), c.campaignId(), c.itemId(), c.answerHash(),
        c.termsHash(), c.submittedAt(), signature, c.leaf(), c.batchId(), c.proof());
  }

  private static AuditBundle.Contribution withProof(AuditBundle.Contribution c, long batchId, List<byte[]> proof) {
    return new AuditBundle.Contribution(c.id(), c.contributor(), c.campaignId(), c.itemId(), c.answerHash(),
        c.termsHash(), c.submittedAt(), c.signature(), c.leaf(), batchId, proof);
  }

  private record Cli(int exit, String out, String err) {}

  private static Cli cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cmd = LabelLedgerCli.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args);
    return new Cli(exit, out.toString(), err.toString());
  }
}
