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
 * {@link AuditBundle#leafOf}, checked by the tests), and proof verification that memoises pair
 * hashes, so that the upper nodes the leaves of one batch share are hashed once.
 * Not thread-safe: one per worker.
 */
final class ContributionHasher {
  private static final byte[] TYPEHASH = Eip712.keccak(ContributionMessage.TYPE);
  /**
   * Memo slots (a power of two); at most half are used before the memo is emptied. A chunk of 4,096
   * contributions of 4,096-leaf batches meets at most about 8,200 distinct pairs (one per inner node).
   */
  private static final int MEMO_BITS = 15;
  static final int MEMO_SIZE = 1 << MEMO_BITS;
  static final int MEMO_LIMIT = MEMO_SIZE / 2;
  private static final int SLOT_BYTES = 96;
  /** Slots looked at before a pair is hashed without the memo. */
  private static final int MAX_PROBES = 32;
  private static final java.lang.invoke.VarHandle WORD =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);

  private final byte[] domainSeparator;
  private final KeccakDigest keccak = new KeccakDigest(256);
  private final byte[] struct = new byte[7 * 32];
  private final byte[] prefixed = new byte[2 + 64];
  private final int[] memoGeneration = new int[MEMO_SIZE];
  private final long[] memoFingerprint = new long[MEMO_SIZE];
  /** Per slot: the lower node, the higher node, their parent (32 bytes each). */
  private final byte[] memo = new byte[MEMO_SIZE * SLOT_BYTES];
  private final byte[] node = new byte[32];
  private int generation = 1;
  private int memoCount;

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

  /** Whether {@code proof} leads from {@code leaf} to {@code root} (sorted-pair keccak, as MerkleProof). */
  boolean verify(byte[] root, byte[] leaf, List<byte[]> proof) {
    byte[] node = this.node;
    System.arraycopy(leaf, 0, node, 0, 32);
    for (int i = 0, n = proof.size(); i < n; i++) {
      step(node, proof.get(i));
    }
    return Arrays.equals(node, root);
  }

  /** Forgets the memoised pairs (between chunks), in O(1). */
  void resetPairs() {
    nextGeneration();
  }

  /**
   * Replaces {@code node} by the sorted-pair hash of it and {@code sibling}, memoised: leaves of one
   * batch share their upper nodes, in whatever order the bundle lists them, so each inner node of a
   * batch is hashed about once. Open addressing on a fingerprint of both nodes' first bytes; a hit
   * only when both 32-byte inputs are equal in full (so a memoised parent is exactly the hash of the
   * pair). The memo holds the bytes themselves, not references: no allocation, and nothing for the
   * garbage collector to trace or to track stores into.
   */
  private void step(byte[] node, byte[] sibling) {
    boolean nodeFirst = Arrays.compareUnsigned(node, sibling) <= 0;
    byte[] lo = nodeFirst ? node : sibling;
    byte[] hi = nodeFirst ? sibling : node;
    long fingerprint = (long) WORD.get(lo, 0) * 0x9E3779B97F4A7C15L ^ (long) WORD.get(hi, 8);
    int mask = MEMO_SIZE - 1;
    int slot = (int) ((fingerprint * 0xBF58476D1CE4E5B9L) >>> (64 - MEMO_BITS));
    int probes = 0;
    while (memoGeneration[slot] == generation) {
      int at = slot * SLOT_BYTES;
      if (memoFingerprint[slot] == fingerprint && Arrays.equals(memo, at, at + 32, lo, 0, 32)
          && Arrays.equals(memo, at + 32, at + 64, hi, 0, 32)) {
        System.arraycopy(memo, at + 64, node, 0, 32);
        return;
      }
      slot = (slot + 1) & mask;
      if (++probes == MAX_PROBES) { // a crowded run of slots (nodes made to collide?): not memoised, work stays bounded
        keccak.update(lo, 0, 32);
        keccak.update(hi, 0, 32);
        keccak.doFinal(node, 0); // the inputs are absorbed already: node may be one of them
        return;
      }
    }
    if (memoCount == MEMO_LIMIT) {
      nextGeneration(); // every slot is free again: this one is as good as any
    }
    int at = slot * SLOT_BYTES;
    System.arraycopy(lo, 0, memo, at, 32);
    System.arraycopy(hi, 0, memo, at + 32, 32);
    keccak.update(memo, at, 64);
    keccak.doFinal(node, 0);
    System.arraycopy(node, 0, memo, at + 64, 32);
    memoGeneration[slot] = generation;
    memoFingerprint[slot] = fingerprint;
    memoCount++;
  }

  /** Empties the memo in O(1): slots of an older generation are free. */
  private void nextGeneration() {
    if (generation == Integer.MAX_VALUE) {
      Arrays.fill(memoGeneration, 0);
      generation = 0;
    }
    generation++;
    memoCount = 0;
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
