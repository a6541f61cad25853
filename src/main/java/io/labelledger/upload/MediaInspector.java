package io.labelledger.upload;

import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MimeTypes;

/**
 * What an uploaded file really is, from its bytes alone: Apache Tika's magic-number detector names the
 * kind (the client's claim and the file name are not given to it), then the container is read far
 * enough to be sure: a WAV, Ogg or WebM file's duration from its headers ({@link WavReader},
 * {@link OggReader}, {@link WebmReader}; an Ogg or WebM file must hold audio and no video), a PNG must
 * end with its IEND chunk and a JPEG with its end-of-image marker (else it is truncated), and a text
 * must be UTF-8 without NUL characters. Blocking (reads the file): call it on a worker thread.
 */
public final class MediaInspector {
  private static final MimeTypes DETECTOR = MimeTypes.getDefaultMimeTypes();
  /** Tika's names (and aliases) of what a campaign can accept, by the name the service uses. */
  private static final Map<String, String> CANONICAL = Map.ofEntries(
      Map.entry("audio/vnd.wave", "audio/wav"), Map.entry("audio/wav", "audio/wav"),
      Map.entry("audio/x-wav", "audio/wav"),
      Map.entry("audio/ogg", "audio/ogg"), Map.entry("audio/vorbis", "audio/ogg"), Map.entry("audio/opus", "audio/ogg"),
      Map.entry("audio/speex", "audio/ogg"), Map.entry("audio/x-oggflac", "audio/ogg"),
      Map.entry("application/ogg", "audio/ogg"), Map.entry("video/ogg", "audio/ogg"),
      Map.entry("video/webm", "audio/webm"), Map.entry("audio/webm", "audio/webm"),
      Map.entry("video/x-matroska", "audio/webm"), Map.entry("application/x-matroska", "audio/webm"),
      Map.entry("image/jpeg", "image/jpeg"), Map.entry("image/png", "image/png"),
      Map.entry("text/plain", "text/plain"));

  /**
   * What the file is.
   *
   * @param mediaType the service's name for it, or Tika's for a kind no campaign accepts
   * @param seconds the duration of audio, else null
   */
  public record Media(String mediaType, Double seconds) {
    public boolean audio() {
      return mediaType.startsWith("audio/");
    }
  }

  /**
   * @throws ApiException FILE_TRUNCATED or FILE_UNREADABLE when the bytes are of a known kind but
   *     cannot be read as one
   */
  public Media inspect(Path file) throws IOException {
    String detected = detect(file);
    String kind = CANONICAL.get(detected);
    if (kind == null) {
      return new Media(detected, null);
    }
    try {
      switch (kind) {
        case "audio/wav":
          return new Media(kind, WavReader.seconds(file));
        case "audio/ogg": {
          OggReader.Ogg ogg = OggReader.read(file);
          return ogg.audio() ? new Media(kind, ogg.seconds()) : new Media("application/ogg (" + ogg.codec() + ")", null);
        }
        case "audio/webm": {
          WebmReader.Webm webm = WebmReader.read(file);
          if (!"webm".equals(webm.docType())) {
            return new Media("video/x-matroska", null);
          }
          return webm.hasVideo() || !webm.hasAudio() ? new Media("video/webm", null) : new Media(kind, webm.seconds());
        }
        case "image/png":
          requireEnd(file, new byte[] {0x49, 0x45, 0x4e, 0x44, (byte) 0xae, 0x42, 0x60, (byte) 0x82}, "PNG",
              "no IEND chunk at the end");
          return new Media(kind, null);
        case "image/jpeg":
          requireEnd(file, new byte[] {(byte) 0xff, (byte) 0xd9}, "JPEG", "no end-of-image marker at the end");
          return new Media(kind, null);
        default:
          requireUtf8Text(file);
          return new Media(kind, null);
      }
    } catch (MediaException e) {
      throw e.truncated() ? new ApiException(ErrorCode.FILE_TRUNCATED, e.getMessage())
          : new ApiException(ErrorCode.FILE_UNREADABLE, kind, e.getMessage());
    }
  }

  /** Tika's type from the magic numbers of the first bytes (no name, no claim). */
  private static String detect(Path file) throws IOException {
    try (InputStream in = TikaInputStream.get(file)) {
      MediaType type = DETECTOR.detect(in, new Metadata());
      return DETECTOR.getMediaTypeRegistry().normalize(type).getBaseType().toString();
    }
  }

  private static void requireEnd(Path file, byte[] end, String kind, String problem) throws IOException,
      MediaException {
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = in.size();
      ByteBuffer tail = ByteBuffer.allocate(end.length);
      if (size < end.length || in.read(tail, size - end.length) != end.length
          || !java.util.Arrays.equals(tail.array(), end)) {
        throw MediaException.truncated("the " + kind + " file has " + problem);
      }
    }
  }

  /**
   * The whole file must be UTF-8 without NUL characters, read a buffer at a time. A NUL character is
   * the byte 0 in UTF-8 (the decoder refuses overlong forms), so it is looked for in the bytes; and a
   * run of plain ASCII, the common case, needs no decoding at all: only a buffer with a byte above
   * 0x7F, or bytes left over from a sequence the previous buffer cut, goes through the JDK's decoder.
   */
  private static void requireUtf8Text(Path file) throws IOException, MediaException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes = ByteBuffer.allocate(64 * 1024);
    CharBuffer chars = CharBuffer.allocate(64 * 1024);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      boolean end = false;
      while (!end) {
        int before = bytes.position(); // bytes of a sequence the last buffer cut
        end = in.read(bytes) < 0;
        bytes.flip();
        Scan scan = scan(bytes.array(), before, bytes.limit());
        if (scan == Scan.NUL) {
          throw MediaException.malformed("it holds NUL characters");
        }
        if (scan == Scan.ASCII && before == 0 && !end) {
          bytes.clear();
          continue;
        }
        while (true) {
          var result = decoder.decode(bytes, chars, end);
          if (result.isError()) {
            throw MediaException.malformed("it is not UTF-8 text");
          }
          chars.clear();
          if (!result.isOverflow()) {
            break;
          }
        }
        bytes.compact();
      }
      if (decoder.flush(chars).isError()) {
        throw MediaException.malformed("it is not UTF-8 text");
      }
    } catch (CharacterCodingException e) {
      throw MediaException.malformed("it is not UTF-8 text");
    }
  }

  private enum Scan { ASCII, OTHER, NUL }

  /** Whether {@code bytes[from, to)} are all ASCII, hold a byte above 0x7F, or hold a NUL. */
  private static Scan scan(byte[] bytes, int from, int to) {
    Scan found = Scan.ASCII;
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (b <= 0) { // 0, or 0x80..0xFF as a signed byte
        if (b == 0) {
          return Scan.NUL;
        }
        found = Scan.OTHER;
      }
    }
    return found;
  }
}
