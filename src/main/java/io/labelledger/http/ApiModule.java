package io.labelledger.http;

import io.vertx.ext.web.Router;

/**
 * A group of routes of one domain (auth, terms, campaigns; later consents, tasks,
 * contributions). Each is built by hand in {@code App} with what it needs and mounts its routes
 * with full paths under {@code /api}; every route is also described in frontend-api/openapi.yaml.
 */
public interface ApiModule {
  void mount(Router router);
}
