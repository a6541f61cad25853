package io.labelledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.Hex;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.provenance.StandardMerkleTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The verifier's hot-path hashing gives the service's values, and its memoised proofs decide as MerkleProof does. */
class ContributionHasherTest {
  private final Random random = new Random(11);

  @Test
  void digestAndLeafAreTheServicesForAnyFields() {
    AuditBundle.Chain chain = AuditBundleFormatTest.CHAIN;
    ContributionHasher hasher = new ContributionHasher(chain.contributionDomain().separator());
    for (int i = 0; i < 200; i++) {
      byte[] address = bytes(20);
      String contributor = Hex.encode(address);
      BigInteger campaign = new BigInteger(1 + random.nextInt(255), random);
      BigInteger item = new BigInteger(1 + random.nextInt(255), random);
      String answer = "answer " + random.nextLong();
      String terms = Hex.encode(bytes(32));
      long submittedAt = random.nextLong() & Long.MAX_VALUE;
      var message = new ContributionMessage(contributor, campaign, item, answer, terms, submittedAt);
      var c = new AuditBundle.Contribution(null, contributor, campaign, item, AuditBundle.answerHash(answer),
          Hex.decode(terms), submittedAt, new byte[65], new byte[32], 1, List.of());
      byte[] digest = hasher.digest(c);
      assertThat(digest).isEqualTo(message.digest(chain.contributionDomain()));
      assertThat(hasher.leaf(digest)).isEqualTo(AuditBundle.leafOf(digest))
          .isEqualTo(StandardMerkleTree.leafHash(digest));
    }
  }

  @Test
  void memoisedProofVerificationAgreesWithMerkleProofOnGoodAndBadProofs() {
    ContributionHasher hasher = new ContributionHasher(new byte[32]);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      leaves.add(bytes(32));
    }
    StandardMerkleTree tree = StandardMerkleTree.of(leaves);
    StandardMerkleTree other = StandardMerkleTree.of(leaves.subList(0, 999));
    for (int i = 0; i < leaves.size(); i++) {
      assertThat(hasher.verify(tree.root(), leaves.get(i), tree.proof(i))).isTrue();
      assertThat(hasher.verify(other.root(), leaves.get(i), tree.proof(i))).isFalse();
      List<byte[]> broken = new ArrayList<>(tree.proof(i));
      broken.set(broken.size() - 1, bytes(32));
      assertThat(hasher.verify(tree.root(), leaves.get(i), broken)).isFalse();
      assertThat(hasher.verify(tree.root(), bytes(32), tree.proof(i))).isFalse();
    }
  }

  @Test
  void proofsStillDecideRightWhenTheMemoFillsAndIsEmptiedMidway() {
    ContributionHasher hasher = new ContributionHasher(new byte[32]);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 3 * ContributionHasher.MEMO_LIMIT; i++) { // each inner node is one distinct pair
      leaves.add(bytes(32));
    }
    StandardMerkleTree tree = StandardMerkleTree.of(leaves);
    for (int i = 0; i < leaves.size(); i++) {
      List<byte[]> proof = tree.proof(i);
      assertThat(hasher.verify(tree.root(), leaves.get(i), proof)).isTrue();
      if (i % 7 == 0) {
        List<byte[]> broken = new ArrayList<>(proof);
        byte[] node = broken.get(i % broken.size()).clone();
        node[31] ^= 1;
        broken.set(i % broken.size(), node);
        assertThat(hasher.verify(tree.root(), leaves.get(i), broken)).isFalse();
      }
    }
    assertThat(leaves.size() - 1).as("distinct pairs").isGreaterThan(2 * ContributionHasher.MEMO_LIMIT);
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}
