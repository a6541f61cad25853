package io.labelledger.db;

import io.labelledger.config.Secret;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL run as a child process from the binaries shipped in Maven jars, for
 * single-machine use and tests. Its data directory is kept between runs, so what the service
 * stored is still there after a restart. Start-up blocks (initdb on first use takes seconds):
 * call it before the event loop serves requests.
 *
 * <p>Every connection, over TCP and over the Unix socket, must authenticate with SCRAM-SHA-256 as
 * {@value #USER} with a generated password kept beside the data directory ({@link #passwordFile},
 * owner-only). A data directory created by an earlier version, which trusted every local user, is
 * converted on start: the password is set while the server still trusts, then {@code pg_hba.conf} is
 * rewritten and reloaded; its data stays.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  public static final String USER = "postgres";
  public static final String DATABASE = "postgres";
  private static final String SCRAM = "scram-sha-256";
  private static final Duration RELOAD_WAIT = Duration.ofSeconds(10);

  private final EmbeddedPostgres postgres;
  private final Secret password;
  private final Path passwordFile;
  /** The temporary directory holding data directory and password file; null for a kept database. */
  private final Path throwawayRoot;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedDatabase(EmbeddedPostgres postgres, Secret password, Path passwordFile, Path throwawayRoot) {
    this.postgres = postgres;
    this.password = password;
    this.passwordFile = passwordFile;
    this.throwawayRoot = throwawayRoot;
  }

  /**
   * The file holding the superuser's password: beside the data directory, not in it (initdb wants
   * an empty directory, and the password must exist before initdb runs), e.g. {@code data/postgres}
   * → {@code data/postgres.password}.
   */
  public static Path passwordFile(Path dataDirectory) {
    Path absolute = dataDirectory.toAbsolutePath().normalize();
    return absolute.resolveSibling(absolute.getFileName() + ".password");
  }

  /**
   * The service's database: kept between runs, with {@code fsync} and {@code synchronous_commit} on.
   *
   * @param dataDirectory kept between runs; created (initdb) when empty
   * @param port fixed port, or 0 for any free port
   */
  public static EmbeddedDatabase start(Path dataDirectory, int port) {
    return start(dataDirectory, port, null);
  }

  /**
   * A database for tests: in a new temporary directory, on any free port, without {@code fsync};
   * stopped and deleted with its password file on {@link #close} or, at the latest, when the JVM exits.
   */
  public static EmbeddedDatabase startThrowaway() {
    try {
      Path root = Files.createTempDirectory("labelledger-pg");
      return start(root.resolve("postgres"), 0, root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for the embedded PostgreSQL", e);
    }
  }

  /**
   * Where a running embedded PostgreSQL that another process started (the service, for a bench)
   * is reached, with the password from its data directory's password file.
   */
  public static DatabaseCoordinates coordinatesOf(Path dataDirectory, int port) {
    Path file = passwordFile(dataDirectory);
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no password file " + file + " for the embedded PostgreSQL in " + dataDirectory);
    }
    return new DatabaseCoordinates("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE, USER,
        PasswordFile.read(file));
  }

  private static EmbeddedDatabase start(Path dataDirectory, int port, Path throwawayRoot) {
    boolean throwaway = throwawayRoot != null;
    Path passwordFile = passwordFile(dataDirectory);
    try {
      Files.createDirectories(dataDirectory);
      // zonky runs initdb when postgresql.conf is missing, or always for a throw-away directory
      boolean initialised = !throwaway && Files.exists(dataDirectory.resolve("postgresql.conf"));
      Path hba = dataDirectory.resolve(PgHba.FILE_NAME);
      boolean trusting = initialised && PgHba.trustsAnyone(hba);
      if (initialised && !trusting && !Files.exists(passwordFile)) {
        throw new IllegalStateException("the embedded PostgreSQL in " + dataDirectory + " requires a password, but "
            + passwordFile + " is missing: restore it from the backup of the data directory");
      }
      Secret password = PasswordFile.readOrCreate(passwordFile);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(dataDirectory)
          .setCleanDataDirectory(throwaway)
          // a throw-away database has its own hook below, which also deletes the password file; two
          // hooks would race (one returns while the other is still stopping and deleting)
          .setRegisterShutdownHook(!throwaway)
          .setPGStartupWait(Duration.ofSeconds(60))
          // initdb of a new directory: the library passes "-A trust" first; the later --auth wins, and
          // initdb writes every pg_hba.conf line (local socket and TCP) with scram-sha-256 and sets
          // the superuser's password from the file
          .setLocaleConfig("auth", SCRAM)
          .setLocaleConfig("pwfile", passwordFile.toString())
          // the library's readiness check connects with these properties
          .setConnectConfig("password", password.reveal());
      if (!throwaway) {
        // the library starts PostgreSQL with fsync and synchronous_commit off (fast and fine for
        // throw-away test databases); this one is the service's system of record, so a 2xx must
        // survive a crash of the machine, not only of the service: both back on
        builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
      }
      if (port != 0) {
        builder.setPort(port);
      }
      EmbeddedDatabase db = new EmbeddedDatabase(builder.start(), password, passwordFile, throwawayRoot);
      if (throwaway) {
        Runtime.getRuntime().addShutdownHook(new Thread(db::close, "embedded-postgres-throwaway-stop"));
      }
      if (trusting) {
        try {
          db.requirePassword(hba);
        } catch (RuntimeException e) {
          db.close();
          throw e;
        }
      }
      LOG.info("embedded PostgreSQL on port {} with data in {}, password in {}", db.port(), dataDirectory, passwordFile);
      return db;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDirectory, e);
    }
  }

  /**
   * Converts a running server that trusts local users (a data directory of an earlier version, or
   * a conversion cut short) to password authentication. Each step survives a crash: the password
   * file is durable before the role has the password, and the role has it before pg_hba.conf
   * demands it; a start after any step finds pg_hba.conf still trusting and does the rest again.
   */
  private void requirePassword(Path hba) {
    DatabaseCoordinates db = coordinates();
    try (Connection c = connect(db, password.reveal())) {
      // the SCRAM verifier is computed here: the plain password never reaches the server or its log
      c.unwrap(PGConnection.class).alterUserPassword(USER, password.reveal().toCharArray(), SCRAM);
      PgHba.writeScramOnly(hba);
      try (Statement s = c.createStatement()) {
        s.execute("select pg_reload_conf()");
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot set the password of the embedded PostgreSQL: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rewrite " + hba, e);
    }
    // the postmaster applies the new pg_hba.conf when it handles the reload signal: until a
    // password-less connection is refused, the conversion has not taken effect
    long deadline = System.nanoTime() + RELOAD_WAIT.toNanos();
    while (acceptsWithoutPassword(db)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the embedded PostgreSQL still accepts connections without a password after "
            + "rewriting " + hba + "; check that file");
      }
      sleep(50);
    }
    LOG.info("embedded PostgreSQL trusted every local user (a data directory of an earlier version); "
        + "it now requires the password in {}", passwordFile);
  }

  private static boolean acceptsWithoutPassword(DatabaseCoordinates db) {
    try (Connection c = connect(db, null)) {
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  private static Connection connect(DatabaseCoordinates db, String password) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), password);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the embedded PostgreSQL", e);
    }
  }

  public DatabaseCoordinates coordinates() {
    return new DatabaseCoordinates(postgres.getJdbcUrl(USER, DATABASE), USER, password);
  }

  public int port() {
    return postgres.getPort();
  }

  /** The file holding the password (to hand to another process as {@code LABELLEDGER_DB_PASSWORD_FILE}). */
  public Path passwordFile() {
    return passwordFile;
  }

  /** Stops the server; idempotent. A throw-away database's directory is deleted too. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    try {
      postgres.close();
    } catch (IOException e) {
      LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
    if (throwawayRoot != null) {
      try (Stream<Path> paths = Files.walk(throwawayRoot)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      } catch (IOException | UncheckedIOException e) {
        LOG.warn("cannot delete {}: {}", throwawayRoot, e.getMessage());
      }
    }
  }
}
