package io.labelledger.ops;

import io.vertx.core.Future;

/** One dependency readiness depends on ({@code db}, later {@code chain}). */
public interface HealthCheck {
  /** Key in the {@code checks} object of {@code /health/ready}. */
  String name();

  /** Succeeds when the dependency answers; fails (or times out) otherwise. */
  Future<Void> check();
}
