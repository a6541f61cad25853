package io.labelledger.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;

/**
 * The whole configuration, read once at start-up by {@link ConfigLoader} and passed by hand to
 * whatever needs a part of it. Immutable; records holding secrets print them as {@code ***}.
 *
 * @param dataDir where local state lives (embedded PostgreSQL under {@code postgres/}, contributed files under
 *     {@code blobs/} unless {@code blobs} says otherwise)
 */
public record AppConfig(
    @NotBlank String dataDir,
    @NotNull @Valid HttpConfig http,
    @NotNull @Valid DatabaseConfig database,
    @NotNull @Valid ChainConfig chain,
    @NotNull @Valid AuthConfig auth,
    @NotNull @Valid LimitsConfig limits,
    @NotNull @Valid WorkConfig work,
    @NotNull @Valid DatasetConfig datasets,
    @NotNull @Valid AnchorConfig anchor,
    @NotNull @Valid QualityConfig quality,
    @NotNull @Valid BlobConfig blobs) {

  public Path dataPath() {
    return Path.of(dataDir);
  }
}
