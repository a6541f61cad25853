package io.labelledger.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL run as a child process from the binaries shipped in Maven jars, for
 * single-machine use and tests. Its data directory is kept between runs, so what the service
 * stored is still there after a restart. Start-up blocks (initdb on first use takes seconds):
 * call it before the event loop serves requests.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  public static final String USER = "postgres";
  public static final String DATABASE = "postgres";

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * @param dataDirectory kept between runs; created (initdb) when empty
   * @param port fixed port, or 0 for any free port
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port) {
    try {
      Files.createDirectories(dataDirectory);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDirectory)
          .setCleanDataDirectory(false)
          .setPGStartupWait(Duration.ofSeconds(60))
          // the library starts PostgreSQL with fsync and synchronous_commit off (fast and fine for
          // throw-away test databases); this one is the service's system of record, so a 2xx must
          // survive a crash of the machine, not only of the service: both back on
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on");
      if (port != 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres postgres = builder.start();
      LOG.info("embedded PostgreSQL on port {} with data in {}", postgres.getPort(), dataDirectory);
      return new EmbeddedDatabase(postgres);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  public DatabaseCoordinates coordinates() {
    return new DatabaseCoordinates(postgres.getJdbcUrl(USER, DATABASE), USER, null);
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
