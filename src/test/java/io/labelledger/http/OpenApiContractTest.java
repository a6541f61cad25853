package io.labelledger.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.labelledger.App;
import io.labelledger.config.AppConfig;
import io.labelledger.config.ConfigLoader;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.db.Pools;
import io.labelledger.ops.Metrics;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The router and frontend-api/openapi.yaml describe the same routes (method + path). */
class OpenApiContractTest {
  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws Exception {
    Set<String> documented = documentedRoutes(Path.of("frontend-api", "openapi.yaml"));
    Set<String> served = servedRoutes();
    assertThat(served).as("routes missing from openapi.yaml")
        .isSubsetOf(documented);
    assertThat(documented).as("documented routes the router does not serve")
        .isSubsetOf(served);
  }

  @Test
  void everyErrorCodeIsListedInTheErrorSchema() throws Exception {
    JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(Path.of("frontend-api", "openapi.yaml").toFile());
    Set<String> listed = new TreeSet<>();
    spec.at("/components/schemas/ErrorResponse/properties/error/properties/code/enum")
        .forEach(code -> listed.add(code.asText()));
    Set<String> codes = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
    assertThat(listed).isEqualTo(codes);
  }

  private static Set<String> documentedRoutes(Path file) throws Exception {
    JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    Set<String> routes = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<String> ops = path.getValue().fieldNames(); ops.hasNext(); ) {
        String op = ops.next();
        if (HTTP_METHODS.contains(op)) {
          routes.add(op.toUpperCase(Locale.ROOT) + " " + path.getKey().replaceAll("\\{[^}]+}", "{}"));
        }
      }
    }
    return routes;
  }

  private static Set<String> servedRoutes() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Path workDir = Files.createTempDirectory("openapi-contract");
      AppConfig config = new ConfigLoader(Map.of(
          "LABELLEDGER_OPERATOR_TOKEN", "contract-test-operator-token",
          "LABELLEDGER_DB_URL", "jdbc:postgresql://127.0.0.1:1/none"), workDir).load();
      // the pool is never used: wiring only registers routes
      Pool pool = Pools.create(vertx, new DatabaseCoordinates(config.database().url(), "none", null), 1);
      App.Wired wired = App.wire(vertx, config, Clock.systemUTC(), pool, new Metrics(), Optional.empty());
      Set<String> routes = new TreeSet<>();
      for (Route route : wired.router().getRoutes()) {
        String path = route.getPath();
        if (path == null || route.methods() == null || route.methods().isEmpty() || path.endsWith("*")) {
          continue; // cross-cutting handlers (authentication, rate limit, failures)
        }
        String normalised = path.replaceAll(":[A-Za-z0-9_]+", "{}");
        route.methods().forEach(m -> routes.add(m.name() + " " + normalised));
      }
      return routes;
    } finally {
      vertx.close();
    }
  }
}
