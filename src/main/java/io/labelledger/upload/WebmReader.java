package io.labelledger.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What a WebM (Matroska, EBML) file holds and how long it lasts, from its element headers: the
 * document type (must be {@code webm}), whether any track is video, and the duration, from the
 * segment's {@code Duration} when it is written and otherwise from the last block's time (cluster
 * timecode plus the block's relative timecode): browsers' MediaRecorder writes live WebM without a
 * duration and with clusters of unknown size.
 *
 * <p>The walk is flat: the masters that matter (EBML header, Segment, Info, Tracks, TrackEntry,
 * Cluster, BlockGroup) are entered, every other element is skipped by its size, so an unknown-size
 * master needs no end. An element running past the end of the file is a truncated file.
 */
final class WebmReader {
  private static final long EBML = 0x1A45DFA3L;
  private static final long DOC_TYPE = 0x4282;
  private static final long SEGMENT = 0x18538067L;
  private static final long INFO = 0x1549A966L;
  private static final long TIMECODE_SCALE = 0x2AD7B1;
  private static final long DURATION = 0x4489;
  private static final long TRACKS = 0x1654AE6BL;
  private static final long TRACK_ENTRY = 0xAE;
  private static final long TRACK_TYPE = 0x83;
  private static final long CLUSTER = 0x1F43B675L;
  private static final long CLUSTER_TIMECODE = 0xE7;
  private static final long SIMPLE_BLOCK = 0xA3;
  private static final long BLOCK_GROUP = 0xA0;
  private static final long BLOCK = 0xA1;
  private static final java.util.Set<Long> ENTERED = java.util.Set.of(EBML, SEGMENT, INFO, TRACKS, TRACK_ENTRY,
      CLUSTER, BLOCK_GROUP);
  private static final int TRACK_TYPE_VIDEO = 1;
  private static final int TRACK_TYPE_AUDIO = 2;

  private WebmReader() {}

  record Webm(String docType, boolean hasVideo, boolean hasAudio, double seconds) {}

  static Webm read(Path file) throws IOException, MediaException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      long position = 0;
      String docType = null;
      long scale = 1_000_000; // ns per tick: Matroska's default TimecodeScale
      double declared = -1;
      long cluster = 0;
      long lastBlock = -1;
      boolean video = false;
      boolean audio = false;
      boolean first = true;
      while (position < size) {
        ByteBuffer head = read(in, position, (int) Math.min(12, size - position));
        int idLength = vintLength(head.get(0));
        if (idLength > 4 || idLength > head.limit()) {
          throw first ? MediaException.malformed("no EBML header") : MediaException.truncated(
              "an element header is cut short at byte " + position);
        }
        long id = 0;
        for (int i = 0; i < idLength; i++) {
          id = id << 8 | head.get(i) & 0xff;
        }
        if (first && id != EBML) {
          throw MediaException.malformed("no EBML header");
        }
        first = false;
        if (idLength >= head.limit()) {
          throw MediaException.truncated("an element header is cut short at byte " + position);
        }
        int sizeLength = vintLength(head.get(idLength));
        if (sizeLength > 8 || idLength + sizeLength > head.limit()) {
          throw sizeLength > 8 ? MediaException.malformed("an invalid element size at byte " + position)
              : MediaException.truncated("an element header is cut short at byte " + position);
        }
        long length = head.get(idLength) & (0xff >> sizeLength);
        boolean unknown = length == (0xff >> sizeLength);
        for (int i = 1; i < sizeLength; i++) {
          int b = head.get(idLength + i) & 0xff;
          unknown &= b == 0xff;
          length = length << 8 | b;
        }
        long body = position + idLength + sizeLength;
        if (ENTERED.contains(id)) {
          position = body; // a master: go on with its children
          continue;
        }
        if (unknown) {
          throw MediaException.malformed("element 0x" + Long.toHexString(id) + " of unknown size at byte " + position);
        }
        if (body + length > size) {
          throw MediaException.truncated("element 0x" + Long.toHexString(id) + " announces " + length
              + " bytes, the file holds " + (size - body));
        }
        if (id == DOC_TYPE) {
          docType = new String(bytes(read(in, body, (int) Math.min(length, 32))), java.nio.charset.StandardCharsets.US_ASCII)
              .replace("\0", "");
        } else if (id == TIMECODE_SCALE) {
          scale = unsigned(read(in, body, (int) Math.min(length, 8)));
        } else if (id == DURATION) {
          ByteBuffer value = read(in, body, (int) length);
          declared = length == 4 ? value.getFloat(0) : length == 8 ? value.getDouble(0) : -1;
        } else if (id == TRACK_TYPE) {
          long type = unsigned(read(in, body, (int) Math.min(length, 8)));
          video |= type == TRACK_TYPE_VIDEO;
          audio |= type == TRACK_TYPE_AUDIO;
        } else if (id == CLUSTER_TIMECODE) {
          cluster = unsigned(read(in, body, (int) Math.min(length, 8)));
        } else if ((id == SIMPLE_BLOCK || id == BLOCK) && length >= 4) {
          ByteBuffer block = read(in, body, (int) Math.min(length, 11));
          int trackLength = vintLength(block.get(0));
          if (trackLength <= 8 && trackLength + 2 <= block.limit()) {
            lastBlock = Math.max(lastBlock, cluster + block.getShort(trackLength));
          }
        }
        position = body + length;
      }
      if (docType == null) {
        throw MediaException.malformed("no DocType in the EBML header");
      }
      double ticks = declared >= 0 ? declared : Math.max(0, lastBlock);
      return new Webm(docType, video, audio, ticks * scale / 1e9);
    }
  }

  /** The length of a variable-size integer from its first byte (9 when the byte is 0: invalid). */
  private static int vintLength(byte first) {
    return Integer.numberOfLeadingZeros(first & 0xff) - 23;
  }

  private static long unsigned(ByteBuffer value) {
    long out = 0;
    for (int i = 0; i < value.limit(); i++) {
      out = out << 8 | value.get(i) & 0xff;
    }
    return out;
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.limit()];
    buffer.get(0, out);
    return out;
  }

  private static ByteBuffer read(FileChannel in, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (in.read(buffer, position + buffer.position()) < 0) {
        break;
      }
    }
    return buffer.flip();
  }
}
