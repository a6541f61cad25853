package io.labelledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketsTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final TokenBuckets buckets = new TokenBuckets(2, 3, nanos::get);

  @Test
  void grantsTheBurstThenAsksToWait() {
    for (int i = 0; i < 3; i++) {
      assertThat(buckets.tryAcquire("a")).isZero();
    }
    assertThat(buckets.tryAcquire("a")).isEqualTo(1);
  }

  @Test
  void refillsAtTheConfiguredRate() {
    for (int i = 0; i < 3; i++) {
      buckets.tryAcquire("a");
    }
    nanos.addAndGet(500_000_000L); // half a second at 2/s = one token
    assertThat(buckets.tryAcquire("a")).isZero();
    assertThat(buckets.tryAcquire("a")).isPositive();
  }

  @Test
  void keysHaveSeparateBuckets() {
    for (int i = 0; i < 3; i++) {
      buckets.tryAcquire("a");
    }
    assertThat(buckets.tryAcquire("b")).isZero();
  }

  @Test
  void idleFullBucketsAreForgotten() {
    buckets.tryAcquire("a");
    buckets.tryAcquire("b");
    nanos.addAndGet(10_000_000_000L);
    buckets.evictIdle();
    assertThat(buckets.size()).isZero();
  }
}
