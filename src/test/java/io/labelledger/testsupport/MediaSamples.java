package io.labelledger.testsupport;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;

/**
 * Small real media files made by the tests (no encoder is installed here): WAV (PCM), Ogg Opus and
 * WebM with the headers and page/element structure their specifications define (audio payloads are
 * filler, never decoded by the service), PNG and JPEG through ImageIO, UTF-8 text.
 */
public final class MediaSamples {
  private MediaSamples() {}

  /** A mono 16-bit PCM WAV of {@code seconds} at 8 kHz: a 440 Hz tone. */
  public static byte[] wav(double seconds) {
    int rate = 8000;
    int samples = (int) Math.round(seconds * rate);
    ByteBuffer b = ByteBuffer.allocate(44 + samples * 2).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("RIFF")).putInt(36 + samples * 2).put(ascii("WAVE"));
    b.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(rate * 2)
        .putShort((short) 2).putShort((short) 16);
    b.put(ascii("data")).putInt(samples * 2);
    for (int i = 0; i < samples; i++) {
      b.putShort((short) (8000 * Math.sin(2 * Math.PI * 440 * i / rate)));
    }
    return b.array();
  }

  /** An Ogg Opus stream of {@code seconds}: OpusHead, OpusTags, then a page of filler packets per second. */
  public static byte[] oggOpus(double seconds) {
    int preSkip = 312;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
    head.put(ascii("OpusHead")).put((byte) 1).put((byte) 1).putShort((short) preSkip).putInt(48_000)
        .putShort((short) 0).put((byte) 0);
    page(out, 0x02, 0, 0, head.array());
    ByteBuffer tags = ByteBuffer.allocate(8 + 4 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
    tags.put(ascii("OpusTags")).putInt(4).put(ascii("test")).putInt(0);
    page(out, 0, 0, 1, tags.array());
    int pages = Math.max(1, (int) Math.ceil(seconds));
    for (int p = 0; p < pages; p++) {
      double end = Math.min(seconds, p + 1);
      long granule = preSkip + Math.round(end * 48_000);
      page(out, p == pages - 1 ? 0x04 : 0, granule, 2 + p, new byte[] {(byte) 0xfc, 1, 2, 3, 4, 5, 6, 7});
    }
    return out.toByteArray();
  }

  private static void page(ByteArrayOutputStream out, int flags, long granule, int sequence, byte[] packet) {
    int segments = packet.length / 255 + 1;
    ByteBuffer b = ByteBuffer.allocate(27 + segments + packet.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(ascii("OggS")).put((byte) 0).put((byte) flags).putLong(granule).putInt(0x4c4c).putInt(sequence).putInt(0)
        .put((byte) segments);
    for (int i = 0; i < segments - 1; i++) {
      b.put((byte) 255);
    }
    b.put((byte) (packet.length % 255)).put(packet);
    byte[] bytes = b.array();
    int crc = oggCrc(bytes);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(22, crc);
    out.writeBytes(bytes);
  }

  /** Ogg's CRC-32 (polynomial 0x04c11db7, no reflection, initial 0). */
  private static int oggCrc(byte[] bytes) {
    int crc = 0;
    for (byte value : bytes) {
      crc ^= (value & 0xff) << 24;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x80000000) != 0 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
      }
    }
    return crc;
  }

  /**
   * A live-recorded-style WebM of {@code seconds} (as browsers' MediaRecorder writes it: a segment and
   * clusters of unknown size, no Duration unless {@code declareDuration}), one Opus audio track, or a
   * VP8 video track when {@code video}; a 10-byte block every 100 ms, a cluster per second.
   */
  public static byte[] webm(double seconds, boolean video, boolean declareDuration) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(element(0x1A45DFA3, concat(uint(0x4286, 1), uint(0x42F7, 1), uint(0x42F2, 4), uint(0x42F3, 8),
        element(0x4282, ascii("webm")), uint(0x4287, 4), uint(0x4285, 2))));
    out.writeBytes(new byte[] {0x18, 0x53, (byte) 0x80, 0x67, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff});
    byte[] info = concat(uint(0x2AD7B1, 1_000_000), element(0x4D80, ascii("test")), element(0x5741, ascii("test")));
    if (declareDuration) {
      info = concat(info, element(0x4489, ByteBuffer.allocate(8).putDouble(seconds * 1000).array()));
    }
    out.writeBytes(element(0x1549A966, info));
    out.writeBytes(element(0x1654AE6B, element(0xAE, concat(uint(0xD7, 1), uint(0x73C5, 1), uint(0x83, video ? 1 : 2),
        element(0x86, ascii(video ? "V_VP8" : "A_OPUS"))))));
    long totalMs = Math.round(seconds * 1000);
    for (long clusterMs = 0; clusterMs < totalMs || clusterMs == 0; clusterMs += 1000) {
      out.writeBytes(new byte[] {0x1F, 0x43, (byte) 0xB6, 0x75, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff,
          (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      out.writeBytes(uint(0xE7, clusterMs));
      for (long t = 0; t < 1000 && clusterMs + t <= totalMs; t += 100) {
        ByteBuffer block = ByteBuffer.allocate(4 + 10);
        block.put((byte) 0x81).putShort((short) t).put((byte) 0x80).put(new byte[10]);
        out.writeBytes(element(0xA3, block.array()));
      }
      if (totalMs == 0) {
        break;
      }
    }
    return out.toByteArray();
  }

  private static byte[] element(long id, byte[] body) {
    byte[] idBytes = id > 0xFFFFFF ? new byte[] {(byte) (id >> 24), (byte) (id >> 16), (byte) (id >> 8), (byte) id}
        : id > 0xFFFF ? new byte[] {(byte) (id >> 16), (byte) (id >> 8), (byte) id}
        : id > 0xFF ? new byte[] {(byte) (id >> 8), (byte) id} : new byte[] {(byte) id};
    // the shortest size, as muxers write it: 1 byte below 127, else 4 bytes
    byte[] sizeBytes = body.length < 127 ? new byte[] {(byte) (0x80 | body.length)}
        : new byte[] {(byte) (0x10 | body.length >> 24), (byte) (body.length >> 16), (byte) (body.length >> 8),
            (byte) body.length};
    return concat(idBytes, sizeBytes, body);
  }

  private static byte[] uint(long id, long value) {
    int length = Math.max(1, 8 - Long.numberOfLeadingZeros(value) / 8);
    return element(id, java.util.Arrays.copyOfRange(ByteBuffer.allocate(8).putLong(value).array(), 8 - length, 8));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** A PNG of {@code width} × {@code height}. */
  public static byte[] png(int width, int height) {
    return image("png", width, height, BufferedImage.TYPE_INT_ARGB);
  }

  /** A JPEG of {@code width} × {@code height}. */
  public static byte[] jpeg(int width, int height) {
    return image("jpeg", width, height, BufferedImage.TYPE_INT_RGB);
  }

  private static byte[] image(String format, int width, int height, int type) {
    BufferedImage image = new BufferedImage(width, height, type);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] text(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
