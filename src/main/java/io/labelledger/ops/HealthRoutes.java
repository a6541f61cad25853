package io.labelledger.ops;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET /health/live}: the process serves HTTP. {@code GET /health/ready}: every check
 * answers within the timeout, e.g. {@code {"status":"up","checks":{"db":"up","chain":"unknown"}}};
 * 503 when one is down. Names listed as {@code unknownChecks} are reported as "unknown" and do not
 * affect readiness (the chain, until a chain runtime provides its check). A failing check named in
 * {@code degradingChecks} is reported "down" but only degrades readiness: status "degraded", still
 * 200, because the instance still does its main work (the chain: contributions are accepted while
 * it is unreachable, and anchored once it is back). A check with {@link HealthCheck#details()} adds
 * them under {@code details.<name>}: the chain lists each JSON-RPC endpoint, e.g.
 * {@code {"endpoint":"http://node-a:8545","current":false,"state":"down","consecutiveFailures":3,
 * "failures":7,"lastError":"Failed to connect ...","retryInMs":3500}}.
 */
public final class HealthRoutes {
  private static final long TIMEOUT_MS = 2000;
  private final List<HealthCheck> checks;
  private final List<String> unknownChecks;
  private final Set<String> degradingChecks;

  public HealthRoutes(List<HealthCheck> checks, List<String> unknownChecks) {
    this(checks, unknownChecks, Set.of());
  }

  public HealthRoutes(List<HealthCheck> checks, List<String> unknownChecks, Set<String> degradingChecks) {
    this.checks = List.copyOf(checks);
    this.unknownChecks = List.copyOf(unknownChecks);
    this.degradingChecks = Set.copyOf(degradingChecks);
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(new JsonObject().put("status", "up").toBuffer()));

    // /health is /health/ready: what someone who runs the marketplace types first
    router.get("/health").handler(this::ready);
    router.get("/health/ready").handler(this::ready);
  }

  private void ready(io.vertx.ext.web.RoutingContext ctx) {
    {
      List<Future<String>> results = new ArrayList<>();
      for (HealthCheck check : checks) {
        results.add(check.check().timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .map("up").otherwise("down"));
      }
      Future.join(results).onComplete(ignored -> {
        JsonObject states = new JsonObject();
        JsonObject details = new JsonObject();
        boolean up = true;
        boolean degraded = false;
        for (int i = 0; i < checks.size(); i++) {
          String state = results.get(i).result();
          states.put(checks.get(i).name(), state);
          JsonObject more = checks.get(i).details();
          if (more != null) {
            details.put(checks.get(i).name(), more);
          }
          if (!"up".equals(state)) {
            if (degradingChecks.contains(checks.get(i).name())) {
              degraded = true;
            } else {
              up = false;
            }
          }
        }
        unknownChecks.forEach(name -> states.put(name, "unknown"));
        String status = !up ? "down" : degraded ? "degraded" : "up";
        ctx.response().setStatusCode(up ? 200 : 503)
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end((details.isEmpty() ? new JsonObject().put("status", status).put("checks", states)
                : new JsonObject().put("status", status).put("checks", states).put("details", details)).toBuffer());
      });
    }
  }
}
