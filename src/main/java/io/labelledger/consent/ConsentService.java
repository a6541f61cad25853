package io.labelledger.consent;

import io.labelledger.auth.Principal;
import io.labelledger.chain.ConsentRegistryGateway;
import io.labelledger.chain.Eip712;
import io.labelledger.consent.SignedConsentRequests.ConsentRequest;
import io.labelledger.consent.SignedConsentRequests.RevocationRequest;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.labelledger.signing.SignedTypes;
import io.labelledger.signing.SignerRecovery;
import io.labelledger.signing.Signatures;
import io.labelledger.signing.TypedDataChecks;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accepts signed Consent and Revocation messages for relaying: every check a relayed message
 * would fail on-chain is made here first, so a 202 means the relayer will very likely apply it.
 * Signature recovery runs on worker threads ({@link SignerRecovery}), never on the event loop.
 */
public final class ConsentService {
  private final Optional<ConsentRegistryGateway> registry;
  private final Optional<Eip712.Domain> domain;
  private final ConsentQueries queries;
  private final TermsQueries terms;
  private final Clock clock;
  private final SignerRecovery recovery;

  public ConsentService(Optional<ConsentRegistryGateway> registry, Optional<Eip712.Domain> domain,
      ConsentQueries queries, TermsQueries terms, Clock clock, SignerRecovery recovery) {
    this.recovery = recovery;
    this.registry = registry;
    this.domain = domain;
    this.queries = queries;
    this.terms = terms;
    this.clock = clock;
  }

  /** Reply to an accepted request: its id and status ("pending" until relayed). */
  public record Accepted(long id, String status) {}

  /** A message's fields after the shape checks: what the database and the relayer need. */
  private record Checked(String kind, String contributor, String termsHash, Long expiresAt, long nonce, long deadline,
      byte[] signature, byte[] digest) {}

