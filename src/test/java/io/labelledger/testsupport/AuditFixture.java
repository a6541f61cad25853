package io.labelledger.testsupport;

import static io.labelledger.testsupport.MarketplaceFixture.call;

import io.labelledger.audit.AuditBundle;
import io.labelledger.audit.AuditBundleWriter;
import io.labelledger.chain.ContractDeployer;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.consent.ConsentMessages;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.market.SharesTree;
import io.labelledger.provenance.StandardMerkleTree;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * A whole marketplace deployed on the test chain and what an audit bundle is made of, built without
 * the service: terms registered and consent relayed on ConsentRegistry, contributions signed by
 * contributors' own keys (through web3j's generic EIP-712 encoder, as a wallet), batches anchored on
 * ProvenanceRegistry, datasets listed on DataMarketplace with their content and shares roots, bought
 * and claimed; then the bundle of a dataset, written with {@link AuditBundleWriter}.
 */
public final class AuditFixture {
  public static final BigInteger PRICE = MarketplaceFixture.ONE.multiply(BigInteger.valueOf(100));

  private final TestChain chain;
  private final Credentials admin;
  private final Deployment deployment;
  private final ConsentRegistry consent;
  private final ProvenanceRegistry provenance;
  private final DataMarketplace market;

  /** A contribution as signed; {@code answer} is known here but never leaves for a bundle. */
  public record Signed(String contributor, long campaignId, long itemId, String answer, byte[] termsHash,
      long submittedAt, byte[] signature) {
    public byte[] answerHash() {
      return AuditBundle.answerHash(answer);
    }
  }

  /** A signed contribution in an anchored (or not) batch with its proof. */
  public record Placed(Signed signed, long batchId, List<byte[]> proof) {}

  private AuditFixture(TestChain chain, Credentials admin, Deployment deployment) {
    this.chain = chain;
    this.admin = admin;
    this.deployment = deployment;
    var tx = chain.txManager(admin);
    this.consent = ConsentRegistry.load(deployment.consentRegistry(), chain.web3j(), tx, chain.gas());
    this.provenance = ProvenanceRegistry.load(deployment.provenanceRegistry(), chain.web3j(), tx, chain.gas());
    this.market = DataMarketplace.load(deployment.marketplace(), chain.web3j(), tx, chain.gas());
  }

  /** Deploys the four contracts with a fresh admin (terms admin, anchorer, curator, treasury), fee 5 %. */
  public static AuditFixture deploy(TestChain chain) {
    Credentials admin = chain.newAccount(100);
    Deployment d = call(() -> new ContractDeployer(chain.web3j(), chain.txManager(admin), chain.gas())
        .deployAll(admin, chain.chainId(), 500));
    return new AuditFixture(chain, admin, d);
  }

  public Deployment deployment() {
    return deployment;
  }

  public TestChain chain() {
    return chain;
  }

  public AuditBundle.Chain bundleChain() {
    return AuditBundle.Chain.of(deployment);
  }

  public byte[] registerTerms(String text) {
    byte[] hash = Eip712.keccak(text);
    call(() -> consent.registerTerms(hash, "https://labelledger.example/terms").send());
    return hash;
  }

  /** A fresh contributor key (no ether needed: everything it does is relayed). */
  public static Credentials newContributor() {
    return call(() -> Credentials.create(Keys.createEcKeyPair()));
  }

  /** Relays signed Consents of {@code who} to {@code terms}, valid for 30 days, in one batch. */
  public void grantConsent(List<Credentials> who, byte[] terms) {
    long now = chain.latestTimestamp();
    var domain = ConsentMessages.domain(chain.chainId(), deployment.consentRegistry());
    List<ConsentRegistry.ConsentGrant> grants = new ArrayList<>();
    List<byte[]> signatures = new ArrayList<>();
    for (Credentials c : who) {
      BigInteger nonce = call(() -> consent.nonceOf(c.getAddress(), terms).send());
      var signed = ConsentFixture.signGrant(domain, c, c.getAddress(), terms, now + 30 * 86_400L,
          nonce.longValueExact(), now + 3_600);
      grants.add(signed.grant());
      signatures.add(signed.signature());
    }
    TransactionReceipt receipt = call(() -> consent.grantBatchWithSig(grants, signatures).send());
    if (!ConsentRegistry.getConsentRelaySkippedEvents(receipt).isEmpty()) {
      throw new IllegalStateException("a consent was skipped: " + ConsentRegistry.getConsentRelaySkippedEvents(receipt));
    }
  }

  /** Relays a signed Revocation by {@code who}. */
  public void revokeConsent(Credentials who, byte[] terms) {
    var domain = ConsentMessages.domain(chain.chainId(), deployment.consentRegistry());
    BigInteger nonce = call(() -> consent.nonceOf(who.getAddress(), terms).send());
    var signed = ConsentFixture.signRevocation(domain, who, who.getAddress(), terms, nonce.longValueExact(),
        chain.latestTimestamp() + 3_600);
    call(() -> consent.revokeWithSig(signed.revocation(), signed.signature()).send());
  }

  /** A Contribution signed by {@code who} as a wallet signs typed data. */
  public Signed sign(Credentials who, long campaignId, long itemId, String answer, byte[] terms, long submittedAt) {
    String address = who.getAddress().toLowerCase();
    var typed = TypedDataSigner.contribution(deployment, address, campaignId, itemId, answer, Hex.encode(terms),
        submittedAt);
    byte[] signature = Numeric.hexStringToByteArray(TypedDataSigner.sign(typed, who));
    return new Signed(address, campaignId, itemId, answer, terms, submittedAt, signature);
  }

