package io.labelledger.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.TestChain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * ProvenanceRegistry: anchoring batch roots (ids, records, events, refusals), inclusion proofs
 * built with our StandardMerkleTree over contribution digests, and digests that agree with ours.
 * Every test gets a registry of its own, so batch ids start at 1.
 */
@ExtendWith(ChainExtension.class)
class ProvenanceRegistryIT {
  private static final String TERMS = Hex.encode(Eip712.keccak("LabelLedger contributor terms v1"));
  private static TestChain chain;
  private static Credentials admin;
  private static Credentials anchorer;
  private final Random random = new Random(20_240_601);
  private ProvenanceRegistry registry;

  @BeforeAll
  static void accounts(TestChain testChain) {
    chain = testChain;
    admin = chain.newAccount(10);
    anchorer = chain.newAccount(10);
  }

  @BeforeEach
  void deploy() throws Exception {
    registry = ProvenanceRegistry.deploy(chain.web3j(), chain.txManager(admin), chain.gas(),
        admin.getAddress(), anchorer.getAddress()).send();
  }

  // ------------------------------------------------------------------ anchoring

  @Test
  void anchoringAssignsIncreasingBatchIdsAndRecordsEachBatch() throws Exception {
    List<byte[]> roots = List.of(randomBytes32(), randomBytes32(), randomBytes32());
    List<Long> leafCounts = List.of(5L, 1L, 1_000_000L);

    for (int i = 0; i < 3; i++) {
      long batchId = i + 1;
      TransactionReceipt receipt = asAnchorer().anchor(roots.get(i), BigInteger.valueOf(leafCounts.get(i))).send();
      long anchoredAt = blockTime(receipt);

      var event = ProvenanceRegistry.getBatchAnchoredEvents(receipt);
      assertThat(event).singleElement().satisfies(e -> {
        assertThat(e.batchId).isEqualTo(batchId);
        assertThat(hex(e.root)).isEqualTo(hex(roots.get(e.batchId.intValueExact() - 1)));
        assertThat(e.leafCount).isEqualTo(BigInteger.valueOf(leafCounts.get(e.batchId.intValueExact() - 1)));
        assertThat(e.anchoredAt).isEqualTo(anchoredAt);
      });
      var batch = registry.batch(BigInteger.valueOf(batchId)).send();
      assertThat(hex(batch.component1())).isEqualTo(hex(roots.get(i)));
      assertThat(batch.component2()).isEqualTo(BigInteger.valueOf(leafCounts.get(i)));
      assertThat(batch.component3()).isEqualTo(anchoredAt);
      assertThat(registry.batchOfRoot(roots.get(i)).send()).isEqualTo(batchId);
    }
    assertThat(registry.batchCount().send()).isEqualTo(3);
  }

  @Test
  void unknownBatchesAndRootsReadAsZero() throws Exception {
    asAnchorer().anchor(randomBytes32(), BigInteger.TEN).send();

    var batch = registry.batch(BigInteger.TWO).send();
    assertThat(hex(batch.component1())).isEqualTo(hex(new byte[32]));
    assertThat(batch.component2()).isZero();
    assertThat(batch.component3()).isZero();
    assertThat(registry.batchOfRoot(randomBytes32()).send()).isZero();
  }

  @Test
  void onlyAnchorersAnchor() throws Exception {
    byte[] role = registry.ANCHORER_ROLE().send();
    byte[] root = randomBytes32();

    var error = chain.expectRevert(admin.getAddress(), registry.getContractAddress(), anchorCall(root, 3),
        "AccessControlUnauthorizedAccount");
    assertThat(error.args()).containsExactly(admin.getAddress(), hex(role));

    registry.grantRole(role, admin.getAddress()).send();
    var receipt = registry.anchor(root, BigInteger.valueOf(3)).send();
    assertThat(ProvenanceRegistry.getBatchAnchoredEvents(receipt)).hasSize(1);
  }

  @Test
  void refusesTheZeroRoot() {
    var error = chain.expectRevert(anchorer.getAddress(), registry.getContractAddress(), anchorCall(new byte[32], 3),
        "ProvenanceRegistryZeroRoot");
    assertThat(error.args()).isEmpty();
  }

