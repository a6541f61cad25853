package io.labelledger.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labelledger.chain.Hex;
import io.labelledger.testsupport.ChainExtension;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Hash;

/**
 * What every {@link BlobStore} promises, written once against the interface and run against each
 * implementation by a subclass (the file store, s3rver, MinIO where Docker exists): the same suite,
 * every way.
 */
abstract class BlobStoreContract {
  /** Big enough to be many buffers, many times the probe's heap: a file that cannot fit in memory. */
  static final long LARGE = 256L * 1024 * 1024;
  static final String PROBE_HEAP = "-Xmx32m";

  @TempDir
  Path scratch;

  /** The store under test, fresh or shared; each test uses its own bytes. */
  abstract BlobStore store();

  /** The {@link BlobPutProbe} arguments that open the same store in a child JVM (before seed and length). */
  abstract List<String> probeArgs();

  static String sha256(byte[] bytes) throws Exception {
    return Hex.encode(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void putsThenReadsBackTheSameBytesUnderTheirKeccak() throws Exception {
    byte[] bytes = GeneratedStream.bytes(1, 300_000);
    Blob blob = store().put(new ByteArrayInputStream(bytes));
    assertThat(blob.id().hex()).isEqualTo(Hash.sha3(Hex.encode(bytes)));
    assertThat(blob.sha256()).isEqualTo(sha256(bytes));
    assertThat(blob.bytes()).isEqualTo(bytes.length);
    assertThat(blob.created()).isTrue();
    assertThat(store().exists(blob.id())).isTrue();
    assertThat(store().size(blob.id())).hasValue(bytes.length);
    try (InputStream in = store().open(blob.id())) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void deletesABlobOnceAndThenKnowsItIsGone() throws Exception {
    Blob blob = store().put(new ByteArrayInputStream("delete me".getBytes(StandardCharsets.UTF_8)));
    assertThat(store().delete(blob.id())).isTrue();
    assertThat(store().exists(blob.id())).isFalse();
    assertThat(store().size(blob.id())).isEmpty();
    assertThat(store().delete(blob.id())).isFalse();
    assertThatThrownBy(() -> store().open(blob.id()).close()).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void storesIdenticalBytesOnce() throws Exception {
    byte[] bytes = GeneratedStream.bytes(2, 50_000);
    Blob first = store().put(new ByteArrayInputStream(bytes));
    Blob second = store().put(new ByteArrayInputStream(bytes));
    assertThat(second.id()).isEqualTo(first.id());
    assertThat(second.sha256()).isEqualTo(first.sha256());
    assertThat(first.created()).isTrue();
    assertThat(second.created()).as("the same bytes are not written again").isFalse();
  }

  @Test
  void takesOverAFileItIsGiven() throws Exception {
    byte[] bytes = GeneratedStream.bytes(3, 70_000);
    Path file = Files.write(scratch.resolve("upload.bin"), bytes);
    Blob blob = store().putFile(file);
    assertThat(blob.id().hex()).isEqualTo(Hash.sha3(Hex.encode(bytes)));
    assertThat(file).doesNotExist();
    try (InputStream in = store().open(blob.id())) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    Path again = Files.write(scratch.resolve("again.bin"), bytes);
    assertThat(store().putFile(again).created()).isFalse();
    assertThat(again).as("a duplicate file is deleted, not left behind").doesNotExist();
  }

  @Test
  void takesOverAFileWithTheHashesItsWriterComputed() throws Exception {
    byte[] bytes = GeneratedStream.bytes(4, 90_000);
    Path file = Files.write(scratch.resolve("staged.bin"), bytes);
    Blob hashes = BlobHasher.of(file);
    Blob blob = store().putHashed(file, hashes);
    assertThat(blob.id()).isEqualTo(hashes.id());
    assertThat(blob.sha256()).isEqualTo(hashes.sha256());
    assertThat(blob.created()).isTrue();
    assertThat(file).doesNotExist();
    try (InputStream in = store().open(blob.id())) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    Path again = Files.write(scratch.resolve("staged-again.bin"), bytes);
    assertThat(store().putHashed(again, hashes).created()).isFalse();
    assertThat(again).doesNotExist();
  }

  @Test
  void storesAnEmptyBlobUnderTheKeccakOfNothing() throws Exception {
    Blob blob = store().put(InputStream.nullInputStream());
    assertThat(blob.id().hex()).isEqualTo(Hash.sha3("0x"));
    assertThat(blob.bytes()).isZero();
  }

  @Test
  void aStreamThatBreaksMidWayLeavesNothingUnderAnyName() throws Exception {
    long seed = 4;
    int length = 3 * 1024 * 1024;
    BlobId whole = new BlobId(Hash.sha3(Hex.encode(GeneratedStream.bytes(seed, length))));
    assertThatThrownBy(() -> store().put(GeneratedStream.failingAt(seed, length, length / 2)))
        .isInstanceOf(IOException.class);
    assertThat(store().exists(whole)).isFalse();
    assertThat(storedNames()).as("no blob of the broken stream's prefix either")
        .doesNotContain(new BlobId(Hash.sha3(Hex.encode(java.util.Arrays.copyOf(
            GeneratedStream.bytes(seed, length), length / 2)))).digits());
  }

  /** The 64-hex names of every stored blob, where the implementation can list them (else empty). */
  List<String> storedNames() throws IOException {
    return List.of();
  }

  @Test
  void streamsALargeFileThroughASmallHeapWithTheRightHashes() throws Exception {
    long seed = 5;
    BlobHasher expected = BlobHasher.copy(GeneratedStream.of(seed, LARGE), null);
    Blob want = expected.finish(true);
    List<String> args = new ArrayList<>(probeArgs());
    args.add(Long.toString(seed));
    args.add(Long.toString(LARGE));
    Process probe = startProbe(args);
    assertThat(probe.waitFor(240, TimeUnit.SECONDS)).as("probe finished").isTrue();
    String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(probe.exitValue()).as(out).isZero();
    String[] line = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
    assertThat(line[0]).isEqualTo(want.id().hex());
    assertThat(line[1]).isEqualTo(want.sha256());
    assertThat(Long.parseLong(line[2])).isEqualTo(LARGE);
    assertThat(Long.parseLong(line[3])).as("the probe's heap is far below the file's size").isLessThan(LARGE / 4);
    assertThat(store().size(want.id())).hasValue(LARGE);
    try (InputStream in = store().open(want.id())) {
      Blob read = BlobHasher.copy(in, null).finish(false);
      assertThat(read.id()).isEqualTo(want.id());
    }
    assertThat(store().delete(want.id())).isTrue();
  }

  /** {@link BlobPutProbe} in a child JVM with a 32 MiB heap, on this build's test classpath. */
  static Process startProbe(List<String> args) throws IOException {
    Path root = ChainExtension.ProjectPaths.root();
    String classpath = root.resolve("target/test-classes") + java.io.File.pathSeparator + root.resolve("target/classes")
        + java.io.File.pathSeparator + Files.readString(root.resolve("target/test-classpath.txt")).strip();
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, PROBE_HEAP, "-cp", classpath, BlobPutProbe.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }
}
