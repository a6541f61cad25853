package io.labelledger.blob;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * The blob store contract on the S3 store against MinIO in a container; skipped where there is no
 * Docker engine (s3rver runs the same suite everywhere, {@link S3rverBlobStoreIT}).
 */
@Testcontainers(disabledWithoutDocker = true)
class MinioBlobStoreIT extends BlobStoreContract {
  private static final String BUCKET = "contract";
  private static final String USER = "labelledger";
  private static final String PASSWORD = "labelledger-secret";
  private static final int PORT = 9000;
  private static GenericContainer<?> minio;
  private static S3BlobStore store;

  @BeforeAll
  static void start() throws Exception {
    minio = new GenericContainer<>(DockerImageName.parse("minio/minio:RELEASE.2025-04-22T22-12-26Z"))
        .withEnv("MINIO_ROOT_USER", USER).withEnv("MINIO_ROOT_PASSWORD", PASSWORD)
        .withCommand("server", "/data").withExposedPorts(PORT)
        .waitingFor(Wait.forHttp("/minio/health/live").forPort(PORT));
    minio.start();
    store = S3BlobStore.open(new S3BlobStore.Coordinates(endpoint(), "us-east-1", BUCKET, USER, PASSWORD, true,
        "blobs/"), java.nio.file.Files.createTempDirectory("s3-spool"));
  }

  private static String endpoint() {
    return "http://" + minio.getHost() + ":" + minio.getMappedPort(PORT);
  }

  @AfterAll
  static void stop() {
    if (store != null) {
      store.close();
    }
    if (minio != null) {
      minio.stop();
    }
  }

  @Override
  BlobStore store() {
    return store;
  }

  @Override
  List<String> probeArgs() {
    return List.of("s3", endpoint(), BUCKET, USER, PASSWORD);
  }
}
