package io.labelledger.upload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What an Ogg file holds and how long it lasts, from its page headers: the codec from the first
 * packet (Opus, Vorbis, FLAC, Speex: audio; anything else is not), and the duration from the last
 * page's granule position (48 kHz less the pre-skip for Opus, the stream's sample rate for Vorbis and
 * Speex, as the codecs' specifications define it). Every page header is read (27 bytes plus its
 * lacing table) and every body skipped; a page that runs past the end is a truncated file. Page
 * checksums are not verified.
 */
final class OggReader {
  private OggReader() {}

  record Ogg(boolean audio, String codec, double seconds) {}

  static Ogg read(Path file) throws IOException, MediaException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      long position = 0;
      long lastGranule = -1;
      String codec = null;
      long rate = 0;
      long preSkip = 0;
      int pages = 0;
      while (position < size) {
        ByteBuffer header = read(in, position, 27);
        if (header == null) {
          throw MediaException.truncated("a page header is cut short at byte " + position);
        }
        if (header.getInt(0) != 0x5367674f /* OggS */ || header.get(4) != 0) {
          throw MediaException.malformed("no Ogg page at byte " + position);
        }
        long granule = header.getLong(6);
        int segments = header.get(26) & 0xff;
        ByteBuffer lacing = read(in, position + 27, segments);
        if (lacing == null) {
          throw MediaException.truncated("a page's lacing table is cut short at byte " + position);
        }
        long bodyLength = 0;
        for (int i = 0; i < segments; i++) {
          bodyLength += lacing.get(i) & 0xff;
        }
        long body = position + 27 + segments;
        if (body + bodyLength > size) {
          throw MediaException.truncated("a page announces " + bodyLength + " bytes, the file holds " + (size - body));
        }
        if (pages == 0) {
          ByteBuffer first = read(in, body, (int) Math.min(bodyLength, 64));
          codec = codec(first);
          if ("opus".equals(codec) && first.limit() >= 12) {
            rate = 48_000;
            preSkip = Short.toUnsignedInt(first.getShort(10));
          } else if ("vorbis".equals(codec) && first.limit() >= 16) {
            rate = Integer.toUnsignedLong(first.getInt(12));
          } else if ("speex".equals(codec) && first.limit() >= 40) {
            rate = Integer.toUnsignedLong(first.getInt(36));
          }
        }
        if (granule != -1) {
          lastGranule = granule;
        }
        pages++;
        position = body + bodyLength;
      }
      if (pages == 0) {
        throw MediaException.malformed("no Ogg page");
      }
      boolean audio = codec != null && !codec.equals("other");
      double seconds = rate > 0 && lastGranule >= 0 ? Math.max(0, lastGranule - preSkip) / (double) rate : 0;
      return new Ogg(audio, codec, seconds);
    }
  }

  private static String codec(ByteBuffer first) {
    if (startsWith(first, "OpusHead")) {
      return "opus";
    }
    if (first.limit() >= 7 && first.get(0) == 1 && startsWith(first.slice(1, first.limit() - 1), "vorbis")) {
      return "vorbis";
    }
    if (first.limit() >= 5 && first.get(0) == 0x7f && startsWith(first.slice(1, first.limit() - 1), "FLAC")) {
      return "flac";
    }
    if (startsWith(first, "Speex   ")) {
      return "speex";
    }
    return "other";
  }

  private static boolean startsWith(ByteBuffer buffer, String ascii) {
    if (buffer.limit() < ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (buffer.get(i) != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static ByteBuffer read(FileChannel in, long position, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (buffer.hasRemaining()) {
      if (in.read(buffer, position + buffer.position()) < 0) {
        return null;
      }
    }
    return buffer.flip();
  }
}
