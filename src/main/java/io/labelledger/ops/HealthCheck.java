package io.labelledger.ops;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** One dependency readiness depends on ({@code db}, later {@code chain}). */
public interface HealthCheck {
  /** Key in the {@code checks} object of {@code /health/ready}. */
  String name();

  /** Succeeds when the dependency answers; fails (or times out) otherwise. */
  Future<Void> check();

  /**
   * What {@code /health/ready} shows under {@code details.<name>} once {@link #check()} ended (the
   * chain: each JSON-RPC endpoint's state), or null for nothing. Must not reveal secrets.
   */
  default JsonObject details() {
    return null;
  }
}
