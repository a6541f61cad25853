package io.labelledger.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** The reactive PostgreSQL pool the service uses once the schema is migrated. */
public final class Pools {
  private Pools() {}

  /** Creating the pool does not connect; the first query does. */
  public static Pool create(Vertx vertx, DatabaseCoordinates db, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName("labelledger").setShared(false))
        .connectingTo(db.connectOptions())
        .using(vertx)
        .build();
  }
}
