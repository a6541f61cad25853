package io.labelledger.audit;

import io.labelledger.chain.Eip712;
import io.labelledger.contribution.ContributionMessage;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * The verifier's hashing hot path for one thread: the contribution's EIP-712 digest and leaf with
 * one reused Keccak instance and buffers (the same values as {@link ContributionMessage} and
 * {@link AuditBundle#leafOf}, checked by the tests), and proof verification that memoises the
 * last pair hashed at each depth, so that the upper nodes neighbouring leaves of one batch share are
 * hashed once.
 * Not thread-safe: one per worker.
 */
final class ContributionHasher {
  private static final byte[] TYPEHASH = Eip712.keccak(ContributionMessage.TYPE);
  /** Proof depths memoised (a batch of 2^64 leaves is deeper than any real one). */
  private static final int MEMO_DEPTH = 64;

  private final byte[] domainSeparator;
  private final KeccakDigest keccak = new KeccakDigest(256);
  private final byte[] struct = new byte[7 * 32];
  private final byte[] prefixed = new byte[2 + 64];
  private final byte[][] memoNode = new byte[MEMO_DEPTH][];
  private final byte[][] memoSibling = new byte[MEMO_DEPTH][];
  private final byte[][] memoParent = new byte[MEMO_DEPTH][];

  ContributionHasher(byte[] domainSeparator) {
    this.domainSeparator = domainSeparator.clone();
    System.arraycopy(TYPEHASH, 0, struct, 0, 32);
    prefixed[0] = 0x19;
    prefixed[1] = 0x01;
    System.arraycopy(this.domainSeparator, 0, prefixed, 2, 32);
  }

  /** The EIP-712 digest the contributor signed. */
  byte[] digest(AuditBundle.Contribution c) {
    Arrays.fill(struct, 32, struct.length, (byte) 0);
    addressInto(c.contributor(), struct, 32 + 12);
    uintInto(c.campaignId(), struct, 64);
    uintInto(c.itemId(), struct, 96);
    System.arraycopy(c.answerHash(), 0, struct, 128, 32);
    System.arraycopy(c.termsHash(), 0, struct, 160, 32);
    long t = c.submittedAt();
    for (int i = 0; i < 8; i++) {
      struct[223 - i] = (byte) (t >>> (8 * i));
    }
    keccak.update(struct, 0, struct.length);
    keccak.doFinal(prefixed, 34);
    keccak.update(prefixed, 0, prefixed.length);
    byte[] digest = new byte[32];
    keccak.doFinal(digest, 0);
    return digest;
  }

  /** {@code keccak256(keccak256(abi.encode(digest)))}. */
  byte[] leaf(byte[] digest) {
    byte[] out = new byte[32];
    keccak.update(digest, 0, 32);
    keccak.doFinal(out, 0);
    keccak.update(out, 0, 32);
    keccak.doFinal(out, 0);
    return out;
  }

  /**
   * Whether {@code proof} leads from {@code leaf} to {@code root} (sorted-pair keccak, as MerkleProof).
   *
   * <p>Memo: for each depth, the last (node, sibling) pair hashed and its parent. Consecutive
   * leaves of one batch share their upper nodes, so in a bundle ordered by batch the proof of a leaf
   * hashes about two pairs instead of its depth; a hit is decided by comparing both 32-byte inputs in
   * full, so a memoised parent is exactly the hash of the pair. No allocation on a hit and no map.
   */
  boolean verify(byte[] root, byte[] leaf, List<byte[]> proof) {
    byte[] node = leaf;
    for (int depth = 0; depth < proof.size(); depth++) {
      byte[] sibling = proof.get(depth);
      if (depth < MEMO_DEPTH && memoParent[depth] != null && Arrays.equals(memoNode[depth], node)
          && Arrays.equals(memoSibling[depth], sibling)) {
        node = memoParent[depth];
        continue;
      }
      byte[] parent = parent(node, sibling);
      if (depth < MEMO_DEPTH) {
        memoNode[depth] = node;
        memoSibling[depth] = sibling;
        memoParent[depth] = parent;
      }
      node = parent;
    }
    return Arrays.equals(node, root);
  }

  /** Forgets the memoised pairs (between chunks, so that a chunk's nodes are not kept alive). */
  void resetPairs() {
    Arrays.fill(memoNode, null);
    Arrays.fill(memoSibling, null);
    Arrays.fill(memoParent, null);
  }

  private byte[] parent(byte[] a, byte[] b) {
    boolean aFirst = Arrays.compareUnsigned(a, b) <= 0;
    byte[] out = new byte[32];
    keccak.update(aFirst ? a : b, 0, 32);
    keccak.update(aFirst ? b : a, 0, 32);
    keccak.doFinal(out, 0);
    return out;
  }

  /** {@code address} was checked to be 0x + 40 hex digits when its contribution was built. */
  private static void addressInto(String address, byte[] out, int at) {
    for (int i = 0; i < 20; i++) {
      int hi = HEX[address.charAt(2 + 2 * i) & 0x7f];
      int lo = HEX[address.charAt(3 + 2 * i) & 0x7f];
      out[at + i] = (byte) ((hi << 4) | lo);
    }
  }

  private static final byte[] HEX = new byte[128];

  static {
    for (int i = 0; i < 10; i++) {
      HEX['0' + i] = (byte) i;
    }
    for (int i = 0; i < 6; i++) {
      HEX['a' + i] = (byte) (10 + i);
      HEX['A' + i] = (byte) (10 + i);
    }
  }

  private static void uintInto(BigInteger value, byte[] out, int at) {
    byte[] raw = value.toByteArray();
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, out, at + 32 - len, len);
  }
}
