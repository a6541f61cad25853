package io.labelledger.indexer;

import io.labelledger.chain.ProvenanceRegistryGateway;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
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
  public Future<Map<Long, String>> apply(SqlConnection tx, long from, long to) {
    return registry.anchoredEvents(from, to).compose(events -> {
      Map<Long, String> blocks = new HashMap<>();
      Future<Void> chain = Future.succeededFuture();
      for (ProvenanceRegistryGateway.Anchored a : events) {
        blocks.put(a.blockNumber(), a.blockHash());
        chain = chain.compose(v -> tx.preparedQuery("insert into chain_anchors "
                + "(chain_batch_id, root, leaf_count, anchored_at, block_number, tx_hash, log_index) "
                + "values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing")
            .execute(Tuple.from(new Object[] {a.chainBatchId(), Buffer.buffer(a.root()), a.leafCount(),
                Instant.ofEpochSecond(a.anchoredAt()).atOffset(ZoneOffset.UTC), a.blockNumber(), a.txHash(),
                a.logIndex()}))
            .mapEmpty());
      }
      if (!events.isEmpty()) {
        chain = chain.onSuccess(v -> LOG.info("indexed {} anchor(s) up to block {}", events.size(),
            events.get(events.size() - 1).blockNumber()));
      }
      return chain.compose(v -> recheckMissing(tx, from, to)).map(blocks);
    });
  }

  /**
   * Anchors the anchorer recorded in blocks {@code from..to} that the chain's logs of that range do not
   * show (their block was replaced before this follower read it) go back to {@code mined}: the
   * anchorer then asks {@code batchOfRoot} and re-sends the batch only if its root is not anchored.
   */
  private Future<Void> recheckMissing(SqlConnection tx, long from, long to) {
    return tx.preparedQuery("update anchor_batches b set state = 'mined', anchored_at = null, "
            + "chain_batch_id = null where b.state = 'anchored' and b.block_number between $1 and $2 and not exists "
            + "(select 1 from chain_anchors a where a.root = b.root and a.tx_hash = b.tx_hash "
            + "and a.block_number = b.block_number) returning b.id")
        .execute(Tuple.of(from, to)).map(rows -> {
          rows.forEach(r -> LOG.warn("batch {}: its anchor is not on the chain in block range {}..{} "
              + "(reorganisation); back to mined for the anchorer to check", r.getLong(0), from, to));
          return null;
        });
  }

  /**
   * Forgets the anchors of the replaced blocks; batches the anchorer recorded in them go back to
   * {@code mined}, so that the anchorer checks {@code batchOfRoot} again: re-sent when the root is
   * no longer anchored, recorded afresh when the new branch holds it too.
   */
  @Override
  public Future<Void> rollback(SqlConnection tx, long lastGoodBlock) {
    return tx.preparedQuery("delete from chain_anchors where block_number > $1").execute(Tuple.of(lastGoodBlock))
        .compose(gone -> tx.preparedQuery("update anchor_batches set state = 'mined', anchored_at = null, "
                + "chain_batch_id = null where state = 'anchored' and block_number > $1").execute(Tuple.of(lastGoodBlock))
            .onSuccess(batches -> LOG.warn("reorganisation past block {}: {} indexed anchor(s) removed, {} batch(es) "
                + "back to mined", lastGoodBlock, gone.rowCount(), batches.rowCount())))
        .mapEmpty();
  }
}
