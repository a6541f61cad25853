package io.labelledger.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blob store contract on the embedded file store, and what only a file store can show: a real crash mid-write. */
class FileBlobStoreIT extends BlobStoreContract {
  private Path root;
  private FileBlobStore store;

  @BeforeEach
  void open() throws IOException {
    root = scratch.resolve("blobs");
    store = FileBlobStore.open(root);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Override
  BlobStore store() {
    return store;
  }

  @Override
  List<String> probeArgs() {
    return List.of("fs", root.toString());
  }

  @Override
  List<String> storedNames() throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).filter(f -> !f.getParent().getFileName().toString().equals("tmp"))
          .map(f -> f.getFileName().toString()).toList();
    }
  }

  @Test
  void keepsBlobsUnderShardedHexNamesAndNothingInTmp() throws Exception {
    Blob blob = store.put(GeneratedStream.of(10, 1000));
    assertThat(store.path(blob.id())).isEqualTo(root.resolve(blob.id().digits().substring(0, 2))
        .resolve(blob.id().digits()));
    assertThat(store.path(blob.id())).isRegularFile();
    try (Stream<Path> tmp = Files.list(root.resolve("tmp"))) {
      assertThat(tmp).isEmpty();
    }
  }

  @Test
  void aWriterKilledMidWriteLeavesNoHalfFileUnderARealNameAndReopeningClearsItsPart() throws Exception {
    long length = 8L * 1024 * 1024;
    List<String> args = new ArrayList<>(probeArgs());
    args.addAll(List.of("11", Long.toString(length), Long.toString(length / 2)));
    Process probe = startProbe(args);
    Path tmp = root.resolve("tmp");
    Instant deadline = Instant.now().plusSeconds(60);
    while (partBytes(tmp) < length / 4 && Instant.now().isBefore(deadline)) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    assertThat(partBytes(tmp)).as("the writer got half way").isGreaterThanOrEqualTo(length / 4);
    probe.destroyForcibly(); // SIGKILL: no finally block, no shutdown hook runs
    assertThat(probe.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(storedNames()).as("nothing under a real name").isEmpty();
    store.close();
    store = FileBlobStore.open(root);
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).as("the partial file is removed when the store opens again").isEmpty();
    }
  }

  private static long partBytes(Path tmp) throws IOException {
    try (Stream<Path> parts = Files.list(tmp)) {
      return parts.mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException gone) {
          return 0;
        }
      }).sum();
    }
  }
}
