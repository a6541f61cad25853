package io.labelledger.ops;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a background worker's rounds one at a time: on a timer (a tick that finds a round running
 * is skipped) and on demand ({@link #round()}, which waits for a running round and then starts
 * one, so everything committed or mined before the call is seen). A round never fails: its
 * failure is logged and the next round retries. Thread-safe.
 */
public final class SerialRounds {
  private static final Logger LOG = LoggerFactory.getLogger(SerialRounds.class);

  private final Vertx vertx;
  private final String name;
  private final Supplier<Future<?>> work;
  private Future<Void> current;
  private long timer = -1;
  private boolean stopped;

  /**
   * @param name what the worker does, for the log ("consent indexing")
   * @param work one round; called on the timer's event loop
   */
  public SerialRounds(Vertx vertx, String name, Supplier<Future<?>> work) {
    this.vertx = vertx;
    this.name = name;
    this.work = work;
  }

  /** Starts the timer; returns its id. */
  public synchronized long start(long intervalMs) {
    timer = vertx.setPeriodic(intervalMs, id -> roundIfIdle());
    return timer;
  }

  /**
   * Stops the timer and starts no round from now on (a later {@link #round()} does nothing);
   * completes when the round running now, if any, has ended. What a shutdown waits for before it
   * closes the pool the rounds use.
   */
  public synchronized Future<Void> stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return current == null ? Future.succeededFuture() : current;
  }

  private synchronized void roundIfIdle() {
    if (current == null || current.isComplete()) {
      round();
    }
  }

  /** A whole round that starts now or, when one is running, right after it. Never fails. */
  public synchronized Future<Void> round() {
    if (stopped) {
      return Future.succeededFuture();
    }
    if (current != null && !current.isComplete()) {
      return current.transform(ar -> round());
    }
    current = work.get()
        .onFailure(err -> LOG.warn("{} round failed: {}", name, err.toString()))
        .otherwiseEmpty().mapEmpty();
    return current;
  }
}
