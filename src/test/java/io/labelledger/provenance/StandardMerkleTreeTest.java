package io.labelledger.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StandardMerkleTreeTest {

  @Test
  void singleLeafIsItsOwnRootWithAnEmptyProof() {
    byte[] leaf = StandardMerkleTree.leafHash(new byte[32]);
    StandardMerkleTree tree = StandardMerkleTree.of(List.of(leaf));
    assertThat(tree.root()).isEqualTo(leaf);
    assertThat(tree.proof(0)).isEmpty();
  }

  @Test
  void everyProofVerifiesAndATamperedLeafDoesNot() {
    Random random = new Random(7);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      byte[] leaf = new byte[32];
      random.nextBytes(leaf);
      leaves.add(leaf);
    }
    StandardMerkleTree tree = StandardMerkleTree.of(leaves);
    for (int i = 0; i < leaves.size(); i++) {
      assertThat(tree.leaf(i)).isEqualTo(leaves.get(i));
      assertThat(StandardMerkleTree.verify(tree.root(), leaves.get(i), tree.proof(i))).isTrue();
      assertThat(tree.proof(i).size()).isBetween(9, 10);
    }
    byte[] tampered = leaves.get(3).clone();
    tampered[0] ^= 1;
    assertThat(StandardMerkleTree.verify(tree.root(), tampered, tree.proof(3))).isFalse();
    assertThat(StandardMerkleTree.verify(tree.root(), leaves.get(3), tree.proof(4))).isFalse();
  }

  @Test
  void refusesEmptyTreesAndShortLeaves() {
    assertThatThrownBy(() -> StandardMerkleTree.of(List.of())).hasMessageContaining("at least one leaf");
    assertThatThrownBy(() -> StandardMerkleTree.of(List.of(new byte[31]))).hasMessageContaining("not 32 bytes");
  }

  @Test
  void ranksLeavesAsAComparatorSortOfTheirUnsignedBytesWould() {
    Random random = new Random(11);
    byte[] shared = new byte[32];
    random.nextBytes(shared);
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      byte[] leaf = new byte[32];
      random.nextBytes(leaf);
      if (i % 3 == 0) { // many leaves share their first 1..30 bytes (negative ones too: 0x80 and up)
        System.arraycopy(shared, 0, leaf, 0, 1 + i % 30);
      }
      leaves.add(leaf);
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < leaves.size(); i++) {
      expected.add(i);
    }
    expected.sort((a, b) -> java.util.Arrays.compareUnsigned(leaves.get(a), leaves.get(b)));

    StandardMerkleTree tree = StandardMerkleTree.of(leaves);
    for (int rank = 0; rank < expected.size(); rank++) {
      assertThat(tree.leafIndex(expected.get(rank))).as("rank of leaf %d", expected.get(rank)).isEqualTo(rank);
    }
  }
}
