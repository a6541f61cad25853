package io.labelledger.dataset;

import io.labelledger.testsupport.S3rver;
import io.labelledger.testsupport.TestChain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link ErasureIT} with the service's blob store on S3 (s3rver, started by the test). */
class S3ErasureIT extends ErasureIT {
  private static S3rver server;

  @BeforeAll
  static void start(TestChain testChain) throws Exception {
    server = S3rver.start();
    storeEnv = server.serviceEnv("erasure");
    ErasureIT.start(testChain);
  }

  @AfterAll
  static void stop() {
    ErasureIT.stop();
    storeEnv = java.util.Map.of();
    server.close();
  }
}
