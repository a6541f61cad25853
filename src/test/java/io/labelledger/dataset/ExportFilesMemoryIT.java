package io.labelledger.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.ChainExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Exports with the files keep memory flat: the archive writers in a child JVM whose heap is far below the file. */
class ExportFilesMemoryIT {
  /**
   * A 256 MiB file through both archive writers in a JVM with a 32 MiB heap ({@link ExportFilesProbe}):
   * each archive is the file plus headers, so nothing held the file or the archive.
   */
  @Test
  void aFileLargerThanTheHeapGoesThroughBothArchivesInPieces() throws Exception {
    long length = 256L * 1024 * 1024;
    Path root = ChainExtension.ProjectPaths.root();
    String classpath = root.resolve("target/test-classes") + java.io.File.pathSeparator + root.resolve("target/classes")
        + java.io.File.pathSeparator + Files.readString(root.resolve("target/test-classpath.txt")).strip();
    String java = ProcessHandle.current().info().command().orElse("java");
    Process probe = new ProcessBuilder(java, "-Xmx32m", "-cp", classpath, ExportFilesProbe.class.getName(),
        Long.toString(length)).redirectErrorStream(true).start();
    String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(probe.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(probe.exitValue()).as(output).isZero();
    String[] last = output.lines().reduce((a, b) -> b).orElseThrow().split(" ");
    assertThat(Long.parseLong(last[2])).as("the probe's heap").isLessThan(length / 4);
    assertThat(Long.parseLong(last[0])).as("tar").isBetween(length, length + 64 * 1024);
    assertThat(Long.parseLong(last[1])).as("zip (stored at level 0)").isBetween(length, length + 2 * 1024 * 1024);
  }

}
