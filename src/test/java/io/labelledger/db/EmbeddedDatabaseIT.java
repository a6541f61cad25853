package io.labelledger.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL the service runs without {@code LABELLEDGER_DB_URL}: nobody connects
 * without its generated password, over TCP or the Unix socket; the password survives restarts; a
 * data directory of an earlier version (every local user trusted) is converted and keeps its data.
 */
class EmbeddedDatabaseIT {
  /** PostgreSQL's AuthenticationOk (trust: no password asked) and AuthenticationSASL request codes. */
  private static final int AUTH_OK = 0;
  private static final int AUTH_SASL = 10;

  @TempDir
  Path dir;

  @Test
  void newDataDirectoryRefusesEveryConnectionWithoutThePassword() throws Exception {
    Path data = dir.resolve("postgres");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
      Path file = EmbeddedDatabase.passwordFile(data);
      assertThat(file).isEqualTo(dir.resolve("postgres.password"));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      String password = Files.readString(file).strip();
      assertThat(password).matches("[A-Za-z0-9_-]{43}");
      assertThat(db.coordinates().password().reveal()).isEqualTo(password);

      assertRefused(db, null);
      assertRefused(db, "wrong-" + password);
      assertThat(query(db.coordinates(), "select current_user")).containsExactly("postgres");
      assertThat(query(db.coordinates(), "select distinct auth_method from pg_hba_file_rules"))
          .containsExactly("scram-sha-256");
      assertThat(authenticationAsked(tcp(db))).isEqualTo(AUTH_SASL);
      assertThat(authenticationAsked(unixSocket(db))).isEqualTo(AUTH_SASL);
    }
  }

  @Test
  void restartKeepsDataAndPasswordAndTightensAWidenedPasswordFile() throws Exception {
    Path data = dir.resolve("postgres");
    String password;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
      password = db.coordinates().password().reveal();
      execute(db.coordinates(), "create table kept(v text)", "insert into kept values ('before the restart')");
    }
    Path file = EmbeddedDatabase.passwordFile(data);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--")); // e.g. a careless restore
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
      assertThat(db.coordinates().password().reveal()).isEqualTo(password);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(query(db.coordinates(), "select v from kept")).containsExactly("before the restart");
      assertRefused(db, null);
    }
  }

  @Test
  void trustingDataDirectoryOfAnEarlierVersionIsConvertedAndKeepsItsData() throws Exception {
    Path data = dir.resolve("postgres");
    createAsEarlierVersionsDid(data);
    assertThat(EmbeddedDatabase.passwordFile(data)).doesNotExist();

    try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
      Path file = EmbeddedDatabase.passwordFile(data);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
      assertThat(db.coordinates().password().reveal()).isEqualTo(Files.readString(file).strip());
      assertRefused(db, null);
      assertRefused(db, "not-the-password");
      assertThat(authenticationAsked(tcp(db))).isEqualTo(AUTH_SASL);
      assertThat(authenticationAsked(unixSocket(db))).isEqualTo(AUTH_SASL);
      assertThat(query(db.coordinates(), "select v from kept")).containsExactly("from an earlier version");
    }
    assertThat(PgHba.trustsAnyone(data.resolve("pg_hba.conf"))).isFalse();
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) { // and it starts again as usual
      assertRefused(db, null);
      assertThat(query(db.coordinates(), "select v from kept")).containsExactly("from an earlier version");
    }
  }

  @Test
  void conversionCutShortAfterWritingThePasswordIsFinishedOnTheNextStart() throws Exception {
    Path data = dir.resolve("postgres");
    createAsEarlierVersionsDid(data);
    Files.writeString(EmbeddedDatabase.passwordFile(data), "chosen-before-the-crash\n");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
      assertThat(db.coordinates().password().reveal()).isEqualTo("chosen-before-the-crash");
      assertRefused(db, null);
      assertThat(query(db.coordinates(), "select v from kept")).containsExactly("from an earlier version");
    }
  }

  @Test
  void lostPasswordFileIsNamedInsteadOfReplaced() {
    Path data = dir.resolve("postgres");
    EmbeddedDatabase.start(data, 0).close();
    Path file = EmbeddedDatabase.passwordFile(data);
    assertThat(file.toFile().delete()).isTrue();
    assertThatThrownBy(() -> EmbeddedDatabase.start(data, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("requires a password")
        .hasMessageContaining(file.toString());
    assertThat(file).doesNotExist();
  }

  @Test
  void toolsReachARunningServerWithThePasswordFromItsDataDirectory() throws Exception {
    Path data = dir.resolve("postgres");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data, 0)) {
      assertThat(query(EmbeddedDatabase.coordinatesOf(data, db.port()), "select 'reached'")).containsExactly("reached");
    }
  }

  @Test
  void throwawayDatabaseNeedsThePasswordTooAndLeavesNothingBehind() throws Exception {
    Path root;
    try (EmbeddedDatabase db = EmbeddedDatabase.startThrowaway()) {
      root = db.passwordFile().getParent();
      assertThat(root.resolve("postgres").resolve("PG_VERSION")).exists();
      assertRefused(db, null);
      assertThat(query(db.coordinates(), "select 'in'")).containsExactly("in");
    }
    assertThat(root).doesNotExist();
  }

  /** The data directory as the embedded PostgreSQL of earlier versions left it: initdb -A trust. */
  private static void createAsEarlierVersionsDid(Path data) throws Exception {
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start()) {
      DatabaseCoordinates trusted = new DatabaseCoordinates(old.getJdbcUrl("postgres", "postgres"), "postgres", null);
      execute(trusted, "create table kept(v text)", "insert into kept values ('from an earlier version')");
      assertThat(authenticationAsked(new InetSocketAddress("127.0.0.1", old.getPort()))).isEqualTo(AUTH_OK);
    }
  }

  private static void assertRefused(EmbeddedDatabase db, String password) {
    DatabaseCoordinates c = db.coordinates();
    assertThatThrownBy(() -> DriverManager.getConnection(c.jdbcUrl(), c.user(), password).close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("08004", "28P01"));
  }

  private static SocketAddress tcp(EmbeddedDatabase db) {
    return new InetSocketAddress("127.0.0.1", db.port());
  }

  private static SocketAddress unixSocket(EmbeddedDatabase db) throws SQLException {
    String directory = query(db.coordinates(), "show unix_socket_directories").get(0).split(",")[0].strip();
    Path socket = Path.of(directory, ".s.PGSQL." + db.port());
    assertThat(socket).exists();
    return UnixDomainSocketAddress.of(socket);
  }

  /**
   * Sends PostgreSQL's startup message as user postgres and returns the authentication the server
   * asks for (the code of its AuthenticationRequest), without answering it: the JDBC driver cannot
   * use a Unix socket, and this speaks to both kinds of socket alike.
   */
  private static int authenticationAsked(SocketAddress address) throws IOException {
    try (SocketChannel ch = SocketChannel.open(address)) {
      byte[] params = "user\0postgres\0database\0postgres\0\0".getBytes(StandardCharsets.US_ASCII);
      ByteBuffer startup = ByteBuffer.allocate(8 + params.length).putInt(8 + params.length).putInt(196608).put(params);
      startup.flip();
      while (startup.hasRemaining()) {
        ch.write(startup);
      }
      ByteBuffer header = readFully(ch, 5);
      byte type = header.get();
      ByteBuffer body = readFully(ch, header.getInt() - 4);
      if (type != 'R') {
        throw new IllegalStateException("expected an authentication request, got message '" + (char) type + "': "
            + new String(body.array(), StandardCharsets.UTF_8));
      }
      return body.getInt();
    }
  }

  private static ByteBuffer readFully(SocketChannel ch, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining()) {
      if (ch.read(buffer) < 0) {
        throw new IOException("the server closed the connection");
      }
    }
    return buffer.flip();
  }

  private static void execute(DatabaseCoordinates db, String... statements) throws SQLException {
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static List<String> query(DatabaseCoordinates db, String sql) throws SQLException {
    try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      return values;
    }
  }

  private static Connection connect(DatabaseCoordinates db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password() == null ? null : db.password().reveal());
  }
}
