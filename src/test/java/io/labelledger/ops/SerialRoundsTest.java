package io.labelledger.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Stopping: no round starts after it, and its future waits for the round that was running. */
class SerialRoundsTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void noRoundStartsAfterStop() throws Exception {
    AtomicInteger rounds = new AtomicInteger();
    SerialRounds serial = new SerialRounds(vertx, "test", () -> {
      rounds.incrementAndGet();
      return Future.succeededFuture();
    });
    serial.start(5);
    waitUntil(() -> rounds.get() >= 3);
    serial.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    int atStop = rounds.get();
    Thread.sleep(100); // twenty timer periods
    serial.round().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(rounds.get()).isEqualTo(atStop);
  }

  @Test
  void stopCompletesOnlyWhenTheRunningRoundEnds() throws Exception {
    AtomicReference<Promise<Void>> running = new AtomicReference<>();
    SerialRounds serial = new SerialRounds(vertx, "test", () -> {
      Promise<Void> p = Promise.promise();
      running.set(p);
      return p.future();
    });
    serial.round();
    Future<Void> stopped = serial.stop();
    Thread.sleep(50);
    assertThat(stopped.isComplete()).isFalse();
    running.get().complete();
    stopped.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(stopped.succeeded()).isTrue();
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
