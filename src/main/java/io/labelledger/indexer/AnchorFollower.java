package io.labelledger.indexer;

import io.labelledger.chain.ProvenanceRegistryGateway;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows ProvenanceRegistry's BatchAnchored logs into {@code chain_anchors}: the chain's own list
 * of anchors, whoever sent them. Beside {@code anchor_batches} (what the anchorer recorded) it
 * shows any anchor the service does not know of.
 */
public final class AnchorFollower implements EventFollower {
  private static final Logger LOG = LoggerFactory.getLogger(AnchorFollower.class);

  private final ProvenanceRegistryGateway registry;

  public AnchorFollower(ProvenanceRegistryGateway registry) {
    this.registry = registry;
  }

  @Override
  public String name() {
    return "ProvenanceRegistry:" + registry.address();
  }

  @Override
  public Future<Void> apply(SqlConnection tx, long from, long to) {
    return registry.anchoredEvents(from, to).compose(events -> {
      if (events.isEmpty()) {
        return Future.succeededFuture();
      }
      Future<Void> chain = Future.succeededFuture();
      for (ProvenanceRegistryGateway.Anchored a : events) {
        chain = chain.compose(v -> tx.preparedQuery("insert into chain_anchors "
                + "(chain_batch_id, root, leaf_count, anchored_at, block_number, tx_hash, log_index) "
                + "values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing")
            .execute(Tuple.from(new Object[] {a.chainBatchId(), Buffer.buffer(a.root()), a.leafCount(),
                Instant.ofEpochSecond(a.anchoredAt()).atOffset(ZoneOffset.UTC), a.blockNumber(), a.txHash(),
                a.logIndex()}))
            .mapEmpty());
      }
      return chain.onSuccess(v -> LOG.info("indexed {} anchor(s) up to block {}", events.size(),
          events.get(events.size() - 1).blockNumber()));
    });
  }
}
