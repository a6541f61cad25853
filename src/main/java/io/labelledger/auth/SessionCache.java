package io.labelledger.auth;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions read from the database, kept in memory for a short time so that a busy client does not
 * cost a database round trip per request. An entry is used only while both its cache time and the
 * session itself are unexpired (by the service clock), so caching never extends a session. A
 * logout removes the entry here at once; another instance may still honour the token for up to
 * {@code ttl}. Bounded: when full, it is emptied (entries are only a shortcut). Thread-safe.
 */
final class SessionCache {
  static final int MAX_ENTRIES = 100_000;

  private record Entry(Principal.Account account, Instant cachedUntil) {}

  private final ConcurrentHashMap<ByteBuffer, Entry> entries = new ConcurrentHashMap<>();
  private final Duration ttl;

  SessionCache(Duration ttl) {
    this.ttl = ttl;
  }

  Optional<Principal.Account> get(byte[] tokenHash, Instant now) {
    if (ttl.isZero()) {
      return Optional.empty();
    }
    Entry e = entries.get(ByteBuffer.wrap(tokenHash));
    if (e == null) {
      return Optional.empty();
    }
    if (!now.isBefore(e.cachedUntil()) || !now.isBefore(e.account().expiresAt())) {
      entries.remove(ByteBuffer.wrap(tokenHash), e);
      return Optional.empty();
    }
    return Optional.of(e.account());
  }

  void put(Principal.Account account, Instant now) {
    if (ttl.isZero()) {
      return;
    }
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(ByteBuffer.wrap(account.tokenHash().clone()), new Entry(account, now.plus(ttl)));
  }

  void remove(byte[] tokenHash) {
    entries.remove(ByteBuffer.wrap(tokenHash));
  }

  /** Drops entries past their time (housekeeping; lookups ignore them anyway). */
  void evictExpired(Instant now) {
    entries.values().removeIf(e -> !now.isBefore(e.cachedUntil()) || !now.isBefore(e.account().expiresAt()));
  }

  int size() {
    return entries.size();
  }
}
