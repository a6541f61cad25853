package io.labelledger.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand (session and nonce expiry without waiting). */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;

  public MutableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  public void advance(Duration duration) {
    now.updateAndGet(t -> t.plus(duration));
  }

  /** Moves to {@code t} if that is later; never back. */
  public void catchUp(Instant t) {
    now.updateAndGet(current -> t.isAfter(current) ? t : current);
  }

  /**
   * Runs {@code action} while this clock keeps up with the wall clock (every 100 ms): for tests
   * where a browser, which knows only the wall clock, signs times the service checks against this one.
   */
  public <T> T followingWallClock(java.util.function.Supplier<T> action) {
    var ticker = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "wall-clock");
      t.setDaemon(true);
      return t;
    });
    catchUp(Instant.now());
    ticker.scheduleAtFixedRate(() -> catchUp(Instant.now()), 100, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
    try {
      return action.get();
    } finally {
      ticker.shutdownNow();
    }
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