  public Future<Accepted> submitConsent(Principal.Account account, ConsentRequest request) {
    try {
      return recoverThenStore(checkConsent(account, request));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
  }

  public Future<Accepted> submitRevocation(Principal.Account account, RevocationRequest request) {
    try {
      return recoverThenStore(checkRevocation(account, request));
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
  }

  private Checked checkConsent(Principal.Account account, ConsentRequest request) {
    Eip712.Domain d = requireDomain();
    var td = request.typedData();
    TypedDataChecks.check(td, SignedTypes.CONSENT, d);
    var m = td.message();
    String contributor = requireContributor(m.contributor(), account);
    long now = clock.instant().getEpochSecond();
    long expiresAt = TypedDataChecks.longValue(m.expiresAt(), "typedData.message.expiresAt");
    long deadline = TypedDataChecks.longValue(m.deadline(), "typedData.message.deadline");
    long nonce = TypedDataChecks.longValue(m.nonce(), "typedData.message.nonce");
    if (expiresAt <= now) {
      throw new ApiException(ErrorCode.CONSENT_EXPIRY_INVALID, expiresAt, now);
    }
    requireDeadline(deadline, now);
    byte[] signature = Signatures.parse(request.signature());
    String termsHash = m.termsHash().toLowerCase();
    byte[] digest = new ConsentMessages.Consent(contributor, termsHash, expiresAt, BigInteger.valueOf(nonce), deadline)
        .digest(d);
    return new Checked("consent", contributor, termsHash, expiresAt, nonce, deadline, signature, digest);
  }

  private Checked checkRevocation(Principal.Account account, RevocationRequest request) {
    Eip712.Domain d = requireDomain();
    var td = request.typedData();
    TypedDataChecks.check(td, SignedTypes.REVOCATION, d);
    var m = td.message();
    String contributor = requireContributor(m.contributor(), account);
    long now = clock.instant().getEpochSecond();
    long deadline = TypedDataChecks.longValue(m.deadline(), "typedData.message.deadline");
    long nonce = TypedDataChecks.longValue(m.nonce(), "typedData.message.nonce");
    requireDeadline(deadline, now);
    byte[] signature = Signatures.parse(request.signature());
    String termsHash = m.termsHash().toLowerCase();
    byte[] digest = new ConsentMessages.Revocation(contributor, termsHash, BigInteger.valueOf(nonce), deadline)
        .digest(d);
    return new Checked("revocation", contributor, termsHash, null, nonce, deadline, signature, digest);
  }

  private Future<Accepted> recoverThenStore(Checked c) {
    return recovery.requireSigner(c.digest(), c.signature(), c.contributor()).compose(v -> store(c));
  }

  /** Terms known here, nonce current on-chain, nonce not carried by another open request; then stored. */
  private Future<Accepted> store(Checked c) {
    ConsentRegistryGateway gateway = registry.orElseThrow();
    return terms.find(c.termsHash())
        .compose(found -> found.isPresent() ? gateway.nonceOf(c.contributor(), c.termsHash())
            .recover(err -> Future.failedFuture(new ApiException(ErrorCode.CHAIN_UNAVAILABLE, err.getMessage())))
            : Future.failedFuture(new ApiException(ErrorCode.TERMS_UNKNOWN, c.termsHash())))
        .compose(onChain -> {
          if (!onChain.equals(BigInteger.valueOf(c.nonce()))) {
            return Future.failedFuture(new ApiException(ErrorCode.CONSENT_NONCE_MISMATCH,
                Map.of("expected", onChain, "actual", c.nonce()), c.nonce(), onChain));
          }
          return queries.insert(c.kind(), c.contributor(), c.termsHash(), c.expiresAt(), c.nonce(), c.deadline(),
              c.signature(), c.digest());
        })
        .compose(inserted -> inserted.isPresent()
            ? Future.succeededFuture(new Accepted(inserted.get(), "pending"))
            : queries.conflicting(c.digest(), c.contributor(), c.termsHash(), c.nonce()).compose(existing -> {
              if (existing.isPresent() && java.util.Arrays.equals(existing.get().signature(), c.signature())) {
                // the very same signed message again: the same answer, nothing stored twice
                return Future.succeededFuture(new Accepted(existing.get().id(), publicStatus(existing.get().status())));
              }
              return Future.failedFuture(new ApiException(ErrorCode.CONSENT_NONCE_PENDING, c.nonce(),
                  existing.map(r -> String.valueOf(r.id())).orElse("(just settled)")));
            }));
  }

  private Eip712.Domain requireDomain() {
    if (domain.isEmpty() || registry.isEmpty()) {
      throw new ApiException(ErrorCode.CHAIN_UNAVAILABLE, "no chain is configured for this service");
    }
    return domain.get();
  }

  private static String requireContributor(String contributor, Principal.Account account) {
    String lower = contributor.toLowerCase();
    if (!lower.equals(account.address())) {
      throw new ApiException(ErrorCode.CONTRIBUTOR_NOT_SIGNED_IN, lower, account.address());
    }
    return lower;
  }

  private static void requireDeadline(long deadline, long now) {
    if (deadline < now) {
      throw new ApiException(ErrorCode.DEADLINE_EXPIRED, deadline, now);
    }
  }

  /** The request states a client sees: in-flight states are still "pending" (with a tx hash once sent). */
  static String publicStatus(String status) {
    return switch (status) {
      case "submitting", "submitted" -> "pending";
      default -> status;
    };
  }

  /** {@code GET /api/consents/me}. */
  public record MyConsents(List<ConsentView> consents, List<RequestView> requests) {}

  public record ConsentView(String termsHash, Instant grantedAt, Instant expiresAt, Instant revokedAt, boolean valid) {}

  public record RequestView(long id, String kind, String termsHash, long nonce, Long expiresAt, long deadline,
      String status, String txHash, String failure, Instant createdAt, Instant updatedAt) {}

  public Future<MyConsents> mine(Principal.Account account) {
    Instant now = clock.instant();
    return Future.all(queries.statesOf(account.address()), queries.requestsOf(account.address(), 100))
        .map(all -> {
          List<ConsentQueries.State> states = all.resultAt(0);
          List<ConsentQueries.Request> requests = all.resultAt(1);
          return new MyConsents(
              states.stream().map(s -> new ConsentView(s.termsHash(), s.grantedAt(), s.expiresAt(), s.revokedAt(),
                  s.validAt(now))).toList(),
              requests.stream().map(r -> new RequestView(r.id(), r.kind(), r.termsHash(), r.nonce(), r.expiresAt(),
                  r.deadline(), publicStatus(r.status()), r.txHash(), r.failure(), r.createdAt(), r.updatedAt()))
                  .toList());
        });
  }
}
