package io.labelledger.task;

import io.labelledger.auth.Principal;
import io.labelledger.campaign.Campaign;
import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.campaign.CampaignService;
import io.labelledger.campaign.CampaignTypes;
import io.labelledger.chain.Eip712;
import io.labelledger.contribution.SignedContribution;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.labelledger.quality.QualityGate;
import io.labelledger.signing.SignedTypes;
import io.labelledger.signing.TypedDomain;
import io.labelledger.signing.Uint;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Hands out the next item of a campaign to a contributor, as a lease held in PostgreSQL (it
 * survives restarts and is shared by every instance).
 *
 * <p>Gold items are mixed in at random: each task is gold with probability {@code goldRate}, so a
 * contributor cannot tell which ones are gold by their position. When the drawn kind has nothing
 * left for this contributor, the other kind is served; a campaign with goldRate 0 never serves its
 * gold items. Gold items do not count toward overlap (everyone may answer each one). A contributor
 * below the campaign's accuracy floor gets no task ({@link QualityGate}).
 */
public final class TaskService {
  private final Pool pool;
  private final TaskQueries queries;
  private final CampaignService campaigns;
  private final Optional<Eip712.Domain> provenance;
  private final Clock clock;
  private final Duration leaseTtl;
  private final DoubleSupplier random;
  private final QualityGate quality;
  private final CampaignTypes types;

  public TaskService(Pool pool, TaskQueries queries, CampaignService campaigns, Optional<Eip712.Domain> provenance,
      Clock clock, Duration leaseTtl, DoubleSupplier random, QualityGate quality, CampaignTypes types) {
    this.pool = pool;
    this.queries = queries;
    this.campaigns = campaigns;
    this.provenance = provenance;
    this.clock = clock;
    this.leaseTtl = leaseTtl;
    this.random = random;
    this.quality = quality;
    this.types = types;
  }

  /** The eth_signTypedData_v4 object to sign, with {@code message.answer} left for the client to fill in. */
  public record TypedDataToSign(java.util.Map<String, List<io.labelledger.signing.TypedField>> types,
      String primaryType, TypedDomain domain, SignedContribution.Fields message) {}

  /**
   * Reply of {@code tasks/next}. {@code payload} is the item's data exactly as uploaded;
   * {@code answerSchema} says what {@code typedData.message.answer} must hold (the label itself for
   * single_choice, the RFC 8785 canonical JSON of the answer for the other types).
   */
  public record Task(long leaseId, Instant expiresAt, long campaignId, long itemId,
      @com.fasterxml.jackson.annotation.JsonRawValue String payload, String taskType, JsonNode settings,
      List<String> labels, Map<String, Object> answerSchema, String instructions, TypedDataToSign typedData) {}

  public Future<Task> next(Principal.Account account, long campaignId) {
    if (provenance.isEmpty()) {
      return Future.failedFuture(new ApiException(ErrorCode.CHAIN_UNAVAILABLE, "no chain is configured for this service"));
    }
    Instant now = clock.instant();
    return campaigns.get(campaignId).compose(campaign -> queries.hasValidConsent(account.address(),
            campaign.termsHash(), now)
        .compose(consented -> consented ? quality.admit(account.address(), campaign)
            : Future.failedFuture(new ApiException(ErrorCode.CONSENT_REQUIRED, account.address(),
                campaign.termsHash(), campaign.id())))
        .compose(admitted -> allocate(account, campaign, now))
        .map(lease -> toTask(account, campaign, lease, now)));
  }

  private Future<TaskQueries.Lease> allocate(Principal.Account account, Campaign campaign, Instant now) {
    boolean gold = campaign.goldRate() > 0 && random.getAsDouble() < campaign.goldRate();
    Instant expiresAt = now.plus(leaseTtl);
    return pool.withTransaction(tx -> queries.lease(tx, campaign.id(), account.address(), gold, now, expiresAt)
            .compose(first -> first.isPresent() || campaign.goldRate() == 0
                ? Future.succeededFuture(first)
                : queries.lease(tx, campaign.id(), account.address(), !gold, now, expiresAt)))
        .compose(lease -> lease.isPresent() ? Future.succeededFuture(lease.get())
            : Future.failedFuture(new ApiException(ErrorCode.NO_TASK_AVAILABLE, campaign.id())));
  }

  private Task toTask(Principal.Account account, Campaign campaign, TaskQueries.Lease lease, Instant now) {
    Eip712.Domain domain = provenance.orElseThrow();
    SignedContribution.Fields message = new SignedContribution.Fields(account.address(), Uint.of(campaign.id()),
        Uint.of(lease.itemId()), "", campaign.termsHash(), Uint.of(now.getEpochSecond()));
    return new Task(lease.id(), lease.expiresAt(), campaign.id(), lease.itemId(), lease.payload(),
        campaign.taskType(), campaign.settings(), campaign.labels(), types.of(campaign).answerSchema(),
        campaign.instructions(), new TypedDataToSign(SignedTypes.typesOf(SignedTypes.CONTRIBUTION),
            SignedTypes.CONTRIBUTION, TypedDomain.of(domain), message));
  }
}
