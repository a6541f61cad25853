package io.labelledger.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blobs as files under one directory: {@code <root>/<first two hex digits>/<64 hex digits>}.
 *
 * <p>A blob is written to a temporary file under {@code <root>/tmp}, fsynced, then renamed to its
 * name (an atomic rename on one file system) and the directory fsynced: a crash at any point
 * leaves either nothing or the whole blob under its name, and at most a {@code .part} file in
 * {@code tmp}, which is removed when the store is opened again. Bytes already stored are not
 * written again.
 */
public final class FileBlobStore implements BlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(FileBlobStore.class);
  static final String TMP = "tmp";

  private final Path root;
  private final Path tmp;

  private FileBlobStore(Path root) {
    this.root = root;
    this.tmp = root.resolve(TMP);
  }

  /** Opens (creating) the store under {@code root}, and removes what an interrupted write left in {@code tmp}. */
  public static FileBlobStore open(Path root) throws IOException {
    Path absolute = root.toAbsolutePath().normalize();
    FileBlobStore store = new FileBlobStore(absolute);
    Files.createDirectories(store.tmp);
    int removed = 0;
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(store.tmp)) {
      for (Path leftover : leftovers) {
        Files.deleteIfExists(leftover);
        removed++;
      }
    }
    if (removed > 0) {
      LOG.info("blob store {}: removed {} partial file(s) of interrupted writes", absolute, removed);
    }
    return store;
  }

  /** Where a blob lives; only a {@link BlobId} (64 hex digits) ever becomes part of the path. */
  Path path(BlobId id) {
    String digits = id.digits();
    return root.resolve(digits.substring(0, 2)).resolve(digits);
  }

  /** The directory of temporary files, on the store's file system (uploads are staged here). */
  public Path tmpDir() {
    return tmp;
  }

  @Override
  public Blob put(InputStream in) throws IOException {
    Path part = Files.createTempFile(tmp, "put-", ".part");
    try {
      BlobHasher hasher;
      try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE);
           OutputStream out = Channels.newOutputStream(channel)) {
        hasher = BlobHasher.copy(in, out);
        channel.force(true);
      }
      return place(part, hasher.finish(true));
    } finally {
      Files.deleteIfExists(part);
    }
  }

  @Override
  public Blob putHashed(Path file, Blob hashes) throws IOException {
    try {
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
        channel.force(true);
      }
      return place(file, new Blob(hashes.id(), hashes.sha256(), hashes.bytes(), true));
    } catch (AtomicMoveNotSupportedException otherFileSystem) {
      try (InputStream in = Files.newInputStream(file)) {
        return put(in);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Renames a complete, fsynced file to its blob's name, unless those bytes are already stored. */
  private Blob place(Path complete, Blob blob) throws IOException {
    Path target = path(blob.id());
    if (Files.exists(target)) {
      Files.delete(complete);
      return new Blob(blob.id(), blob.sha256(), blob.bytes(), false);
    }
    Path dir = target.getParent();
    Files.createDirectories(dir);
    // a concurrent put of the same bytes may rename first: the rename replaces identical bytes
    Files.move(complete, target, StandardCopyOption.ATOMIC_MOVE);
    fsyncDirectory(dir);
    return blob;
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // some file systems refuse to open a directory for fsync; the rename itself is still atomic
      LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
    }
  }

  @Override
  public boolean exists(BlobId id) {
    return Files.isRegularFile(path(id));
  }

  @Override
  public OptionalLong size(BlobId id) throws IOException {
    try {
      return OptionalLong.of(Files.size(path(id)));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public InputStream open(BlobId id) throws IOException {
    return Files.newInputStream(path(id));
  }

  @Override
  public boolean delete(BlobId id) throws IOException {
    return Files.deleteIfExists(path(id));
  }

  @Override
  public String describe() {
    return "files under " + root;
  }

  @Override
  public void close() {
    // nothing held open
  }
}
