package io.labelledger.provenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Proofs served from the stored node array are the tree's own proofs, for every leaf of every size. */
class StandardMerkleTreeStorageTest {
  @Test
  void proofsReadFromTheStoredNodesEqualTheTreesProofs() {
    Random random = new Random(7);
    for (int n = 1; n <= 70; n++) {
      List<byte[]> leaves = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] digest = new byte[32];
        random.nextBytes(digest);
        leaves.add(StandardMerkleTree.leafHash(digest));
      }
      StandardMerkleTree tree = StandardMerkleTree.of(leaves);
      byte[] stored = tree.encodedNodes();
      assertThat(stored).hasSize(32 * (2 * n - 1));
      assertThat(Arrays.copyOfRange(stored, 0, 32)).isEqualTo(tree.root());
      boolean[] ranks = new boolean[n];
      for (int i = 0; i < n; i++) {
        int rank = tree.leafIndex(i);
        ranks[rank] = true;
        int leafAt = StandardMerkleTree.treePosition(n, rank);
        assertThat(Arrays.copyOfRange(stored, leafAt * 32, leafAt * 32 + 32)).isEqualTo(leaves.get(i));
        List<byte[]> fromStore = new ArrayList<>();
        for (int p : StandardMerkleTree.proofPositions(n, rank)) {
          fromStore.add(Arrays.copyOfRange(stored, p * 32, p * 32 + 32));
        }
        assertThat(fromStore).containsExactlyElementsOf(tree.proof(i));
        assertThat(StandardMerkleTree.verify(tree.root(), leaves.get(i), fromStore)).isTrue();
      }
      for (boolean seen : ranks) {
        assertThat(seen).as("every rank used once").isTrue();
      }
    }
  }

  @Test
  void refusesALeafOutsideTheTree() {
    assertThatThrownBy(() -> StandardMerkleTree.proofPositions(4, 4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StandardMerkleTree.treePosition(0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
