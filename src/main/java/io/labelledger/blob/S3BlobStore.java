package io.labelledger.blob;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Blobs as objects of one bucket of an S3-compatible store (AWS S3, MinIO, Ceph RGW, R2...), keyed
 * {@code <prefix><64 hex digits>}, through the AWS SDK v2 on its blocking URL-connection HTTP
 * client (its Netty client is kept out of the build: see the pom).
 *
 * <p>A PUT makes an object visible only once it is complete, so a crash never leaves part of a blob
 * under its name. The key is the hash of the bytes, which is known only once they are read: a
 * stream is first spooled to a local temporary file (hashed on the way, flat memory), then sent
 * with its length. An object already there is not sent again. Checksums are computed only where
 * the S3 API requires them: the SDK's default trailing checksums are not understood by every
 * S3-compatible server, and the blob's own sha256 is sent as object metadata instead.
 */
public final class S3BlobStore implements BlobStore {
  private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
  static final String SHA256_METADATA = "sha256";

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final Path spool;
  private final String endpoint;

  private S3BlobStore(S3Client s3, String bucket, String prefix, Path spool, String endpoint) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix;
    this.spool = spool;
    this.endpoint = endpoint;
  }

  /** Where and how to reach the store. {@code endpoint} empty: AWS S3 itself (region's default endpoint). */
  public record Coordinates(String endpoint, String region, String bucket, String accessKey, String secretKey,
      boolean pathStyle, String prefix) {
    @Override
    public String toString() {
      return "S3 bucket " + bucket + " at " + (endpoint == null || endpoint.isBlank() ? "AWS " + region : endpoint);
    }
  }

  /**
   * Connects and makes sure the bucket exists (creating it when the store says it does not).
   *
   * @param spool a local directory for streams being hashed before they are sent
   */
  public static S3BlobStore open(Coordinates at, Path spool) throws IOException {
    var builder = S3Client.builder()
        .httpClientBuilder(UrlConnectionHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60)))
        .region(Region.of(at.region()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(at.accessKey(),
            at.secretKey())))
        .serviceConfiguration(S3Configuration.builder()
            .pathStyleAccessEnabled(at.pathStyle())
            // aws-chunked uploads (signed chunks) are stored verbatim, framing and all, by servers that do not
            // speak them (s3rver does this); a plain body signed whole works everywhere
            .chunkedEncodingEnabled(false)
            .build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    if (at.endpoint() != null && !at.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(at.endpoint()));
    }
    S3Client client = builder.build();
    Files.createDirectories(spool);
    S3BlobStore store = new S3BlobStore(client, at.bucket(), at.prefix() == null ? "" : at.prefix(), spool,
        at.toString());
    try {
      store.ensureBucket();
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
    return store;
  }

  private void ensureBucket() throws IOException {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (NoSuchBucketException e) {
      call(() -> s3.createBucket(b -> b.bucket(bucket)));
      LOG.info("created bucket {} at {}", bucket, endpoint);
    } catch (S3Exception e) {
      if (e.statusCode() != 404) {
        throw new IOException("bucket " + bucket + " at " + endpoint + " is not usable: " + e.getMessage(), e);
      }
      call(() -> s3.createBucket(b -> b.bucket(bucket)));
      LOG.info("created bucket {} at {}", bucket, endpoint);
    } catch (SdkException e) {
      throw new IOException("cannot reach " + endpoint + ": " + e.getMessage(), e);
    }
  }

  private String key(BlobId id) {
    return prefix + id.digits();
  }

  @Override
  public Blob put(InputStream in) throws IOException {
    Path part = Files.createTempFile(spool, "s3-put-", ".part");
    try {
      BlobHasher hasher;
      try (OutputStream out = Files.newOutputStream(part)) {
        hasher = BlobHasher.copy(in, out);
      }
      return putHashed(part, hasher.finish(true));
    } finally {
      Files.deleteIfExists(part);
    }
  }

  @Override
  public Blob putHashed(Path file, Blob blob) throws IOException {
    try {
      if (exists(blob.id())) {
        return new Blob(blob.id(), blob.sha256(), blob.bytes(), false);
      }
      call(() -> s3.putObject(p -> p.bucket(bucket).key(key(blob.id())).contentLength(blob.bytes())
          .metadata(Map.of(SHA256_METADATA, blob.sha256())), RequestBody.fromFile(file)));
      OptionalLong stored = size(blob.id());
      if (stored.isEmpty() || stored.getAsLong() != blob.bytes()) {
        // a server that mangled the body (e.g. kept an encoding it does not understand) must not keep a
        // wrong object under the bytes' name
        delete(blob.id());
        throw new IOException(endpoint + " stored " + stored + " bytes for a blob of " + blob.bytes() + " bytes");
      }
      return new Blob(blob.id(), blob.sha256(), blob.bytes(), true);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Override
  public boolean exists(BlobId id) throws IOException {
    return head(id) != null;
  }

  @Override
  public OptionalLong size(BlobId id) throws IOException {
    HeadObjectResponse head = head(id);
    return head == null ? OptionalLong.empty() : OptionalLong.of(head.contentLength());
  }

  private HeadObjectResponse head(BlobId id) throws IOException {
    try {
      return s3.headObject(h -> h.bucket(bucket).key(key(id)));
    } catch (NoSuchKeyException e) {
      return null;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return null;
      }
      throw new IOException("HEAD " + key(id) + " at " + endpoint + " failed: " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("HEAD " + key(id) + " at " + endpoint + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public InputStream open(BlobId id) throws IOException {
    try {
      return s3.getObject(g -> g.bucket(bucket).key(key(id)));
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException(id.hex());
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw new NoSuchFileException(id.hex());
      }
      throw new IOException("GET " + key(id) + " at " + endpoint + " failed: " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("GET " + key(id) + " at " + endpoint + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public boolean delete(BlobId id) throws IOException {
    if (!exists(id)) {
      return false;
    }
    call(() -> s3.deleteObject(d -> d.bucket(bucket).key(key(id))));
    return true;
  }

  private void call(Runnable request) throws IOException {
    try {
      request.run();
    } catch (SdkException e) {
      throw new IOException(endpoint + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return endpoint;
  }

  @Override
  public void close() {
    s3.close();
  }
}