  @Test
  void refusesABatchOfNoLeaves() {
    var error = chain.expectRevert(anchorer.getAddress(), registry.getContractAddress(), anchorCall(randomBytes32(), 0),
        "ProvenanceRegistryZeroLeafCount");
    assertThat(error.args()).isEmpty();
  }

  @Test
  void refusesToAnchorARootTwice() throws Exception {
    byte[] root = randomBytes32();
    asAnchorer().anchor(randomBytes32(), BigInteger.ONE).send();
    asAnchorer().anchor(root, BigInteger.valueOf(4)).send();

    var error = chain.expectRevert(anchorer.getAddress(), registry.getContractAddress(), anchorCall(root, 9),
        "ProvenanceRegistryRootAlreadyAnchored");
    assertThat(error.args()).containsExactly(hex(root), BigInteger.TWO);
    assertThat(registry.batchCount().send()).isEqualTo(2);
  }

  // ------------------------------------------------------------------ inclusion

  @Test
  void everyContributionOfAnAnchoredBatchVerifiesWithItsProof() throws Exception {
    List<byte[]> digests = contributionDigests(7);
    StandardMerkleTree tree = StandardMerkleTree.of(digests.stream().map(ProvenanceRegistryIT::leafOf).toList());
    BigInteger batchId = anchor(tree);

    for (int i = 0; i < digests.size(); i++) {
      assertThat(registry.verifyInclusion(batchId, digests.get(i), tree.proof(i)).send())
          .as("contribution %d", i).isTrue();
    }
  }

  @Test
  void inclusionFailsForAWrongProofAnUnknownDigestAnotherBatchOrAnUnknownBatch() throws Exception {
    List<byte[]> digests = contributionDigests(6);
    StandardMerkleTree tree = StandardMerkleTree.of(digests.stream().map(ProvenanceRegistryIT::leafOf).toList());
    BigInteger batchId = anchor(tree);
    List<byte[]> otherDigests = contributionDigests(6);
    BigInteger otherBatch = anchor(
        StandardMerkleTree.of(otherDigests.stream().map(ProvenanceRegistryIT::leafOf).toList()));
    byte[] digest = digests.get(2);
    List<byte[]> proof = tree.proof(2);
    assertThat(registry.verifyInclusion(batchId, digest, proof).send()).isTrue();

    assertThat(registry.verifyInclusion(batchId, digest, tree.proof(3)).send()).as("another leaf's proof").isFalse();
    List<byte[]> tampered = new ArrayList<>(proof);
    tampered.set(0, randomBytes32());
    assertThat(registry.verifyInclusion(batchId, digest, tampered).send()).as("tampered proof").isFalse();
    assertThat(registry.verifyInclusion(batchId, digest, List.of()).send()).as("empty proof").isFalse();
    assertThat(registry.verifyInclusion(batchId, otherDigests.get(2), proof).send()).as("unknown digest").isFalse();
    assertThat(registry.verifyInclusion(otherBatch, digest, proof).send()).as("another batch").isFalse();
    assertThat(registry.verifyInclusion(BigInteger.valueOf(3), digest, proof).send()).as("unknown batch").isFalse();
    assertThat(registry.verifyInclusion(BigInteger.ZERO, digest, proof).send()).as("batch 0").isFalse();
  }

  @Test
  void aSingleContributionBatchVerifiesWithAnEmptyProof() throws Exception {
    byte[] digest = contributionDigests(1).get(0);
    StandardMerkleTree tree = StandardMerkleTree.of(List.of(leafOf(digest)));
    BigInteger batchId = anchor(tree);

    assertThat(tree.proof(0)).isEmpty();
    assertThat(registry.verifyInclusion(batchId, digest, List.of()).send()).isTrue();
  }

  @Test
  void onChainLeafOfEqualsOurStandardLeafHash() throws Exception {
    List<byte[]> digests = contributionDigests(4);
    StandardMerkleTree tree = StandardMerkleTree.of(digests.stream().map(ProvenanceRegistryIT::leafOf).toList());
    for (int i = 0; i < digests.size(); i++) {
      assertThat(hex(registry.leafOf(digests.get(i)).send())).isEqualTo(hex(tree.leaf(i)));
    }
  }

  // ------------------------------------------------------------------ digests and domain

