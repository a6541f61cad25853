package io.labelledger.consent;

import io.labelledger.chain.ConsentRegistryGateway;
import io.labelledger.chain.ConsentRegistryGateway.ConsentEvent;
import io.labelledger.indexer.EventFollower;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows ConsentGranted / ConsentRevoked logs of the ConsentRegistry into {@code consent_state}
 * (run by the {@link io.labelledger.indexer.ChainIndexer}, from its own cursor). Whoever changed the
 * consent (the relayer, or the contributor directly on-chain), the service sees it within one
 * period. Idempotent: a log is applied once ((tx hash, log index) is unique), and a pair's state
 * only moves forward in nonce order.
 */
public final class ConsentIndexer implements EventFollower {
  private static final Logger LOG = LoggerFactory.getLogger(ConsentIndexer.class);

  private final ConsentQueries queries;
  private final ConsentRegistryGateway registry;

  public ConsentIndexer(ConsentQueries queries, ConsentRegistryGateway registry) {
    this.queries = queries;
    this.registry = registry;
  }

  @Override
  public String name() {
    return "ConsentRegistry:" + registry.address();
  }

  @Override
  public Future<Void> apply(SqlConnection tx, long from, long to) {
    return registry.consentEvents(from, to).compose(events -> apply(tx, events));
  }

  private Future<Void> apply(SqlConnection tx, List<ConsentEvent> events) {
    Future<Void> chain = Future.succeededFuture();
    for (ConsentEvent e : events) {
      chain = chain.compose(v -> queries.insertEvent(tx, e.txHash(), e.logIndex(), e.block(), e.granted(),
              e.contributor(), e.termsHash(), e.at(), e.expiresAt(), e.nonce())
          .compose(isNew -> {
            if (!isNew) {
              return Future.succeededFuture();
            }
            LOG.debug("consent of {} to {} {} at block {}", e.contributor(), e.termsHash(),
                e.granted() ? "granted" : "revoked", e.block());
            return e.granted()
                ? queries.applyGrant(tx, e.contributor(), e.termsHash(), e.at(), e.expiresAt(), e.nonce(), e.block())
                : queries.applyRevoke(tx, e.contributor(), e.termsHash(), e.at(), e.nonce(), e.block());
          }));
    }
    if (!events.isEmpty()) {
      chain = chain.onSuccess(v -> LOG.info("indexed {} consent event(s) up to block {}", events.size(),
          events.get(events.size() - 1).block()));
    }
    return chain;
  }
}
