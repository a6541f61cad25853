package io.labelledger.provenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The flat root equals StandardMerkleTree's, whatever the size, order, near-collisions and duplicates. */
class StandardMerkleRootTest {
  private final Random random = new Random(5);

  @Test
  void equalsTheTreeRootForEverySize() {
    for (int n : new int[] {1, 2, 3, 4, 5, 7, 8, 9, 31, 100, 1000, 4097, 40_000}) {
      List<byte[]> leaves = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        leaves.add(bytes());
      }
      assertThat(StandardMerkleRoot.of(leaves)).as("n = %d", n).isEqualTo(StandardMerkleTree.of(leaves).root());
    }
  }

  @Test
  void ordersLeavesThatShareTheirFirstBytes() {
    List<byte[]> leaves = new ArrayList<>();
    byte[] prefix = bytes();
    for (int i = 0; i < 300; i++) {
      byte[] leaf = bytes();
      System.arraycopy(prefix, 0, leaf, 0, 8 + (i % 20)); // equal high bits: sorted by the whole leaf
      leaves.add(leaf);
    }
    assertThat(StandardMerkleRoot.of(leaves)).isEqualTo(StandardMerkleTree.of(leaves).root());
  }

  @Test
  void reportsDuplicatesAndStillGivesTheConventionsRoot() {
    List<byte[]> leaves = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      leaves.add(bytes());
    }
    leaves.add(leaves.get(17).clone());
    LeafStore store = new LeafStore();
    store.ensureCapacity(leaves.size());
    for (int i = 0; i < leaves.size(); i++) {
      store.set(i, leaves.get(i));
    }
    List<long[]> duplicates = new ArrayList<>();
    byte[] root = StandardMerkleRoot.of(store, leaves.size(), (a, b) -> duplicates.add(new long[] {a, b}));
    assertThat(root).isEqualTo(StandardMerkleTree.of(leaves).root());
    assertThat(duplicates).hasSize(1);
    assertThat(List.of(duplicates.get(0)[0], duplicates.get(0)[1])).containsExactlyInAnyOrder(17L, 50L);
  }

  private byte[] bytes() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return b;
  }
}
