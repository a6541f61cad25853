package io.labelledger.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.testsupport.S3rver;
import io.labelledger.testsupport.TestChain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ValidationFileIT} with the service's blob store on S3 (s3rver, started by the test). */
class S3ValidationFileIT extends ValidationFileIT {
  private static final String BUCKET = "validation";
  private static S3rver server;

  @BeforeAll
  static void start(TestChain testChain) {
    server = S3rver.start();
    storeEnv = server.serviceEnv(BUCKET);
    ValidationFileIT.start(testChain);
  }

  @AfterAll
  static void stop() {
    ValidationFileIT.stop();
    storeEnv = java.util.Map.of();
    try {
      // the files the test uploaded went to the bucket, not to a filesystem store beside it
      Path bucket = server.dir().resolve(BUCKET);
      assertThat(bucket).isDirectory();
      try (Stream<Path> files = Files.walk(bucket)) {
        assertThat(files.filter(Files::isRegularFile).count()).isPositive();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    } finally {
      server.close();
    }
  }
}
