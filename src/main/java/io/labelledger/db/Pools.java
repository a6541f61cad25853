package io.labelledger.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** The reactive PostgreSQL pool the service uses once the schema is migrated. */
public final class Pools {
  /** Waiters allowed by {@link #create(Vertx, DatabaseCoordinates, int)} (tools and tests). */
  public static final int DEFAULT_WAIT_QUEUE = 4096;

  private Pools() {}

  public static Pool create(Vertx vertx, DatabaseCoordinates db, int size) {
    return create(vertx, db, size, DEFAULT_WAIT_QUEUE);
  }

  /**
   * Creating the pool does not connect; the first query does.
   *
   * <p>There is no timeout on waiting for a connection. In Vert.x 5.0 the pool's wait timer races
   * with the hand-over of a recycled connection (vert.x#6169, fixed upstream by vert.x#6170): the
   * waiter is given the connection and then failed by its timer, the second completion throws
   * inside the pool's task combiner, and the tasks queued behind it are dropped, so some requests
   * never get an answer.
   * Overload is bounded by the wait queue instead: one waiter more than {@code waitQueue} fails at
   * once with {@code ConnectionPoolTooBusyException}, which the API answers with 503 SERVICE_BUSY.
   */
  public static Pool create(Vertx vertx, DatabaseCoordinates db, int size, int waitQueue) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(waitQueue).setConnectionTimeout(0)
            .setName("labelledger").setShared(false))
        .connectingTo(db.connectOptions())
        .using(vertx)
        .build();
  }
}
