package io.labelledger.provenance;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * 32-byte leaves by position in flat segments (32 bytes a leaf, no object per leaf): what a
 * dataset's content root needs to hold for a million contributions (32 MiB) without a million
 * arrays.
 *
 * <p>Threading: {@link #ensureCapacity} from one thread; {@link #set} for distinct positions from
 * any threads once capacity is ensured and handed over with a happens-before edge (an executor
 * submission); reads after the writers are joined.
 */
public final class LeafStore {
  private static final int SEGMENT_BITS = 15; // 32,768 leaves = 1 MiB a segment
  private static final int SEGMENT_LEAVES = 1 << SEGMENT_BITS;
  private static final int MASK = SEGMENT_LEAVES - 1;
  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private volatile byte[][] segments = new byte[0][];
  private long capacity;

  /** Makes positions below {@code size} settable. */
  public void ensureCapacity(long size) {
    if (size <= capacity) {
      return;
    }
    int needed = (int) ((size + SEGMENT_LEAVES - 1) >>> SEGMENT_BITS);
    byte[][] grown = Arrays.copyOf(segments, Math.max(needed, segments.length * 2));
    for (int i = segments.length; i < grown.length; i++) {
      grown[i] = new byte[SEGMENT_LEAVES * 32];
    }
    segments = grown;
    capacity = (long) grown.length << SEGMENT_BITS;
  }

  public void set(long position, byte[] leaf) {
    System.arraycopy(leaf, 0, segments[(int) (position >>> SEGMENT_BITS)], offset(position), 32);
  }

  public byte[] get(long position) {
    int at = offset(position);
    return Arrays.copyOfRange(segments[(int) (position >>> SEGMENT_BITS)], at, at + 32);
  }

  /** The segment holding {@code position}; the leaf starts at {@link #offset}. */
  byte[] segment(long position) {
    return segments[(int) (position >>> SEGMENT_BITS)];
  }

  static int offset(long position) {
    return (int) (position & MASK) << 5;
  }

  /** The first 8 bytes of the leaf, big-endian, for sorting. */
  long prefix(long position) {
    return prefix(segment(position), offset(position));
  }

  /** The 8 bytes of {@code bytes} from {@code offset}, big-endian. */
  static long prefix(byte[] bytes, int offset) {
    return (long) BIG_ENDIAN_LONG.get(bytes, offset);
  }

  int compare(long a, long b) {
    return Arrays.compareUnsigned(segment(a), offset(a), offset(a) + 32, segment(b), offset(b), offset(b) + 32);
  }
}
