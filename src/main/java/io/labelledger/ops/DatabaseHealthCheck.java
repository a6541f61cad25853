package io.labelledger.ops;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

/** The pool can run a query. */
public final class DatabaseHealthCheck implements HealthCheck {
  private final Pool pool;

  public DatabaseHealthCheck(Pool pool) {
    this.pool = pool;
  }

  @Override
  public String name() {
    return "db";
  }

  @Override
  public Future<Void> check() {
    return pool.query("select 1").execute().mapEmpty();
  }
}