  /** The contribution's leaf, computed with the service's own message code. */
  public byte[] leaf(Signed s) {
    var message = new ContributionMessage(s.contributor(), BigInteger.valueOf(s.campaignId()),
        BigInteger.valueOf(s.itemId()), s.answer(), Hex.encode(s.termsHash()), s.submittedAt());
    return AuditBundle.leafOf(message.digest(ContributionMessage.domain(deployment.chainId(),
        deployment.provenanceRegistry())));
  }

  /** Anchors one batch of these contributions; returns them with the batch id and their proofs. */
  public List<Placed> anchor(List<Signed> batch) {
    List<byte[]> leaves = batch.stream().map(this::leaf).toList();
    StandardMerkleTree tree = StandardMerkleTree.of(leaves);
    TransactionReceipt receipt = call(() -> provenance.anchor(tree.root(), BigInteger.valueOf(batch.size())).send());
    long batchId = ProvenanceRegistry.getBatchAnchoredEvents(receipt).get(0).batchId.longValueExact();
    List<Placed> out = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      out.add(new Placed(batch.get(i), batchId, tree.proof(i)));
    }
    return out;
  }

  /** One share per contribution, in order of first appearance. */
  public static List<AuditBundle.Share> oneSharePerContribution(List<Placed> content) {
    Map<String, Long> counts = new LinkedHashMap<>();
    content.forEach(p -> counts.merge(p.signed().contributor(), 1L, Long::sum));
    List<AuditBundle.Share> shares = new ArrayList<>();
    counts.forEach((account, n) -> shares.add(new AuditBundle.Share(shares.size(), account, BigInteger.valueOf(n))));
    return shares;
  }

  /** Lists a dataset of {@code content} with {@code shares} (and their sum as total); returns its id. */
  public BigInteger list(List<Placed> content, List<AuditBundle.Share> shares, byte[] terms) {
    BigInteger total = shares.stream().map(AuditBundle.Share::shares).reduce(BigInteger.ZERO, BigInteger::add);
    return list(content, shares, total, terms);
  }

  public BigInteger list(List<Placed> content, List<AuditBundle.Share> shares, BigInteger totalShares, byte[] terms) {
    byte[] contentRoot = StandardMerkleTree.of(content.stream().map(p -> leaf(p.signed())).toList()).root();
    var params = new DataMarketplace.ListingParams(contentRoot, sharesTree(shares).root(), totalShares,
        deployment.paymentToken(), PRICE, terms, BigInteger.ZERO);
    TransactionReceipt receipt = call(() -> market.list(params).send());
    return DataMarketplace.getDatasetListedEvents(receipt).get(0).datasetId;
  }

  /** A fresh buyer with exactly the price buys the dataset. */
  public void buy(BigInteger datasetId) {
    Credentials buyer = chain.newAccount(1);
    TestToken token = TestToken.load(deployment.paymentToken(), chain.web3j(), chain.txManager(buyer), chain.gas());
    call(() -> TestToken.load(deployment.paymentToken(), chain.web3j(), chain.txManager(admin), chain.gas())
        .faucet(buyer.getAddress(), PRICE).send());
    call(() -> token.approve(deployment.marketplace(), PRICE).send());
    call(() -> DataMarketplace.load(deployment.marketplace(), chain.web3j(), chain.txManager(buyer), chain.gas())
        .purchase(datasetId, PRICE).send());
  }

  /** Claims the shares leaf at {@code index} for its account (sent by the admin on its behalf). */
  public BigInteger claim(BigInteger datasetId, List<AuditBundle.Share> shares, int index) {
    SharesTree tree = sharesTree(shares);
    AuditBundle.Share s = shares.get(index);
    call(() -> market.claim(datasetId, BigInteger.valueOf(s.index()), s.account(), s.shares(), tree.proof(index))
        .send());
    return call(() -> market.claimedOf(datasetId, BigInteger.valueOf(s.index())).send());
  }

  /** The shares tree of entries whose indexes are their positions (as SharesTree builds it). */
  public static SharesTree sharesTree(List<AuditBundle.Share> shares) {
    for (int i = 0; i < shares.size(); i++) {
      if (shares.get(i).index() != i) {
        throw new IllegalArgumentException("shares entry " + i + " has index " + shares.get(i).index());
      }
    }
    return SharesTree.of(shares.stream().map(s -> new SharesTree.Entry(s.account(), s.shares())).toList());
  }

  // ------------------------------------------------------------------ bundles

  public AuditBundle.Contribution toBundle(Placed p) {
    Signed s = p.signed();
    return new AuditBundle.Contribution("c-" + s.campaignId() + "-" + s.itemId() + "-" + s.contributor().substring(2, 8),
        s.contributor(), BigInteger.valueOf(s.campaignId()), BigInteger.valueOf(s.itemId()), s.answerHash(),
        s.termsHash(), s.submittedAt(), s.signature(), leaf(s), p.batchId(), p.proof());
  }

  /** The honest header of a listed dataset (read back from the chain). */
  public AuditBundle.Header header(BigInteger datasetId, long contributions) {
    DataMarketplace.DatasetInfo info = call(() -> market.dataset(datasetId).send());
    return new AuditBundle.Header(bundleChain(), new AuditBundle.Dataset(datasetId, info.contentRoot, info.sharesRoot,
        info.totalShares, info.termsHash, contributions), AuditBundle.SharesRule.ONE_SHARE_PER_CONTRIBUTION);
  }

  /** Writes a bundle file. */
  public static Path write(Path file, AuditBundle.Header header, List<AuditBundle.Contribution> contributions,
      List<AuditBundle.Share> shares) {
    try (OutputStream out = Files.newOutputStream(file); AuditBundleWriter w = AuditBundleWriter.to(out)) {
      w.begin(header);
      contributions.forEach(w::contribution);
      shares.forEach(w::share);
      w.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }
}
