package io.labelledger.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The packaged {@code target/labelledger-audit.jar} (the {@code package} phase builds it, before
 * failsafe runs), copied alone into an empty folder and run there as an auditor runs it: {@code
 * java -jar} in a process of its own, with the folder as working directory, no class path and
 * nothing of the project's next to it.
 */
public final class AuditJar {
  /** Where the pom's failsafe configuration says the jar is. */
  public static final String PROPERTY = "labelledger.auditJar";
  private static final long TIMEOUT_SECONDS = 120;

  /** One run: exit status, stdout and stderr, and how long it took. */
  public record Run(int exit, String out, String err, double seconds) {
    /** Everything printed, for assertion messages. */
    public String output() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Path jar;

  private AuditJar(Path jar) {
    this.jar = jar;
  }

  /**
   * Copies the packaged jar into {@code emptyDir}, which must be empty.
   *
   * @throws IllegalStateException the jar was not packaged (run {@code mvn verify}, or {@code mvn
   *     package} before running the test alone)
   */
  public static AuditJar copiedAloneInto(Path emptyDir) {
    String configured = System.getProperty(PROPERTY);
    Path packaged = configured != null ? Path.of(configured)
        : Path.of(System.getProperty("labelledger.root", "."), "target", "labelledger-audit.jar");
    if (!Files.isRegularFile(packaged)) {
      throw new IllegalStateException("no packaged verifier at " + packaged + ": run `mvn package` first");
    }
    try (Stream<Path> entries = Files.list(emptyDir)) {
      if (entries.findAny().isPresent()) {
        throw new IllegalArgumentException(emptyDir + " is not empty");
      }
      return new AuditJar(Files.copy(packaged, emptyDir.resolve(packaged.getFileName())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path jar() {
    return jar;
  }

  /** {@code java -jar labelledger-audit.jar args...}, run in the jar's folder by this test JVM's own java. */
  public Run run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.getFileName().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(jar.getParent().toFile());
    // nothing from the build may reach the jar's JVM
    builder.environment().remove("CLASSPATH");
    builder.environment().remove("JAVA_TOOL_OPTIONS");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    long started = System.nanoTime();
    try {
      Process process = builder.start();
      CompletableFuture<String> out = drain(process.getInputStream());
      CompletableFuture<String> err = drain(process.getErrorStream());
      process.getOutputStream().close();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("java -jar " + jar.getFileName() + " " + String.join(" ", args)
            + " did not end within " + TIMEOUT_SECONDS + " s");
      }
      return new Run(process.exitValue(), out.join(), err.join(), (System.nanoTime() - started) / 1e9);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Reads a stream to its end on a thread of its own: both pipes must flow (the common pool may have one thread). */
  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, task -> {
      Thread t = new Thread(task, "audit-jar-output");
      t.setDaemon(true);
      t.start();
    });
  }
}
