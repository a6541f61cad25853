package io.labelledger.signing;

import io.labelledger.http.ApiException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;

/**
 * Recovers signers of signed requests off the event loop, on Vert.x worker threads, without paying
 * a worker hand-off per request: requests queue here, and up to {@code parallelism} worker tasks
 * each drain the queue, so under load one hand-off serves many recoveries (they run in parallel on
 * as many cores). Each caller's future completes on its own context, with the same 4xx
 * ({@link Signatures#requireSigner}) as a direct call.
 */
public final class SignerRecovery {
  private record Job(byte[] digest, byte[] signature, String expected, Context context, Promise<Void> promise) {}

  private final Vertx vertx;
  private final int parallelism;
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private int draining;

  public SignerRecovery(Vertx vertx, int parallelism) {
    this.vertx = vertx;
    this.parallelism = parallelism;
  }

  /** One per service: as many drains as cores, since recovery is CPU only. */
  public static SignerRecovery forCores(Vertx vertx) {
    return new SignerRecovery(vertx, Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /** Succeeds when {@code signature} over {@code digest} recovers to {@code expected}; fails with its 4xx otherwise. */
  public Future<Void> requireSigner(byte[] digest, byte[] signature, String expected) {
    Job job = new Job(digest, signature, expected, vertx.getOrCreateContext(), Promise.promise());
    boolean startDrain;
    synchronized (this) {
      queue.add(job);
      startDrain = draining < parallelism;
      if (startDrain) {
        draining++;
      }
    }
    if (startDrain) {
      vertx.executeBlocking(() -> {
        drain();
        return null;
      }, false).onFailure(err -> {
        synchronized (this) {
          draining--;
        }
      });
    }
    return job.promise().future();
  }

  private void drain() {
    while (true) {
      Job job;
      synchronized (this) {
        job = queue.poll();
        if (job == null) {
          draining--;
          return;
        }
      }
      RuntimeException failure = null;
      try {
        Signatures.requireSigner(job.digest(), job.signature(), job.expected());
      } catch (ApiException e) {
        failure = e;
      } catch (RuntimeException e) {
        failure = e;
      }
      RuntimeException outcome = failure;
      job.context().runOnContext(v -> {
        if (outcome == null) {
          job.promise().complete();
        } else {
          job.promise().fail(outcome);
        }
      });
    }
  }
}
