package io.labelledger.blob;

import io.labelledger.testsupport.S3rver;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The blob store contract on the S3 store, against s3rver (a real S3-compatible server) started by the test. */
class S3rverBlobStoreIT extends BlobStoreContract {
  private static final String BUCKET = "contract";
  private static S3rver server;
  private static S3BlobStore store;

  @BeforeAll
  static void start() throws Exception {
    server = S3rver.start();
    store = S3BlobStore.open(server.coordinates(BUCKET), java.nio.file.Files.createTempDirectory("s3-spool"));
  }

  @AfterAll
  static void stop() {
    if (store != null) {
      store.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Override
  BlobStore store() {
    return store;
  }

  @Override
  List<String> probeArgs() {
    return List.of("s3", server.endpoint(), BUCKET, S3rver.ACCESS_KEY, S3rver.SECRET_KEY);
  }
}
