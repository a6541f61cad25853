package io.labelledger.upload;

import io.labelledger.answer.CampaignAnswers;
import io.labelledger.answer.ContributedFile;
import io.labelledger.answer.upload.UploadType;
import io.labelledger.blob.Blob;
import io.labelledger.blob.BlobHasher;
import io.labelledger.blob.BlobId;
import io.labelledger.blob.BlobStore;
import io.labelledger.campaign.CampaignTypes;
import io.labelledger.contribution.FileCheck;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.ErrorResponder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Uploads of contributed files, and the check of a signed answer that names one.
 *
 * <p>An upload is accepted from a signed-in contributor holding a lease on an item of an upload
 * campaign, with a claimed media type the campaign accepts, while the account has fewer than
 * {@code inFlight} uploads in progress on this instance ({@link #claim}) and, counting those, fewer than
 * {@code perHour} in the last hour. Its
 * body is streamed to a staging file ({@link StagedBody}: flat memory, 413 the moment it passes the
 * campaign's {@code maxBytes}); then, on a worker thread, the bytes are inspected ({@link MediaInspector}:
 * they must be what was claimed, audio within the campaign's duration bounds) and hashed; the upload is
 * recorded in PostgreSQL, and only then the file is put in the blob store (so a concurrent sweep of the
 * same bytes cannot delete them under a recorded upload). Any refusal deletes the staging file: nothing
 * is stored.
 */
public final class UploadService implements FileCheck {
  private static final Logger LOG = LoggerFactory.getLogger(UploadService.class);
  static final Duration WINDOW = Duration.ofHours(1);

  private final Vertx vertx;
  private final BlobStore store;
  private final UploadQueries queries;
  private final CampaignTypes types;
  private final MediaInspector inspector = new MediaInspector();
  private final Path staging;
  private final Clock clock;
  private final Duration leaseTtl;
  private final Limits limits;
  /** Uploads in progress on this instance, by account (an account with none has no entry). */
  private final ConcurrentHashMap<String, Integer> inProgress = new ConcurrentHashMap<>();

  /**
   * @param perHour uploads one account may make in an hour, those in progress included
   * @param inFlight uploads one account may have in progress at once
   * @param idle how long a body may send nothing before it is refused
   */
  public record Limits(int perHour, int inFlight, Duration idle) {}

  public UploadService(Vertx vertx, BlobStore store, UploadQueries queries, CampaignTypes types, Path staging,
      Clock clock, Duration leaseTtl, Limits limits) {
    this.vertx = vertx;
    this.store = store;
    this.queries = queries;
    this.types = types;
    this.staging = staging;
    this.clock = clock;
    this.leaseTtl = leaseTtl;
    this.limits = limits;
  }

  /** One of an account's upload slots; {@link #release} once the upload is over, however it ended. */
  final class Slot {
    private final String uploader;
    private final int others;
    private boolean released;

    private Slot(String uploader, int others) {
      this.uploader = uploader;
      this.others = others;
    }

    /** The account's other uploads in progress when this one was admitted. */
    int others() {
      return others;
    }

    synchronized void release() {
      if (!released) {
        released = true;
        inProgress.computeIfPresent(uploader, (k, n) -> n <= 1 ? null : n - 1);
      }
    }
  }

  /** Takes one of the account's upload slots, or refuses with 429 UPLOADS_IN_PROGRESS when all are taken. */
  Slot claim(String uploader) {
    int[] before = new int[1];
    inProgress.compute(uploader, (k, n) -> {
      before[0] = n == null ? 0 : n;
      return before[0] < limits.inFlight() ? before[0] + 1 : n;
    });
    if (before[0] >= limits.inFlight()) {
      throw new ApiException(ErrorCode.UPLOADS_IN_PROGRESS, Map.of(ErrorResponder.RETRY_AFTER_SECONDS, 1L),
          before[0]);
    }
    return new Slot(uploader, before[0]);
  }

  /** What the uploader gets back: the file's hashes and kind, and exactly the answer string to sign. */
  public record Uploaded(long campaignId, long itemId, String file, String sha256, String mediaType, long bytes,
      Double durationSeconds, String fileName, String answer, Instant expiresAt) {}

  /** The checks made before a byte of the body is read. */
  record Admitted(UploadType.Bound campaign, String mediaType) {}

  Future<Admitted> admit(Slot slot, long campaignId, long itemId, String claimed) {
    String uploader = slot.uploader;
    return types.of(campaignId).compose(found -> {
      CampaignAnswers<?, ?> bound = found.orElseThrow(() -> new ApiException(ErrorCode.CAMPAIGN_NOT_FOUND, campaignId));
      if (!(bound instanceof UploadType.Bound upload)) {
        throw new ApiException(ErrorCode.NOT_AN_UPLOAD_CAMPAIGN, campaignId, bound.type().wireName());
      }
      if (claimed == null) {
        throw new ApiException(ErrorCode.MEDIA_TYPE_REQUIRED, upload.mediaTypes());
      }
      if (!upload.accepts(claimed)) {
        throw new ApiException(ErrorCode.MEDIA_TYPE_NOT_ALLOWED, Map.of("mediaTypes", upload.mediaTypes()), claimed,
            upload.mediaTypes());
      }
      Instant now = clock.instant();
      return queries.admission(campaignId, itemId, uploader, now.minus(WINDOW)).map(asked -> {
        Optional<Instant> lease = asked.lease();
        if (lease.isEmpty()) {
          throw new ApiException(ErrorCode.ITEM_NOT_ASSIGNED, itemId, campaignId, campaignId);
        }
        if (!lease.get().isAfter(now)) {
          throw new ApiException(ErrorCode.LEASE_EXPIRED, itemId, lease.get());
        }
        UploadQueries.Recent recent = asked.recent();
        long counted = recent.count() + slot.others();
        if (counted >= limits.perHour()) {
          // with none recorded yet (all in progress), one may be possible again within seconds
          long retryAfter = recent.first() == null ? 1
              : Math.max(1, Duration.between(now, recent.first().plus(WINDOW)).toSeconds() + 1);
          throw new ApiException(ErrorCode.UPLOAD_RATE_LIMITED, Map.of(ErrorResponder.RETRY_AFTER_SECONDS, retryAfter),
              counted, retryAfter);
        }
        return new Admitted(upload, claimed);
      });
    });
  }

  /**
   * Streams the body to staging, checks it, records and stores it. The request must be paused (it is
   * resumed here).
   */
  Future<Uploaded> receive(HttpServerRequest request, String uploader, long campaignId, long itemId,
      Admitted admitted, String fileName) {
    UploadType.Bound campaign = admitted.campaign();
    return StagedBody.receive(vertx, request, staging, campaign.maxBytes(), limits.idle())
        .compose(staged -> vertx.executeBlocking(() -> inspectAndHash(staged, campaign, admitted.mediaType()), false)
            .compose(checked -> {
              Instant now = clock.instant();
              ContributedFile file = new ContributedFile(checked.blob().id().hex(), checked.mediaType(),
                  checked.blob().bytes());
              String answer = UploadType.Bound.answer(file);
              Long durationMs = checked.seconds() == null ? null : Math.round(checked.seconds() * 1000);
              UploadQueries.NewUpload row = new UploadQueries.NewUpload(file.file(), checked.blob().sha256(),
                  file.bytes(), file.mediaType(), durationMs, fileName, campaignId, itemId, uploader, answer, now,
                  now.plus(leaseTtl));
              return queries.record(row)
                  .compose(id -> vertx.executeBlocking(() -> store.putHashed(staged, checked.blob()), false))
                  .map(stored -> {
                    if (!stored.id().equals(checked.blob().id())) {
                      throw new IllegalStateException("the staged file changed between its check and its storing");
                    }
                    LOG.info("{} uploaded {} ({} bytes of {}) for item {} of campaign {}{}", uploader, file.file(),
                        file.bytes(), file.mediaType(), itemId, campaignId, stored.created() ? "" : ", already stored");
                    return new Uploaded(campaignId, itemId, file.file(), checked.blob().sha256(), file.mediaType(),
                        file.bytes(), checked.seconds(), fileName, answer, row.expiresAt());
                  });
            })
            .onFailure(err -> deleteQuietly(staged)));
  }

  private record Checked(Blob blob, String mediaType, Double seconds) {}

  /** Blocking: what the staged bytes are, whether the campaign takes them, and their hashes. */
  private Checked inspectAndHash(Path staged, UploadType.Bound campaign, String claimed) throws Exception {
    if (Files.size(staged) == 0) {
      throw new ApiException(ErrorCode.FILE_EMPTY);
    }
    MediaInspector.Media media = inspector.inspect(staged);
    if (!media.mediaType().equals(claimed)) {
      throw new ApiException(ErrorCode.MEDIA_TYPE_MISMATCH, Map.of("detected", media.mediaType()), media.mediaType(),
          claimed);
    }
    if (media.audio() && (media.seconds() < campaign.minSeconds() || media.seconds() > campaign.maxSeconds())) {
      throw new ApiException(ErrorCode.AUDIO_DURATION_OUT_OF_RANGE, Map.of("seconds", media.seconds(),
          "minSeconds", campaign.minSeconds(), "maxSeconds", campaign.maxSeconds()),
          String.format("%.3f", media.seconds()), campaign.minSeconds(), campaign.maxSeconds());
    }
    return new Checked(BlobHasher.of(staged), media.mediaType(), media.seconds());
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (java.io.IOException e) {
      LOG.warn("cannot delete staged upload {}: {}", file.getFileName(), e.toString());
    }
  }

  /**
   * The answer's file must be stored, uploaded by the signer for this campaign item, not expired, with the
   * length and media type the answer states.
   */
  @Override
  public Future<Void> check(String contributor, long campaignId, long itemId, ContributedFile file) {
    Instant now = clock.instant();
    return queries.ofFile(file.file(), contributor).compose(uploads -> {
      List<UploadQueries.Upload> here = uploads.mine().stream()
          .filter(u -> u.campaignId() == campaignId && u.itemId() == itemId).toList();
      Optional<UploadQueries.Upload> live = here.stream().filter(u -> !u.swept()).findFirst();
      if (live.isEmpty()) {
        if (!here.isEmpty()) {
          throw new ApiException(ErrorCode.FILE_UPLOAD_EXPIRED, file.file(), here.get(0).expiresAt());
        }
        if (!uploads.anyLive() && uploads.mine().isEmpty()) {
          throw new ApiException(ErrorCode.FILE_NOT_STORED, file.file(), campaignId);
        }
        throw new ApiException(ErrorCode.FILE_NOT_UPLOADED_HERE, file.file(), itemId, campaignId);
      }
      UploadQueries.Upload upload = live.get();
      if (upload.bytes() != file.bytes() || !upload.mediaType().equals(file.mediaType())) {
        throw new ApiException(ErrorCode.FILE_MISMATCH, file.file(), upload.bytes(), upload.mediaType(), file.bytes(),
            file.mediaType());
      }
      if (!upload.expiresAt().isAfter(now)) {
        throw new ApiException(ErrorCode.FILE_UPLOAD_EXPIRED, file.file(), upload.expiresAt());
      }
      return vertx.executeBlocking(() -> store.exists(new BlobId(file.file())), false);
    }).compose(stored -> stored ? Future.<Void>succeededFuture()
        : Future.failedFuture(new ApiException(ErrorCode.FILE_NOT_STORED, file.file(), campaignId)));
  }
}
