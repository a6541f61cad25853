package io.labelledger.db;

import io.labelledger.config.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generated password in a file only its owner may read or write (0600). The file is created with
 * those permissions (never wider, not even between creating and restricting it), written, flushed
 * to disk and then renamed into place, so it is either absent or whole.
 */
final class PasswordFile {
  private static final Logger LOG = LoggerFactory.getLogger(PasswordFile.class);
  static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ,
      PosixFilePermission.OWNER_WRITE);
  /** 256 bits: far beyond guessing, and base64url keeps it to [A-Za-z0-9_-] (no quoting anywhere). */
  private static final int RANDOM_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private PasswordFile() {}

  /** The password in {@code file}; a new one is generated and stored when the file does not exist. */
  static Secret readOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      restrict(file);
      return read(file);
    }
    byte[] random = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(random);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp); // left by a start that crashed while writing it
    try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
      ch.write(ByteBuffer.wrap((password + "\n").getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(file.getParent());
    LOG.info("generated a password for the embedded PostgreSQL in {}", file);
    return new Secret(password);
  }

  static Secret read(Path file) {
    try {
      String password = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (password.isEmpty() || password.contains("\n")) {
        throw new IllegalStateException(file + " must hold the password on one line");
      }
      return new Secret(password);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** A copy or a restore may have widened the permissions; nobody but the owner may read it. */
  private static void restrict(Path file) throws IOException {
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(permissions)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY);
      LOG.warn("{} was readable by others ({}); now owner-only (rw-------). Change the password if others could read it",
          file, PosixFilePermissions.toString(permissions));
    }
  }

  /** Makes the rename durable: after a crash the password is there, or the server never needed it. */
  static void forceDirectory(Path directory) throws IOException {
    try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }
}
