package io.labelledger.db;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;

/** The embedded PostgreSQL's client authentication file, {@code pg_hba.conf}. */
final class PgHba {
  static final String FILE_NAME = "pg_hba.conf";

  /** What initdb writes with {@code --auth=scram-sha-256}: every local and loopback connection needs the password. */
  static final String SCRAM_ONLY = """
      # Written by LabelLedger: every connection to the embedded PostgreSQL, over the Unix socket and
      # over TCP, authenticates with SCRAM-SHA-256 (the password is in the .password file beside this
      # data directory). A "trust" line here is replaced on the next start.
      # TYPE  DATABASE        USER            ADDRESS                 METHOD
      local   all             all                                     scram-sha-256
      host    all             all             127.0.0.1/32            scram-sha-256
      host    all             all             ::1/128                 scram-sha-256
      local   replication     all                                     scram-sha-256
      host    replication     all             127.0.0.1/32            scram-sha-256
      host    replication     all             ::1/128                 scram-sha-256
      """;

  private PgHba() {}

  /** Whether any rule of the file lets a client in without authentication (method {@code trust}). */
  static boolean trustsAnyone(Path file) throws IOException {
    return trustsAnyone(Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  static boolean trustsAnyone(List<String> lines) {
    return lines.stream()
        .map(line -> line.replaceFirst("#.*", "").strip())
        .filter(line -> !line.isEmpty())
        .anyMatch(line -> Arrays.asList(line.split("\\s+")).contains("trust"));
  }

  /** Replaces the file, atomically, by {@link #SCRAM_ONLY}; the server applies it on its next reload. */
  static void writeScramOnly(Path file) throws IOException {
    Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(PasswordFile.OWNER_ONLY))) {
      ch.write(ByteBuffer.wrap(SCRAM_ONLY.getBytes(StandardCharsets.UTF_8)));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    PasswordFile.forceDirectory(file.getParent());
  }
}
