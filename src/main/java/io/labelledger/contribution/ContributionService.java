package io.labelledger.contribution;

import io.labelledger.answer.AnswerTypes;
import io.labelledger.answer.CampaignAnswers;
import io.labelledger.answer.CanonicalJson;
import io.labelledger.answer.ContributedFile;
import io.labelledger.auth.Principal;
import io.labelledger.campaign.CampaignTypes;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.labelledger.signing.SignedTypes;
import io.labelledger.signing.SignerRecovery;
import io.labelledger.signing.Signatures;
import io.labelledger.signing.TypedDataChecks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Accepts signed contributions. The hot path of the service, kept lean: the typed data is decoded
 * once at the edge; shape, domain, contributor and time checks are plain comparisons; the digest
 * is hashed directly (no JSON re-encoding); signature recovery runs on worker threads, batched
 * ({@link SignerRecovery}); and every
 * check that needs the database plus the insert and the lease consumption is one SQL statement
 * (one round trip, atomic), shared by the submissions that arrive together ({@link GroupCommit}:
 * one commit for many, each judged on its own, each answered after the commit). No chain call:
 * consent comes from {@code consent_state}.
 */
public final class ContributionService {
  private final SignerRecovery recovery;
  private final Optional<Eip712.Domain> domain;
  private final ContributionQueries queries;
  private final CampaignTypes types;
  private final GroupCommit writer;
  private final Clock clock;
  private final long skewSeconds;
  private final FileCheck files;

  /**
   * @param writers how many group-commit statements may run at once (each holds a pool connection
   *     while it runs)
   */
  public ContributionService(Vertx vertx, SignerRecovery recovery, Optional<Eip712.Domain> domain,
      ContributionQueries queries, CampaignTypes types, Clock clock, long skewSeconds, int writers, FileCheck files) {
    this.recovery = recovery;
    this.domain = domain;
    this.queries = queries;
    this.types = types;
    this.writer = new GroupCommit(vertx, queries, clock, writers, MAX_BATCH);
    this.clock = clock;
    this.skewSeconds = skewSeconds;
    this.files = files;
  }

  /** Most submissions written by one statement: bounds its parameters and the time it holds row locks. */
  static final int MAX_BATCH = 256;

  /** Reply to a submission; {@code replayed} when this exact signed contribution was stored before. */
  public record Accepted(boolean replayed, Receipt receipt) {}

  /** What the contributor gets back: the stored contribution's id, status and digest. */
  public record Receipt(long id, String status, long campaignId, long itemId, String digest) {}

  private record Checked(long campaignId, long itemId, String contributor, String answer, String termsHash,
      long submittedAt, byte[] signature, byte[] digest, String answerKey) {
    ContributionQueries.Candidate candidate() {
      return new ContributionQueries.Candidate(campaignId, itemId, contributor, answer, termsHash, submittedAt,
          signature, digest, answerKey);
    }

    Checked withAnswerKey(String key) {
      return new Checked(campaignId, itemId, contributor, answer, termsHash, submittedAt, signature, digest, key);
    }
  }

