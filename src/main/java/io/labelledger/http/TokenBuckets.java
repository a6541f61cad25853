package io.labelledger.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (account or client IP): {@code burst} tokens, refilled at
 * {@code perSecond}. In memory, per service instance: with N instances behind a load balancer a
 * client gets up to N times the rate. Thread-safe; idle buckets are dropped by {@link #evictIdle()}.
 */
public final class TokenBuckets {
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final double perNano;
  private final double burst;
  private final LongSupplier nanoClock;

  public TokenBuckets(int perSecond, int burst, LongSupplier nanoClock) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
  }

  /** Takes one token: 0 when granted, else the whole seconds to wait for the next token (≥ 1). */
  public long tryAcquire(String key) {
    long now = nanoClock.getAsLong();
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
    synchronized (bucket) {
      bucket.refill(now, perNano, burst);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      double nanosToNext = (1 - bucket.tokens) / perNano;
      return Math.max(1, (long) Math.ceil(nanosToNext / 1e9));
    }
  }

  /** Drops buckets that are full again (their keys have been idle long enough to forget). */
  public void evictIdle() {
    long now = nanoClock.getAsLong();
    buckets.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        e.getValue().refill(now, perNano, burst);
        return e.getValue().tokens >= burst;
      }
    });
  }

  int size() {
    return buckets.size();
  }

  private static final class Bucket {
    private double tokens;
    private long updatedAt;

    Bucket(double tokens, long updatedAt) {
      this.tokens = tokens;
      this.updatedAt = updatedAt;
    }

    void refill(long now, double perNano, double burst) {
      if (now > updatedAt) {
        tokens = Math.min(burst, tokens + (now - updatedAt) * perNano);
        updatedAt = now;
      }
    }
  }
}
