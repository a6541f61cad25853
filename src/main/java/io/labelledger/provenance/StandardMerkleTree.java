package io.labelledger.provenance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.jcajce.provider.digest.Keccak;

/**
 * A Merkle tree laid out exactly as OpenZeppelin's {@code StandardMerkleTree} (JS library
 * {@code @openzeppelin/merkle-tree} 1.x, default options): leaves sorted ascending, stored at the
 * end of a flat array in reverse order, parents hashed as keccak256 of the sorted pair. Roots and
 * proofs are therefore interchangeable with that library and verify with OpenZeppelin's
 * {@code MerkleProof} on-chain.
 *
 * <p>The caller supplies leaf hashes; {@link #leafHash(byte[])} computes the standard double
 * keccak of an ABI-encoded value. Immutable and safe to share once built.
 */
public final class StandardMerkleTree {
  private final byte[][] nodes;
  /** Position in {@link #nodes} of the i-th leaf as given to {@link #of}. */
  private final int[] positionOfInput;

  private StandardMerkleTree(byte[][] nodes, int[] positionOfInput) {
    this.nodes = nodes;
    this.positionOfInput = positionOfInput;
  }

  /** {@code keccak256(bytes.concat(keccak256(abiEncodedValue)))}, the standard leaf hash. */
  public static byte[] leafHash(byte[] abiEncodedValue) {
    return keccak(keccak(abiEncodedValue));
  }

  /**
   * Builds the tree over leaf hashes (32 bytes each), in O(n log n) for the sort plus n hashes.
   *
   * @throws IllegalArgumentException when there are no leaves or a leaf is not 32 bytes
   */
  public static StandardMerkleTree of(List<byte[]> leafHashes) {
    int n = leafHashes.size();
    if (n == 0) {
      throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
    }
    byte[][] leaves = leafHashes.toArray(new byte[0][]);
    for (int i = 0; i < n; i++) {
      if (leaves[i].length != 32) {
        throw new IllegalArgumentException("leaf " + i + " is not 32 bytes");
      }
    }
    int[] order = StandardMerkleRoot.sortedPositions(n, i -> LeafStore.prefix(leaves[i], 0),
        (a, b) -> Arrays.compareUnsigned(leaves[a], leaves[b]));
    byte[][] nodes = new byte[2 * n - 1][];
    int[] positionOfInput = new int[n];
    for (int sorted = 0; sorted < n; sorted++) {
      int position = nodes.length - 1 - sorted;
      nodes[position] = leaves[order[sorted]];
      positionOfInput[order[sorted]] = position;
    }
    for (int i = nodes.length - 1 - n; i >= 0; i--) {
      nodes[i] = hashPair(nodes[2 * i + 1], nodes[2 * i + 2]);
    }
    return new StandardMerkleTree(nodes, positionOfInput);
  }

  public byte[] root() {
    return nodes[0].clone();
  }

  public int size() {
    return positionOfInput.length;
  }

  /** The leaf hash of the i-th input leaf. */
  public byte[] leaf(int inputIndex) {
    return nodes[positionOfInput[inputIndex]].clone();
  }

  /** The proof of the i-th input leaf, from the leaf's sibling up to the root's children. */
  public List<byte[]> proof(int inputIndex) {
    int position = positionOfInput[inputIndex];
    List<byte[]> proof = new ArrayList<>();
    while (position > 0) {
      int sibling = (position % 2 == 1) ? position + 1 : position - 1;
      proof.add(nodes[sibling].clone());
      position = (position - 1) / 2;
    }
    return proof;
  }

  /**
   * Every node, 32 bytes each, in the array order of OpenZeppelin's {@code tree} (root first,
   * leaves last): enough to serve any proof later with {@link #proofPositions}, without rebuilding.
   */
  public byte[] encodedNodes() {
    byte[] out = new byte[nodes.length * 32];
    for (int i = 0; i < nodes.length; i++) {
      System.arraycopy(nodes[i], 0, out, i * 32, 32);
    }
    return out;
  }

  /** The i-th input leaf's rank among the sorted leaves (0 = the smallest leaf hash). */
  public int leafIndex(int inputIndex) {
    return nodes.length - 1 - positionOfInput[inputIndex];
  }

  /** Array position of the leaf of rank {@code leafIndex} in a tree of {@code leafCount} leaves. */
  public static int treePosition(int leafCount, int leafIndex) {
    if (leafCount < 1 || leafIndex < 0 || leafIndex >= leafCount) {
      throw new IllegalArgumentException("no leaf " + leafIndex + " in a tree of " + leafCount);
    }
    return 2 * leafCount - 2 - leafIndex;
  }

  /**
   * Array positions of the proof nodes of the leaf of rank {@code leafIndex} in a tree of
   * {@code leafCount} leaves, in proof order (the same nodes {@link #proof(int)} returns).
   */
  public static int[] proofPositions(int leafCount, int leafIndex) {
    List<Integer> out = new ArrayList<>();
    int position = treePosition(leafCount, leafIndex);
    while (position > 0) {
      out.add((position % 2 == 1) ? position + 1 : position - 1);
      position = (position - 1) / 2;
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Recomputes the root from a leaf and its proof, as {@code MerkleProof.processProof} does. */
  public static byte[] processProof(byte[] leaf, List<byte[]> proof) {
    byte[] node = leaf;
    for (byte[] sibling : proof) {
      node = hashPair(node, sibling);
    }
    return node;
  }

  public static boolean verify(byte[] root, byte[] leaf, List<byte[]> proof) {
    return Arrays.equals(root, processProof(leaf, proof));
  }

  static byte[] hashPair(byte[] a, byte[] b) {
    Keccak.Digest256 digest = new Keccak.Digest256();
    if (Arrays.compareUnsigned(a, b) <= 0) {
      digest.update(a);
      digest.update(b);
    } else {
      digest.update(b);
      digest.update(a);
    }
    return digest.digest();
  }

  static byte[] keccak(byte[] data) {
    return new Keccak.Digest256().digest(data);
  }
}
