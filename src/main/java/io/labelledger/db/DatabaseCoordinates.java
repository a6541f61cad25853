package io.labelledger.db;

import io.labelledger.config.Secret;
import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;

/**
 * Where the service's PostgreSQL is: a JDBC URL (for Flyway) and the same place as reactive
 * client options. Only {@code jdbc:postgresql://host[:port]/database} is understood; query
 * parameters are not carried over to the reactive client.
 *
 * @param password null when the server asks for none (never the embedded PostgreSQL, which requires one)
 */
public record DatabaseCoordinates(String jdbcUrl, String user, Secret password) {
  private static final String PREFIX = "jdbc:";

  public DatabaseCoordinates {
    if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql://")) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
    }
  }

  public PgConnectOptions connectOptions() {
    URI uri = URI.create(jdbcUrl.substring(PREFIX.length()));
    String path = uri.getPath() == null ? "" : uri.getPath();
    String database = path.startsWith("/") ? path.substring(1) : path;
    PgConnectOptions options = new PgConnectOptions()
        .setHost(uri.getHost() == null ? "localhost" : uri.getHost())
        .setPort(uri.getPort() < 0 ? 5432 : uri.getPort())
        .setDatabase(database.isEmpty() ? user : database)
        .setUser(user)
        .setPipeliningLimit(256)
        // named prepared statements kept per connection: PostgreSQL parses and plans each of the
        // service's statements once per connection instead of on every execution
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(512);
    if (password != null) {
      options.setPassword(password.reveal());
    }
    return options;
  }

  /** The same server, another database on it (tests create one database per test class). */
  public DatabaseCoordinates withDatabase(String database) {
    URI uri = URI.create(jdbcUrl.substring(PREFIX.length()));
    String base = PREFIX + "postgresql://" + uri.getRawAuthority() + "/" + database;
    return new DatabaseCoordinates(uri.getRawQuery() == null ? base : base + "?" + uri.getRawQuery(), user, password);
  }
}
