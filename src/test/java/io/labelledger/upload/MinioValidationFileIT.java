package io.labelledger.upload;

import io.labelledger.testsupport.TestChain;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link ValidationFileIT} with the service's blob store on MinIO in a container; skipped where there is
 * no Docker engine ({@link S3ValidationFileIT} runs the same test on s3rver everywhere).
 */
@Testcontainers(disabledWithoutDocker = true)
class MinioValidationFileIT extends ValidationFileIT {
  private static final String USER = "labelledger";
  private static final String PASSWORD = "labelledger-secret";
  private static final int PORT = 9000;
  private static GenericContainer<?> minio;

  @BeforeAll
  static void start(TestChain testChain) {
    minio = new GenericContainer<>(DockerImageName.parse("minio/minio:RELEASE.2025-04-22T22-12-26Z"))
        .withEnv("MINIO_ROOT_USER", USER).withEnv("MINIO_ROOT_PASSWORD", PASSWORD)
        .withCommand("server", "/data").withExposedPorts(PORT)
        .waitingFor(Wait.forHttp("/minio/health/live").forPort(PORT));
    minio.start();
    storeEnv = Map.of("LABELLEDGER_BLOB_KIND", "s3",
        "LABELLEDGER_BLOB_ENDPOINT", "http://" + minio.getHost() + ":" + minio.getMappedPort(PORT),
        "LABELLEDGER_BLOB_BUCKET", "validation", "LABELLEDGER_BLOB_ACCESS_KEY", USER,
        "LABELLEDGER_BLOB_SECRET_KEY", PASSWORD, "LABELLEDGER_BLOB_PREFIX", "blobs/");
    ValidationFileIT.start(testChain);
  }

  @AfterAll
  static void stop() {
    ValidationFileIT.stop();
    storeEnv = Map.of();
    if (minio != null) {
      minio.stop();
    }
  }
}
