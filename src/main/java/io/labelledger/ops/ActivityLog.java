package io.labelledger.ops;

import io.labelledger.auth.Guards;
import io.labelledger.http.ApiModule;
import io.labelledger.http.JsonCodec;
import io.labelledger.http.Params;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' activity log: what each operator did (terms published, campaign created, items
 * uploaded, version built, version listed), by whom (the signed-in operator's address, or
 * {@code operator-token} for scripts holding the shared token) and when; read at
 * {@code GET /api/operator/activity}, newest first. An entry is written after the action succeeded
 * and before it is answered, so a client that got its answer finds the entry; a failure to write
 * it is logged and does not undo or fail the action.
 */
public final class ActivityLog implements ApiModule {
  private static final Logger LOG = LoggerFactory.getLogger(ActivityLog.class);
  private static final int MAX_PAGE = 200;

  /** One entry. */
  public record Entry(long id, String at, String actor, String action, Map<String, Object> subject) {}

  /** A page of entries, newest first; {@code nextBeforeId} continues it. */
  public record Page(List<Entry> entries, Long nextBeforeId) {}

  private final Pool pool;
  private final JsonCodec json;

  public ActivityLog(Pool pool, JsonCodec json) {
    this.pool = pool;
    this.json = json;
  }

  /**
   * {@code result}, once {@code action} on what {@code subject} names is recorded for the request's
   * operator. Call on an operator route.
   */
  public <T> Future<T> after(RoutingContext ctx, String action, Future<T> result,
      Function<T, Map<String, Object>> subject) {
    String actor = Guards.actor(ctx);
    return result.compose(value -> pool.preparedQuery(
            "insert into operator_activity (actor, action, subject) values ($1, $2, $3::text::jsonb)")
        .execute(Tuple.of(actor, action, new JsonObject(subject.apply(value)).encode()))
        .transform(ar -> {
          if (ar.failed()) {
            LOG.warn("activity not recorded ({} by {}): {}", action, actor, ar.cause().toString());
          }
          return Future.succeededFuture(value);
        }));
  }

  @Override
  public void mount(Router router) {
    router.get("/api/operator/activity").handler(Guards.requireOperator()).handler(ctx -> {
      long beforeId = Params.query(ctx, "beforeId", Long.MAX_VALUE, 1, Long.MAX_VALUE);
      int limit = (int) Params.query(ctx, "limit", 50, 1, MAX_PAGE);
      json.reply(ctx, 200, pool.preparedQuery("select id, to_char(at at time zone 'UTC',"
              + " 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), actor, action, subject::text from operator_activity"
              + " where id < $1 order by id desc limit $2")
          .execute(Tuple.of(beforeId, limit)).map(rows -> {
            List<Entry> out = new ArrayList<>();
            rows.forEach(r -> out.add(new Entry(r.getLong(0), r.getString(1), r.getString(2), r.getString(3),
                new JsonObject(r.getString(4)).getMap())));
            return new Page(out, out.size() == limit ? out.get(out.size() - 1).id() : null);
          }));
    });
  }
}
