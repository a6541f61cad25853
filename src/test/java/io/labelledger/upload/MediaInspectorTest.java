package io.labelledger.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.labelledger.testsupport.MediaSamples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MediaInspectorTest {
  private final MediaInspector inspector = new MediaInspector();
  @TempDir
  Path dir;

  private MediaInspector.Media inspect(byte[] bytes) throws Exception {
    return inspector.inspect(Files.write(dir.resolve("file"), bytes));
  }

  private static ErrorCode refusal(ThrowingCall call) {
    try {
      call.run();
    } catch (ApiException e) {
      return e.code();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("not refused");
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void readsAWavFilesKindAndDurationFromItsHeaders() throws Exception {
    MediaInspector.Media media = inspect(MediaSamples.wav(2.5));
    assertThat(media.mediaType()).isEqualTo("audio/wav");
    assertThat(media.seconds()).isCloseTo(2.5, Offset.offset(0.001));
  }

  @Test
  void readsAnOggOpusStreamsDurationFromItsLastGranuleLessThePreSkip() throws Exception {
    MediaInspector.Media media = inspect(MediaSamples.oggOpus(3.2));
    assertThat(media.mediaType()).isEqualTo("audio/ogg");
    assertThat(media.seconds()).isCloseTo(3.2, Offset.offset(0.001));
  }

  @Test
  void readsALiveWebmRecordingsDurationFromItsLastBlockAndADeclaredOneFromItsInfo() throws Exception {
    MediaInspector.Media live = inspect(MediaSamples.webm(4.0, false, false));
    assertThat(live.mediaType()).isEqualTo("audio/webm");
    assertThat(live.seconds()).isCloseTo(4.0, Offset.offset(0.11));
    MediaInspector.Media declared = inspect(MediaSamples.webm(1.5, false, true));
    assertThat(declared.seconds()).isCloseTo(1.5, Offset.offset(0.001));
  }

  @Test
  void aWebmWithAVideoTrackIsNotAudio() throws Exception {
    assertThat(inspect(MediaSamples.webm(1.0, true, false)).mediaType()).isEqualTo("video/webm");
  }

  @Test
  void recognisesImagesAndTextByTheirBytes() throws Exception {
    assertThat(inspect(MediaSamples.png(32, 16)).mediaType()).isEqualTo("image/png");
    assertThat(inspect(MediaSamples.jpeg(32, 16)).mediaType()).isEqualTo("image/jpeg");
    MediaInspector.Media text = inspect(MediaSamples.text("Ein Satz, den ich geschrieben habe. ✓\n"));
    assertThat(text.mediaType()).isEqualTo("text/plain");
    assertThat(text.seconds()).isNull();
  }

  @Test
  void namesWhatBytesOfAnotherKindAre() throws Exception {
    assertThat(inspect("%PDF-1.4\n1 0 obj\n".getBytes()).mediaType()).isEqualTo("application/pdf");
    assertThat(inspect(new byte[] {0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0}).mediaType()).isNotIn("text/plain",
        "audio/wav", "image/png");
  }

  @Test
  void refusesTruncatedContainersAsTruncated() {
    byte[] wav = MediaSamples.wav(1.0);
    assertThat(refusal(() -> inspect(Arrays.copyOf(wav, wav.length / 2)))).isEqualTo(ErrorCode.FILE_TRUNCATED);
    byte[] ogg = MediaSamples.oggOpus(2.0);
    assertThat(refusal(() -> inspect(Arrays.copyOf(ogg, ogg.length - 5)))).isEqualTo(ErrorCode.FILE_TRUNCATED);
    byte[] webm = MediaSamples.webm(2.0, false, false);
    assertThat(refusal(() -> inspect(Arrays.copyOf(webm, webm.length - 3)))).isEqualTo(ErrorCode.FILE_TRUNCATED);
    byte[] png = MediaSamples.png(20, 20);
    assertThat(refusal(() -> inspect(Arrays.copyOf(png, png.length - 20)))).isEqualTo(ErrorCode.FILE_TRUNCATED);
    byte[] jpeg = MediaSamples.jpeg(20, 20);
    assertThat(refusal(() -> inspect(Arrays.copyOf(jpeg, jpeg.length - 20)))).isEqualTo(ErrorCode.FILE_TRUNCATED);
  }

  @Test
  void neverTakesTextThatIsNotUtf8ForText() throws Exception {
    byte[] latin1 = "caf\u00e9 ".repeat(10).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    try {
      assertThat(inspect(latin1).mediaType()).isNotEqualTo("text/plain");
    } catch (ApiException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.FILE_UNREADABLE);
    }
    byte[] nul = "text\0with a NUL".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try {
      assertThat(inspect(nul).mediaType()).isNotEqualTo("text/plain");
    } catch (ApiException e) {
      assertThat(e.code()).isEqualTo(ErrorCode.FILE_UNREADABLE);
    }
  }

  /** Text longer than the checker's 64 KiB buffer: what matters may sit past the first buffer, or across two. */
  @Test
  void checksEveryByteOfALongText() throws Exception {
    byte[] check = "\u2713".getBytes(java.nio.charset.StandardCharsets.UTF_8); // 3 bytes
    for (int at : new int[] {65_534, 65_535, 65_536, 131_071}) {
      byte[] text = ascii(200_000);
      System.arraycopy(check, 0, text, at, check.length);
      assertThat(inspect(text).mediaType()).as("a 3-byte character at %d", at).isEqualTo("text/plain");
    }
    byte[] nul = ascii(150_000);
    nul[100_000] = 0;
    assertThat(refusal(() -> inspect(nul))).isEqualTo(ErrorCode.FILE_UNREADABLE);
    byte[] invalid = ascii(150_000);
    invalid[140_000] = (byte) 0xff;
    assertThat(refusal(() -> inspect(invalid))).isEqualTo(ErrorCode.FILE_UNREADABLE);
    byte[] cutAtTheEnd = ascii(70_000);
    cutAtTheEnd[69_999] = (byte) 0xc3; // the first byte of a two-byte character, then nothing
    assertThat(refusal(() -> inspect(cutAtTheEnd))).isEqualTo(ErrorCode.FILE_UNREADABLE);
    byte[] lone = ascii(70_000);
    lone[65_536] = (byte) 0x80; // a continuation byte with nothing before it, at a buffer's start
    assertThat(refusal(() -> inspect(lone))).isEqualTo(ErrorCode.FILE_UNREADABLE);
  }

  private static byte[] ascii(int length) {
    byte[] text = new byte[length];
    for (int i = 0; i < length; i++) {
      text[i] = (byte) (i % 61 == 60 ? '\n' : 'a' + i % 26);
    }
    return text;
  }
}
