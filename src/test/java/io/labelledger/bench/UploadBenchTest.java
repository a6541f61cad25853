package io.labelledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.blob.Blob;
import io.labelledger.chain.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Hash;

class UploadBenchTest {
  private static final long SIZE = 100_000;

  private static byte[] readAll(UploadBench.GeneratedFile in) throws IOException {
    return in.readAllBytes();
  }

  @Test
  void generatesExactlyTheFilesLengthAndHashesWhatItGave() throws Exception {
    var file = new UploadBench.GeneratedFile(new UploadBench.FileSpec(3, SIZE, false), 1);
    byte[] bytes = readAll(file);
    Blob hashes = file.hashes();
    assertThat(bytes).hasSize((int) SIZE);
    assertThat(hashes.id().hex()).isEqualTo(Hash.sha3(Hex.encode(bytes)));
    assertThat(hashes.sha256()).isEqualTo(Hex.encode(MessageDigest.getInstance("SHA-256").digest(bytes)));
    assertThat(hashes.bytes()).isEqualTo(SIZE);
  }

  @Test
  void sameSeedAndIndexGiveTheSameBytesAndOthersDiffer() throws Exception {
    byte[] once = readAll(new UploadBench.GeneratedFile(new UploadBench.FileSpec(7, SIZE, true), 1));
    byte[] again = readAll(new UploadBench.GeneratedFile(new UploadBench.FileSpec(7, SIZE, true), 1));
    byte[] otherIndex = readAll(new UploadBench.GeneratedFile(new UploadBench.FileSpec(8, SIZE, true), 1));
    byte[] otherSeed = readAll(new UploadBench.GeneratedFile(new UploadBench.FileSpec(7, SIZE, true), 2));
    assertThat(again).isEqualTo(once);
    assertThat(otherIndex).isNotEqualTo(once);
    assertThat(otherSeed).isNotEqualTo(once);
  }

  @Test
  void textIsPrintableAsciiInLines() throws Exception {
    byte[] text = readAll(new UploadBench.GeneratedFile(new UploadBench.FileSpec(1, SIZE, false), 1));
    for (int i = 0; i < text.length; i++) {
      byte b = text[i];
      assertThat(b == '\n' ? (i % 64 == 63) : (b >= 0x20 && b < 0x7f)).as("byte %d: %d", i, b).isTrue();
    }
  }

  @Test
  void wavHeaderAnnouncesTheRestOfTheFileAsSixteenBitMonoAudio() throws Exception {
    byte[] wav = readAll(new UploadBench.GeneratedFile(new UploadBench.FileSpec(0, SIZE, true), 1));
    ByteBuffer h = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(wav, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
    assertThat(h.getInt(4)).isEqualTo(wav.length - 8);
    assertThat(new String(wav, 8, 8, StandardCharsets.US_ASCII)).isEqualTo("WAVEfmt ");
    assertThat(h.getShort(20)).as("PCM").isEqualTo((short) 1);
    assertThat(h.getShort(22)).as("channels").isEqualTo((short) 1);
    assertThat(h.getInt(28)).as("byte rate").isEqualTo(32_000);
    assertThat(new String(wav, 36, 4, StandardCharsets.US_ASCII)).isEqualTo("data");
    assertThat(h.getInt(40)).isEqualTo(wav.length - 44);
  }

  @Test
  void readsOneByteAtATimeLikeABufferAtATime() throws Exception {
    byte[] whole = readAll(new UploadBench.GeneratedFile(new UploadBench.FileSpec(5, 1_000, true), 1));
    InputStream single = new UploadBench.GeneratedFile(new UploadBench.FileSpec(5, 1_000, true), 1);
    byte[] bytes = new byte[1_000];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) single.read();
    }
    assertThat(single.read()).isEqualTo(-1);
    assertThat(bytes).isEqualTo(whole);
  }
}
