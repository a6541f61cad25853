package io.labelledger.blob;

import io.labelledger.config.BlobConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Opens the blob store the configuration names. */
public final class BlobStores {
  private BlobStores() {}

  /**
   * The file store under {@code blobs.dir} (default {@code <dataDir>/blobs}), or the S3 store.
   *
   * @throws UncheckedIOException when the directory cannot be made or the bucket not reached
   */
  public static BlobStore open(BlobConfig config, Path dataDir) {
    try {
      if (config.s3()) {
        return S3BlobStore.open(new S3BlobStore.Coordinates(config.endpoint(), config.region(), config.bucket(),
            config.accessKey(), config.secretKey().reveal(), config.pathStyle(), config.prefix()),
            stagingDir(config, dataDir));
      }
      return FileBlobStore.open(fileRoot(config, dataDir));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the blob store (" + config.kind() + "): " + e.getMessage(), e);
    }
  }

  /**
   * Where uploads are staged before they are checked and stored: the file store's own {@code tmp}
   * (so a checked upload is renamed into place, not copied); for S3 {@code <dataDir>/blobs-staging}.
   */
  public static Path stagingDir(BlobConfig config, Path dataDir) {
    return config.s3() ? dataDir.resolve("blobs-staging") : fileRoot(config, dataDir).resolve(FileBlobStore.TMP);
  }

  private static Path fileRoot(BlobConfig config, Path dataDir) {
    return config.dir().isBlank() ? dataDir.resolve("blobs") : dataDir.resolve(config.dir());
  }
}
