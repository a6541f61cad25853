package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.answer.ContributedFile;
import io.labelledger.blob.Blob;
import io.labelledger.blob.BlobHasher;
import io.labelledger.blob.BlobId;
import io.labelledger.blob.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.junit.jupiter.api.Test;

/** The archive layouts of file exports, and the refusal to send bytes that are not the signed file. */
class ExportFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Blobs in memory, stored under whatever id the test says (so a test can store wrong bytes). */
  static class MemoryStore implements BlobStore {
    final Map<String, byte[]> blobs = new HashMap<>();

    String add(byte[] bytes) {
      String id = hash(bytes);
      blobs.put(id, bytes);
      return id;
    }

    @Override
    public Blob put(InputStream in) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Blob putHashed(Path file, Blob hashes) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean exists(BlobId id) {
      return blobs.containsKey(id.hex());
    }

    @Override
    public OptionalLong size(BlobId id) {
      byte[] b = blobs.get(id.hex());
      return b == null ? OptionalLong.empty() : OptionalLong.of(b.length);
    }

    @Override
    public InputStream open(BlobId id) throws IOException {
      byte[] b = blobs.get(id.hex());
      if (b == null) {
        throw new NoSuchFileException(id.hex());
      }
      return new ByteArrayInputStream(b);
    }

    @Override
    public boolean delete(BlobId id) {
      return blobs.remove(id.hex()) != null;
    }

    @Override
    public String describe() {
      return "memory";
    }

    @Override
    public void close() {}
  }

  static String hash(byte[] bytes) {
    try {
      return BlobHasher.copy(new ByteArrayInputStream(bytes), null).finish(false).id().hex();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ExportFiles.Sample sample(long item, long contribution, String file, String mediaType, long bytes) {
    String answer = "{\"bytes\":" + bytes + ",\"file\":\"" + file + "\",\"mediaType\":\"" + mediaType + "\"}";
    return new ExportFiles.Sample(item, "prompt" + item, "{\"text\":\"say \\\"hi\\\"\"}", contribution, 3,
        "0x" + "12".repeat(20), answer, new ContributedFile(file, mediaType, bytes), "0x" + "ab".repeat(32),
        1_700_000_000L + contribution, new byte[32]);
  }

  @Test
  void webDatasetHasTheMetadataThenTheFileOfEachSampleUnderOneKey() throws Exception {
    MemoryStore store = new MemoryStore();
    byte[] wav = "RIFF....WAVE".getBytes(StandardCharsets.US_ASCII);
    byte[] png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
    List<ExportFiles.Sample> samples = List.of(sample(7, 40, store.add(wav), "audio/wav", wav.length),
        sample(8, 41, store.add(png), "image/png", png.length));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportFiles.Tar tar = new ExportFiles.Tar(out, store)) {
      for (ExportFiles.Sample s : samples) {
        tar.write(s);
      }
    }
    List<String> names = new ArrayList<>();
    Map<String, byte[]> content = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(e.getName());
        content.put(e.getName(), in.readAllBytes());
      }
    }
    assertThat(names).containsExactly("7-40.json", "7-40.wav", "8-41.json", "8-41.png");
    assertThat(content.get("7-40.wav")).isEqualTo(wav);
    assertThat(content.get("8-41.png")).isEqualTo(png);
    JsonNode meta = JSON.readTree(content.get("7-40.json"));
    assertThat(meta.get("file_name").asText()).isEqualTo("7-40.wav");
    assertThat(meta.get("file").asText()).isEqualTo(hash(wav));
    assertThat(meta.get("answer").asText()).isEqualTo(samples.get(0).answer());
    assertThat(meta.get("data").get("text").asText()).isEqualTo("say \"hi\"");
    assertThat(meta.get("submittedAt").asLong()).isEqualTo(1_700_000_040L);
    assertThat(meta.get("digest").asText()).isEqualTo("0x" + "00".repeat(32));
  }

  @Test
  void folderLayoutPutsTheMetadataFirstAndNamesEveryFile() throws Exception {
    MemoryStore store = new MemoryStore();
    byte[] a = "first recording".getBytes(StandardCharsets.UTF_8);
    byte[] b = "second recording".getBytes(StandardCharsets.UTF_8);
    List<ExportFiles.Sample> samples = List.of(sample(1, 10, store.add(a), "audio/ogg", a.length),
        sample(2, 11, store.add(b), "audio/ogg", b.length));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportFiles.Zip zip = new ExportFiles.Zip(out, store)) {
      for (ExportFiles.Sample s : samples) {
        zip.metadata(s);
      }
      for (ExportFiles.Sample s : samples) {
        zip.file(s);
      }
    }
    List<String> names = new ArrayList<>();
    Map<String, byte[]> content = new HashMap<>();
    try (ZipArchiveInputStream in = new ZipArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      for (ZipArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(e.getName());
        content.put(e.getName(), in.readAllBytes());
      }
    }
    assertThat(names).containsExactly("metadata.jsonl", "1-10.ogg", "2-11.ogg");
    String[] lines = new String(content.get("metadata.jsonl"), StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(2);
    assertThat(JSON.readTree(lines[1]).get("file_name").asText()).isEqualTo("2-11.ogg");
    assertThat(content.get("2-11.ogg")).isEqualTo(b);
  }

  @Test
  void anEmptyVersionIsAnArchiveWithAnEmptyMetadataFile() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportFiles.Zip zip = new ExportFiles.Zip(out, new MemoryStore())) {
      // no samples
    }
    try (ZipArchiveInputStream in = new ZipArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      ZipArchiveEntry only = in.getNextEntry();
      assertThat(only.getName()).isEqualTo("metadata.jsonl");
      assertThat(in.readAllBytes()).isEmpty();
      assertThat(in.getNextEntry()).isNull();
    }
  }

  @Test
  void bytesThatAreNotTheSignedFileStopTheExport() {
    MemoryStore store = new MemoryStore();
    byte[] signed = "what the contributor signed".getBytes(StandardCharsets.UTF_8);
    String id = hash(signed);
    byte[] other = "something else, same length!".getBytes(StandardCharsets.UTF_8);
    store.blobs.put(id, java.util.Arrays.copyOf(other, signed.length));
    assertThatThrownBy(() -> ExportFiles.copyFile(store, sample(1, 1, id, "text/plain", signed.length),
        OutputStream.nullOutputStream())).isInstanceOf(IOException.class).hasMessageContaining("not the signed file");
    store.blobs.remove(id);
    assertThatThrownBy(() -> ExportFiles.copyFile(store, sample(1, 1, id, "text/plain", signed.length),
        OutputStream.nullOutputStream())).isInstanceOf(NoSuchFileException.class);
  }
}