  public Future<Accepted> submit(Principal.Account account, SignedContribution.Request request) {
    Checked c;
    try {
      c = check(account, request);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    return checkAnswer(c).compose(checked -> recovery.requireSigner(checked.digest(), checked.signature(),
        checked.contributor()).compose(v -> store(checked)));
  }

  /**
   * A typed answer is checked by its campaign's type (shape, canonical form, range) before its
   * signature is even recovered; a single-choice label is checked by the acceptance statement, as
   * before. An unknown campaign passes here and is refused by that statement. Only for a type whose
   * answers point into the item (spans of its text, boxes on its image) is the item's data read, one
   * indexed lookup; an item that is not the campaign's is left to that statement (it has no lease).
   * An answer that names a contributed file ({@link CampaignAnswers#file}) is checked against its upload
   * and the blob store ({@link FileCheck}).
   */
  private Future<Checked> checkAnswer(Checked c) {
    return types.of(c.campaignId()).compose(bound -> {
      if (bound.isEmpty() || bound.get().type().wireName().equals(AnswerTypes.SINGLE_CHOICE)) {
        return Future.succeededFuture(c);
      }
      CampaignAnswers<?, ?> type = bound.get();
      ContributedFile file = type.file(c.answer());
      if (file != null) {
        // an answer naming a file: those bytes must be stored and be the signer's upload for this item
        return files.check(c.contributor(), c.campaignId(), c.itemId(), file)
            .map(v -> c.withAnswerKey(type.key(c.answer())));
      }
      if (!type.answerNeedsItem()) {
        type.parse(c.answer());
        return Future.succeededFuture(c.withAnswerKey(type.key(c.answer())));
      }
      return queries.itemData(c.campaignId(), c.itemId()).map(item -> {
        if (item.isEmpty()) {
          type.parse(c.answer());
          return c.withAnswerKey(type.key(c.answer()));
        }
        return c.withAnswerKey(type.checkedKey(c.answer(), CanonicalJson.read(item.get().data()),
            item.get().goldAnswer()));
      });
    });
  }

  private Checked check(Principal.Account account, SignedContribution.Request request) {
    if (domain.isEmpty()) {
      throw new ApiException(ErrorCode.CHAIN_UNAVAILABLE, "no chain is configured for this service");
    }
    var td = request.typedData();
    TypedDataChecks.check(td, SignedTypes.CONTRIBUTION, domain.get());
    var m = td.message();
    String contributor = m.contributor().toLowerCase();
    if (!contributor.equals(account.address())) {
      throw new ApiException(ErrorCode.CONTRIBUTOR_NOT_SIGNED_IN, contributor, account.address());
    }
    long campaignId = TypedDataChecks.longValue(m.campaignId(), "typedData.message.campaignId");
    long itemId = TypedDataChecks.longValue(m.itemId(), "typedData.message.itemId");
    long submittedAt = TypedDataChecks.longValue(m.submittedAt(), "typedData.message.submittedAt");
    long now = clock.instant().getEpochSecond();
    if (Math.abs(submittedAt - now) > skewSeconds) {
      throw new ApiException(ErrorCode.SUBMITTED_AT_OUT_OF_RANGE, submittedAt, skewSeconds, now);
    }
    byte[] signature = Signatures.parse(request.signature());
    String termsHash = m.termsHash().toLowerCase();
    byte[] digest = new ContributionMessage(contributor, BigInteger.valueOf(campaignId), BigInteger.valueOf(itemId),
        m.answer(), termsHash, submittedAt).digest(domain.get());
    return new Checked(campaignId, itemId, contributor, m.answer(), termsHash, submittedAt, signature, digest, null);
  }

  private Future<Accepted> store(Checked c) {
    return attempt(c).compose(outcome -> outcome.newId() == null && outcome.sameId() == null
        && outcome.priorId() == null && passesAll(c, outcome)
        ? attempt(c) // lost a race to a concurrent submission of the same item: the next snapshot shows it
        : Future.succeededFuture(outcome)).compose(outcome -> decide(c, outcome));
  }

  private Future<ContributionQueries.Outcome> attempt(Checked c) {
    return writer.accept(c.candidate());
  }

  private boolean passesAll(Checked c, ContributionQueries.Outcome o) {
    return c.termsHash().equals(o.campaignTerms()) && Boolean.TRUE.equals(o.labelOk()) && o.consentOk()
        && o.leaseExpiresAt() != null && o.leaseExpiresAt().isAfter(clock.instant());
  }

  /** The order of the checks is the order of the refusals a client sees. */
  private Future<Accepted> decide(Checked c, ContributionQueries.Outcome o) {
    String digest = Hex.encode(c.digest());
    if (o.newId() != null) {
      return Future.succeededFuture(new Accepted(false,
          new Receipt(o.newId(), o.newStatus(), c.campaignId(), c.itemId(), digest)));
    }
    if (o.campaignTerms() == null) {
      return fail(ErrorCode.CAMPAIGN_NOT_FOUND, c.campaignId());
    }
    if (o.sameId() != null) {
      return Future.succeededFuture(new Accepted(true,
          new Receipt(o.sameId(), o.sameStatus(), c.campaignId(), c.itemId(), digest)));
    }
    if (!c.termsHash().equals(o.campaignTerms())) {
      return fail(ErrorCode.TERMS_MISMATCH, c.termsHash(), c.campaignId(), o.campaignTerms());
    }
    if (!Boolean.TRUE.equals(o.labelOk())) {
      return queries.labels(c.campaignId()).compose(labels -> Future.failedFuture(new ApiException(
          ErrorCode.ANSWER_NOT_IN_LABEL_SET, Map.of("labels", labels), c.answer(), labels)));
    }
    if (o.priorId() != null) {
      return fail(ErrorCode.ALREADY_ANSWERED, c.itemId(), c.campaignId(), o.priorId());
    }
    if (!o.consentOk()) {
      return fail(ErrorCode.CONSENT_REQUIRED, c.contributor(), o.campaignTerms(), c.campaignId());
    }
    if (o.leaseExpiresAt() == null) {
      return fail(ErrorCode.ITEM_NOT_ASSIGNED, c.itemId(), c.campaignId(), c.campaignId());
    }
    Instant now = clock.instant();
    if (!o.leaseExpiresAt().isAfter(now)) {
      return fail(ErrorCode.LEASE_EXPIRED, c.itemId(), o.leaseExpiresAt());
    }
    return Future.failedFuture(new IllegalStateException("contribution neither stored nor refused: " + o));
  }

  private static <T> Future<T> fail(ErrorCode code, Object... args) {
    return Future.failedFuture(new ApiException(code, args));
  }
}
