package io.labelledger.upload;

import io.labelledger.testsupport.S3rver;
import io.labelledger.testsupport.TestChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link UploadsIT} with the service's blob store on S3 (s3rver, started by the test). */
class S3UploadsIT extends UploadsIT {
  private static S3rver server;

  @BeforeAll
  static void start(TestChain testChain) {
    server = S3rver.start();
    storeEnv = server.serviceEnv("uploads");
    UploadsIT.start(testChain);
  }

  @AfterAll
  static void stop() {
    UploadsIT.stop();
    storeEnv = java.util.Map.of();
    server.close();
  }
}
