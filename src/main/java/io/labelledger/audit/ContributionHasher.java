package io.labelledger.audit;

import io.labelledger.chain.Eip712;
import io.labelledger.contribution.ContributionMessage;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * The verifier's hashing hot path for one thread: the contribution's EIP-712 digest and leaf with
 * one reused Keccak instance and buffers (the same values as {@link ContributionMessage} and
 * {@link AuditBundle#leafOf}, checked by the tests), and proof verification that memoises pair
 * hashes, so that the upper nodes neighbouring leaves of one batch share are hashed once.
 * Not thread-safe: one per worker.
 */
final class ContributionHasher {
  private static final byte[] TYPEHASH = Eip712.keccak(ContributionMessage.TYPE);
  /** Memoised pairs are dropped past this many (bounds memory on bundles not ordered by batch). */
  private static final int PAIR_CACHE_LIMIT = 1 << 16;

  private final byte[] domainSeparator;
  private final KeccakDigest keccak = new KeccakDigest(256);
  private final byte[] struct = new byte[7 * 32];
  private final byte[] prefixed = new byte[2 + 64];
  private final Map<PairKey, byte[]> pairs = new HashMap<>();

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
    byte[] node = leaf;
    for (byte[] sibling : proof) {
      node = parent(node, sibling);
    }
    return Arrays.equals(node, root);
  }

  /** Forgets memoised pairs (between chunks, to keep memory flat). */
  void resetPairs() {
    pairs.clear();
  }

  private byte[] parent(byte[] a, byte[] b) {
    boolean aFirst = Arrays.compareUnsigned(a, b) <= 0;
    byte[] lo = aFirst ? a : b;
    byte[] hi = aFirst ? b : a;
    PairKey key = new PairKey(lo, hi);
    byte[] known = pairs.get(key);
    if (known != null) {
      return known;
    }
    byte[] out = new byte[32];
    keccak.update(lo, 0, 32);
    keccak.update(hi, 0, 32);
    keccak.doFinal(out, 0);
    if (pairs.size() >= PAIR_CACHE_LIMIT) {
      pairs.clear();
    }
    pairs.put(key, out);
    return out;
  }

  /** Two 32-byte nodes, compared by content. */
  private static final class PairKey {
    private final byte[] lo;
    private final byte[] hi;
    private final int hash;

    PairKey(byte[] lo, byte[] hi) {
      this.lo = lo;
      this.hi = hi;
      // The nodes are hashes: their first bytes are already uniformly spread.
      this.hash = ((lo[0] & 0xff) << 24 | (lo[1] & 0xff) << 16 | (lo[2] & 0xff) << 8 | (lo[3] & 0xff))
          ^ ((hi[4] & 0xff) << 24 | (hi[5] & 0xff) << 16 | (hi[6] & 0xff) << 8 | (hi[7] & 0xff));
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PairKey k && hash == k.hash && Arrays.equals(lo, k.lo) && Arrays.equals(hi, k.hi);
    }
  }

  private static void addressInto(String address, byte[] out, int at) {
    for (int i = 0; i < 20; i++) {
      int hi = Character.digit(address.charAt(2 + 2 * i), 16);
      int lo = Character.digit(address.charAt(3 + 2 * i), 16);
      out[at + i] = (byte) ((hi << 4) | lo);
    }
  }

  private static void uintInto(BigInteger value, byte[] out, int at) {
    byte[] raw = value.toByteArray();
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, out, at + 32 - len, len);
  }
}
