package io.labelledger.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionCacheTest {
  private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");

  private static Principal.Account account(Instant expiresAt, byte fill) {
    byte[] hash = new byte[32];
    java.util.Arrays.fill(hash, fill);
    return new Principal.Account("0x" + "ab".repeat(20), expiresAt, hash);
  }

  @Test
  void answersOnlyWithinItsTimeToLive() {
    SessionCache cache = new SessionCache(Duration.ofSeconds(5));
    Principal.Account a = account(T0.plusSeconds(3600), (byte) 1);
    cache.put(a, T0);
    assertThat(cache.get(a.tokenHash().clone(), T0.plusSeconds(4))).contains(a);
    assertThat(cache.get(a.tokenHash(), T0.plusSeconds(5))).isEmpty();
    assertThat(cache.size()).as("a stale entry is dropped when met").isZero();
  }

  @Test
  void neverOutlivesTheSessionItself() {
    SessionCache cache = new SessionCache(Duration.ofSeconds(5));
    Principal.Account a = account(T0.plusSeconds(2), (byte) 2);
    cache.put(a, T0);
    assertThat(cache.get(a.tokenHash(), T0.plusSeconds(1))).contains(a);
    assertThat(cache.get(a.tokenHash(), T0.plusSeconds(2))).isEmpty();
  }

  @Test
  void removalTakesEffectAtOnce() {
    SessionCache cache = new SessionCache(Duration.ofSeconds(5));
    Principal.Account a = account(T0.plusSeconds(3600), (byte) 3);
    Principal.Account b = account(T0.plusSeconds(3600), (byte) 4);
    cache.put(a, T0);
    cache.put(b, T0);
    cache.remove(a.tokenHash());
    assertThat(cache.get(a.tokenHash(), T0)).isEmpty();
    assertThat(cache.get(b.tokenHash(), T0)).contains(b);
  }

  @Test
  void zeroDisablesIt() {
    SessionCache cache = new SessionCache(Duration.ZERO);
    Principal.Account a = account(T0.plusSeconds(3600), (byte) 5);
    cache.put(a, T0);
    assertThat(cache.get(a.tokenHash(), T0)).isEmpty();
  }

  @Test
  void evictionDropsOnlyExpiredEntries() {
    SessionCache cache = new SessionCache(Duration.ofSeconds(5));
    cache.put(account(T0.plusSeconds(3600), (byte) 6), T0);
    cache.put(account(T0.plusSeconds(3600), (byte) 7), T0.plusSeconds(10));
    cache.evictExpired(T0.plusSeconds(11));
    assertThat(cache.size()).isEqualTo(1);
  }
}
