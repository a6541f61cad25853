package io.labelledger.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * @param url JDBC URL of an external PostgreSQL ({@code jdbc:postgresql://host:port/db}); empty
 *     means "start the embedded PostgreSQL under dataDir/postgres"
 * @param password from {@code LABELLEDGER_DB_PASSWORD} or {@code database.passwordFile}; may be null
 * @param embeddedPort port of the embedded PostgreSQL (fixed, so its data directory can be reused)
 * @param poolSize connections in the reactive pool of one service instance
 * @param poolWaitQueue requests that may wait for a pool connection at once; one more is refused at
 *     once with 503 SERVICE_BUSY and {@code Retry-After} (there is no wait timeout, see {@code Pools})
 */
public record DatabaseConfig(
    @Pattern(regexp = "(jdbc:postgresql://.+)?", message = "must be empty or jdbc:postgresql://host:port/database")
    String url,
    @NotBlank String user,
    Secret password,
    @Min(1) @Max(65535) int embeddedPort,
    @Min(1) @Max(200) int poolSize,
    @Min(1) @Max(1_000_000) int poolWaitQueue) {

  public boolean embedded() {
    return url == null || url.isEmpty();
  }
}
