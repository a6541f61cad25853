package io.labelledger.task;

import io.labelledger.auth.Guards;
import io.labelledger.http.Params;
import io.labelledger.http.ApiModule;
import io.labelledger.http.JsonCodec;
import io.vertx.ext.web.Router;

/** {@code POST /api/campaigns/{id}/tasks/next}: the next item for the signed-in contributor, leased to them. */
public final class TaskRoutes implements ApiModule {
  private final TaskService tasks;
  private final JsonCodec json;

  public TaskRoutes(TaskService tasks, JsonCodec json) {
    this.tasks = tasks;
    this.json = json;
  }

  @Override
  public void mount(Router router) {
    router.post("/api/campaigns/:id/tasks/next").handler(Guards.requireSession()).handler(ctx -> {
      json.reply(ctx, 200, tasks.next(Guards.account(ctx), Params.pathId(ctx, "id")));
    });
  }
}