  @Test
  void onChainContributionDigestEqualsOurs() throws Exception {
    var domain = ContributionMessage.domain(chain.chainId(), registry.getContractAddress());
    for (ContributionMessage message : List.of(
        new ContributionMessage(randomAddress(), BigInteger.ONE, BigInteger.valueOf(17), "cat", TERMS, 1_700_000_000L),
        new ContributionMessage(randomAddress(), BigInteger.valueOf(42), BigInteger.TWO.pow(255), "",
            TERMS, 0),
        new ContributionMessage(randomAddress(), BigInteger.TWO.pow(64), BigInteger.ZERO,
            "{\"labels\":[\"chat\",\"猫\"],\"note\":\"ünïcödé ✓\"}", Hex.encode(randomBytes32()), Long.MAX_VALUE))) {
      byte[] theirs = registry.contributionDigest(message.contributor(), message.campaignId(), message.itemId(),
          message.answerHash(), Hex.decode(message.termsHash()), BigInteger.valueOf(message.submittedAt())).send();
      assertThat(hex(theirs)).as("digest of %s", message).isEqualTo(hex(message.digest(domain)));
    }
    assertThat(hex(registry.CONTRIBUTION_TYPEHASH().send())).isEqualTo(hex(Eip712.keccak(ContributionMessage.TYPE)));
  }

  @Test
  void eip712DomainIsLabelLedgerProvenanceOnThisChainAndContract() throws Exception {
    var domain = registry.eip712Domain().send();
    assertThat(hex(domain.component1())).isEqualTo("0x0f"); // name, version, chainId, verifyingContract
    assertThat(domain.component2()).isEqualTo("LabelLedger Provenance").isEqualTo(ContributionMessage.DOMAIN_NAME);
    assertThat(domain.component3()).isEqualTo("1").isEqualTo(ContributionMessage.DOMAIN_VERSION);
    assertThat(domain.component4()).isEqualTo(chain.chainId());
    assertThat(domain.component5()).isEqualTo(registry.getContractAddress());
    assertThat(hex(domain.component6())).isEqualTo(hex(new byte[32]));
    assertThat(domain.component7()).isEmpty();
  }

  // ------------------------------------------------------------------ helpers

  private ProvenanceRegistry asAnchorer() {
    return ProvenanceRegistry.load(registry.getContractAddress(), chain.web3j(),
        chain.txManager(anchorer), chain.gas());
  }

  private BigInteger anchor(StandardMerkleTree tree) throws Exception {
    var receipt = asAnchorer().anchor(tree.root(), BigInteger.valueOf(tree.size())).send();
    return ProvenanceRegistry.getBatchAnchoredEvents(receipt).get(0).batchId;
  }

  /** EIP-712 digests of distinct contributions, signed for this registry's domain. */
  private List<byte[]> contributionDigests(int n) {
    var domain = ContributionMessage.domain(chain.chainId(), registry.getContractAddress());
    List<byte[]> digests = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      digests.add(new ContributionMessage(randomAddress(), BigInteger.valueOf(7), BigInteger.valueOf(random.nextInt(10_000)),
          random.nextBoolean() ? "cat" : "dog", TERMS, 1_700_000_000L + i).digest(domain));
    }
    return digests;
  }

  /** The StandardMerkleTree leaf of a ["bytes32"] value: the double keccak of its ABI encoding. */
  private static byte[] leafOf(byte[] digest) {
    return StandardMerkleTree.leafHash(Numeric.hexStringToByteArray(TypeEncoder.encode(new Bytes32(digest))));
  }

  private static Function anchorCall(byte[] root, long leafCount) {
    return new Function("anchor", List.of(new Bytes32(root), new Uint64(leafCount)), List.of());
  }

  private long blockTime(TransactionReceipt receipt) {
    try {
      return chain.web3j().ethGetBlockByHash(receipt.getBlockHash(), false).send().getBlock().getTimestamp()
          .longValueExact();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] randomBytes32() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return bytes;
  }

  private String randomAddress() {
    byte[] bytes = new byte[20];
    random.nextBytes(bytes);
    return Numeric.toHexString(bytes);
  }

  private static String hex(byte[] bytes) {
    return Numeric.toHexString(bytes);
  }
}
