package io.labelledger.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Where contributed files are kept, and the limits on uploading them.
 *
 * @param kind {@code fs}: files under {@code dir} (the embedded default); {@code s3}: an
 *     S3-compatible store
 * @param dir the file store's directory; empty: {@code blobs/} under the data directory
 * @param endpoint the S3 endpoint URL (MinIO, Ceph RGW, R2...); empty: AWS S3 of {@code region}
 * @param region the S3 region (signing needs one even where the store ignores it)
 * @param bucket the S3 bucket, created at start when it does not exist
 * @param accessKey the S3 access key id
 * @param secretKey the S3 secret key (a secret: environment or file only)
 * @param pathStyle S3 path-style URLs ({@code endpoint/bucket/key}), which most self-hosted stores need
 * @param prefix prepended to every object key (e.g. {@code labelledger/})
 * @param uploadsPerHour files one account may upload in an hour (the next gets 429); uploads still
 *     in progress count too
 * @param uploadsInFlight uploads one account may have in progress at once on one instance (the next gets 429)
 * @param uploadIdleSeconds an upload whose body sends no byte for this long is refused (408) and closed
 * @param sweepIntervalMs period of the sweeper that deletes files nobody signed within the lease time
 * @param erasureIntervalMs period of the sweeper that erases the files of contributors whose consent is
 *     withdrawn: the bound on the delay between the indexed revocation and the deletion
 */
public record BlobConfig(
    @NotNull @Pattern(regexp = "fs|s3", message = "must be fs or s3") String kind,
    @NotNull String dir,
    @NotNull String endpoint,
    @NotNull String region,
    @NotNull String bucket,
    @NotNull String accessKey,
    Secret secretKey,
    boolean pathStyle,
    @NotNull @Pattern(regexp = "[A-Za-z0-9/._-]{0,200}", message = "may hold letters, digits and / . _ - only")
    String prefix,
    @Min(1) @Max(1_000_000) int uploadsPerHour,
    @Min(1) @Max(1_000) int uploadsInFlight,
    @Min(1) @Max(3_600) int uploadIdleSeconds,
    @Min(100) @Max(86_400_000) long sweepIntervalMs,
    @Min(100) @Max(86_400_000) long erasureIntervalMs) {

  public boolean s3() {
    return "s3".equals(kind);
  }
}
