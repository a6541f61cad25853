package io.labelledger.testsupport;

import io.labelledger.config.Secret;
import io.labelledger.db.DatabaseCoordinates;
import io.labelledger.db.EmbeddedDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A real PostgreSQL for tests, one server per test JVM, chosen in this order:
 *
 * <ol>
 *   <li>the server at {@code LABELLEDGER_TEST_DB_URL} (with {@code LABELLEDGER_TEST_DB_USER} /
 *       {@code LABELLEDGER_TEST_DB_PASSWORD});
 *   <li>PostgreSQL 17 in a container through Testcontainers, when a Docker engine is reachable;
 *   <li>the service's embedded PostgreSQL (binaries from Maven, password required) in a fresh temporary
 *       directory.
 * </ol>
 *
 * <p>{@link #freshDatabase} creates a new, empty database on that server, so each test class
 * migrates its own schema and never sees another class's rows.
 */
public final class TestDatabase {
  private static final Logger LOG = LoggerFactory.getLogger(TestDatabase.class);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static DatabaseCoordinates server;

  private TestDatabase() {}

  /** The shared server's maintenance database (started on first use). */
  public static synchronized DatabaseCoordinates server() {
    if (server == null) {
      server = startServer();
    }
    return server;
  }

  /** A new empty database on the shared server, named after {@code hint} (e.g. the test class). */
  public static DatabaseCoordinates freshDatabase(String hint) {
    DatabaseCoordinates admin = server();
    String name = ("t_" + hint.replaceAll("[^A-Za-z0-9]", "_") + "_" + ProcessHandle.current().pid() + "_"
        + COUNTER.incrementAndGet()).toLowerCase(Locale.ROOT);
    if (name.length() > 60) {
      name = name.substring(name.length() - 60);
    }
    try (Connection c = connect(admin); Statement s = c.createStatement()) {
      s.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return admin.withDatabase(name);
  }

  public static Connection connect(DatabaseCoordinates db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password() == null ? null : db.password().reveal());
  }

  private static DatabaseCoordinates startServer() {
    String url = System.getenv("LABELLEDGER_TEST_DB_URL");
    if (url != null && !url.isBlank()) {
      String user = System.getenv().getOrDefault("LABELLEDGER_TEST_DB_USER", "postgres");
      String password = System.getenv("LABELLEDGER_TEST_DB_PASSWORD");
      LOG.info("tests use the PostgreSQL at LABELLEDGER_TEST_DB_URL");
      return new DatabaseCoordinates(url, user, password == null ? null : new Secret(password));
    }
    if (dockerAvailable()) {
      return startContainer();
    }
    return startEmbedded();
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static DatabaseCoordinates startContainer() {
    GenericContainer<?> postgres = new GenericContainer<>(DockerImageName.parse("postgres:17-alpine"))
        .withEnv("POSTGRES_PASSWORD", "test")
        .withExposedPorts(5432)
        .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*\\n", 2));
    postgres.start();
    Runtime.getRuntime().addShutdownHook(new Thread(postgres::stop, "test-postgres-container-stop"));
    LOG.info("tests use PostgreSQL in a container");
    return new DatabaseCoordinates("jdbc:postgresql://" + postgres.getHost() + ":" + postgres.getMappedPort(5432)
        + "/postgres", "postgres", new Secret("test"));
  }

  private static DatabaseCoordinates startEmbedded() {
    // the service's own embedded PostgreSQL, password and all, without fsync: what tests connect to
    // is what an operator runs; it is stopped and deleted when the test JVM exits
    EmbeddedDatabase postgres = EmbeddedDatabase.startThrowaway();
    LOG.info("tests use the embedded PostgreSQL on port {}", postgres.port());
    return postgres.coordinates();
  }
}
