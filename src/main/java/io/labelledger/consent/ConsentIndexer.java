package io.labelledger.consent;

import io.labelledger.chain.ConsentRegistryGateway;
import io.labelledger.chain.ConsentRegistryGateway.ConsentEvent;
import io.labelledger.indexer.EventFollower;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
  public Future<Map<Long, String>> apply(SqlConnection tx, long from, long to) {
    return registry.consentEvents(from, to).compose(events -> apply(tx, events)
        .compose(v -> recheckMissing(tx, from, to))
        .map(v -> {
          Map<Long, String> blocks = new HashMap<>();
          events.forEach(e -> blocks.put(e.block(), e.blockHash()));
          return blocks;
        }));
  }

  /**
   * Requests the relayer confirmed in blocks {@code from..to} whose log the chain's logs of that range
   * do not show (their block was replaced before this follower read it) go back to {@code submitted}:
   * the relayer then settles them from a receipt on the new branch or relays them again.
   */
  private Future<Void> recheckMissing(SqlConnection tx, long from, long to) {
    return queries.reopenConfirmedMissing(tx, from, to).map(n -> {
      if (n > 0) {
        LOG.warn("{} confirmed consent request(s) have no log on the chain in block range {}..{} (reorganisation); "
            + "back to submitted for the relayer to check", n, from, to);
      }
      return null;
    });
  }

  /**
   * Forgets the consent events of the replaced blocks and re-derives each touched pair's state from
   * the events left, in chain order: a consent whose grant vanished is no consent (tasks and datasets
   * stop using it), a revocation that vanished no longer stands. Requests the relayer confirmed in
   * those blocks go back to {@code submitted}, so that the relayer checks their transactions again:
   * settled from the new branch's receipt when it holds one of them, else relayed again, once, with
   * the contributor's signature (the registry's nonce went back with the chain, so it is valid again).
   */
  @Override
  public Future<Void> rollback(SqlConnection tx, long lastGoodBlock) {
    return rederive(tx, lastGoodBlock).compose(v -> queries.reopenConfirmedAfter(tx, lastGoodBlock))
        .map(n -> {
          if (n > 0) {
            LOG.warn("reorganisation past block {}: {} confirmed consent request(s) back to submitted", lastGoodBlock, n);
          }
          return null;
        });
  }

  private Future<Void> rederive(SqlConnection tx, long lastGoodBlock) {
    return queries.deleteEventsAfter(tx, lastGoodBlock).compose(pairs -> {
      Future<Void> chain = Future.succeededFuture();
      for (ConsentQueries.Pair pair : pairs) {
        chain = chain.compose(v -> queries.deleteState(tx, pair))
            .compose(v -> queries.eventsOf(tx, pair))
            .compose(events -> apply(tx, events, false));
      }
      if (!pairs.isEmpty()) {
        chain = chain.onSuccess(v -> LOG.warn("consent of {} (contributor, terms) pair(s) re-derived after a "
            + "reorganisation past block {}", pairs.size(), lastGoodBlock));
      }
      return chain;
    });
  }

  private Future<Void> apply(SqlConnection tx, List<ConsentEvent> events) {
    return apply(tx, events, true);
  }

  /** Applies events in order; {@code store} false replays events already in {@code consent_events}. */
  private Future<Void> apply(SqlConnection tx, List<ConsentEvent> events, boolean store) {
    Future<Void> chain = Future.succeededFuture();
    for (ConsentEvent e : events) {
      chain = chain.compose(v -> (store ? queries.insertEvent(tx, e.txHash(), e.logIndex(), e.block(), e.granted(),
              e.contributor(), e.termsHash(), e.at(), e.expiresAt(), e.nonce()) : Future.succeededFuture(true))
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
    if (store && !events.isEmpty()) {
      chain = chain.onSuccess(v -> LOG.info("indexed {} consent event(s) up to block {}", events.size(),
          events.get(events.size() - 1).block()));
    }
    return chain;
  }
}
