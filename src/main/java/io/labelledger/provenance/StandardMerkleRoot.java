package io.labelledger.provenance;

import java.util.Arrays;
import java.util.List;
import java.util.function.IntBinaryOperator;
import java.util.function.IntToLongFunction;
import java.util.stream.IntStream;
import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * The root of an OpenZeppelin {@code StandardMerkleTree} over many leaves, computed in flat memory
 * (the leaves, 8 bytes a leaf for sorting, 32 bytes a leaf for the inner nodes; no object per
 * leaf): the same root {@link StandardMerkleTree#of} gives, for a dataset's content root over a
 * million contributions. Duplicate leaves are allowed by the convention; they are reported so that
 * callers can refuse them.
 */
public final class StandardMerkleRoot {
  /** Told about each leaf equal to the one sorted before it. */
  @FunctionalInterface
  public interface DuplicateListener {
    void duplicate(long position, long duplicateOfPosition);
  }

  private StandardMerkleRoot() {}

  /** The root over {@code leaves} (32 bytes each; at least one). */
  public static byte[] of(List<byte[]> leaves) {
    LeafStore store = new LeafStore();
    store.ensureCapacity(leaves.size());
    for (int i = 0; i < leaves.size(); i++) {
      if (leaves.get(i).length != 32) {
        throw new IllegalArgumentException("leaf " + i + " is not 32 bytes");
      }
      store.set(i, leaves.get(i));
    }
    return of(store, leaves.size(), (a, b) -> { });
  }

  /** The root over positions {@code 0 .. n-1} of {@code store}. */
  public static byte[] of(LeafStore store, long n, DuplicateListener duplicates) {
    if (n <= 0) {
      throw new IllegalArgumentException("a Merkle tree needs at least one leaf");
    }
    if (n > (Integer.MAX_VALUE / 32)) {
      throw new IllegalArgumentException("too many leaves for one tree: " + n);
    }
    int size = (int) n;
    int[] sorted = sortedPositions(store, size);
    for (int i = 1; i < size; i++) {
      if (store.compare(sorted[i - 1], sorted[i]) == 0) {
        duplicates.duplicate(sorted[i], sorted[i - 1]);
      }
    }
    if (size == 1) {
      return store.get(sorted[0]);
    }
    // OpenZeppelin's layout: a flat array of 2n-1 nodes, sorted leaf k at index 2n-2-k, node i's
    // children at 2i+1 and 2i+2. Only the n-1 inner nodes are materialised. Nodes of one depth
    // (indexes 2^d-1 .. 2^(d+1)-2) depend only on deeper ones: each depth is hashed in parallel.
    byte[] inner = new byte[(size - 1) * 32];
    int last = size - 2;
    int depth = 31 - Integer.numberOfLeadingZeros(last + 1);
    for (int d = depth; d >= 0; d--) {
      int from = (1 << d) - 1;
      int to = Math.min(last, (1 << (d + 1)) - 2);
      IntStream range = IntStream.rangeClosed(from, to);
      (to - from >= 4096 ? range.parallel() : range).forEach(i -> hashNode(store, sorted, inner, size, i));
    }
    return Arrays.copyOfRange(inner, 0, 32);
  }

  private static final ThreadLocal<byte[][]> SCRATCH = ThreadLocal.withInitial(() -> new byte[2][32]);
  private static final ThreadLocal<KeccakDigest> KECCAK = ThreadLocal.withInitial(() -> new KeccakDigest(256));

  private static void hashNode(LeafStore store, int[] sorted, byte[] inner, int n, int i) {
    byte[][] scratch = SCRATCH.get();
    byte[] a = scratch[0];
    byte[] b = scratch[1];
    node(store, sorted, inner, n, 2 * i + 1, a);
    node(store, sorted, inner, n, 2 * i + 2, b);
    KeccakDigest keccak = KECCAK.get();
    if (Arrays.compareUnsigned(a, b) <= 0) {
      keccak.update(a, 0, 32);
      keccak.update(b, 0, 32);
    } else {
      keccak.update(b, 0, 32);
      keccak.update(a, 0, 32);
    }
    keccak.doFinal(inner, i * 32);
  }

  private static void node(LeafStore store, int[] sorted, byte[] inner, int n, int index, byte[] into) {
    if (index < n - 1) {
      System.arraycopy(inner, index * 32, into, 0, 32);
    } else {
      int position = sorted[2 * n - 2 - index];
      System.arraycopy(store.segment(position), LeafStore.offset(position), into, 0, 32);
    }
  }

  /** Positions of {@code store}'s first {@code n} leaves, ordered by their leaves. */
  static int[] sortedPositions(LeafStore store, int n) {
    return sortedPositions(n, store::prefix, (a, b) -> store.compare(a, b));
  }

  /**
   * Positions {@code 0 .. n-1} ordered by their leaves, ascending as unsigned bytes. Sorts one long
   * per leaf (the leaf's high bits above the position's bits) with the parallel primitive sort,
   * then settles the rare runs whose kept high bits are equal by comparing whole leaves. No
   * comparator sort: besides being slower, the JDK's shared TimSort is recompiled again and again
   * in a service whose other sorts pass it other comparators.
   *
   * @param prefix the first 8 bytes of a position's leaf, big-endian
   * @param compare whole leaves of two positions, as unsigned bytes
   */
  static int[] sortedPositions(int n, IntToLongFunction prefix, IntBinaryOperator compare) {
    int positionBits = Math.max(1, 64 - Long.numberOfLeadingZeros(n - 1L));
    long positionMask = (1L << positionBits) - 1;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      long key = ((prefix.applyAsLong(i) >>> positionBits) << positionBits) | i;
      keys[i] = key ^ Long.MIN_VALUE; // signed order of the flipped key = unsigned order of the key
    }
    Arrays.parallelSort(keys);
    int[] sorted = new int[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = (int) (keys[i] & positionMask);
    }
    int start = 0;
    for (int i = 1; i <= n; i++) {
      if (i == n || (keys[i] >>> positionBits) != (keys[start] >>> positionBits)) {
        if (i - start > 1) {
          settle(compare, sorted, start, i);
        }
        start = i;
      }
    }
    return sorted;
  }

  private static void settle(IntBinaryOperator compare, int[] sorted, int from, int to) {
    for (int i = from + 1; i < to; i++) { // insertion sort: runs are a handful of leaves at most
      int p = sorted[i];
      int j = i - 1;
      while (j >= from && compare.applyAsInt(sorted[j], p) > 0) {
        sorted[j + 1] = sorted[j];
        j--;
      }
      sorted[j + 1] = p;
    }
  }
}
