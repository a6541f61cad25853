package io.labelledger.provenance;

import io.labelledger.chain.Hex;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Proofs served from the persisted trees: one row for the contribution and its batch, then only
 * the 32-byte nodes its proof needs (slices of the stored tree, not the whole tree).
 */
public final class ProofQueries {
  private static final String SELECT = "select c.id, c.contributor, c.digest, c.batch_id, c.leaf_index, b.leaf_count, "
      + "b.root, b.state, b.chain_batch_id, b.tx_hash, b.block_number, b.block_time "
      + "from contributions c left join anchor_batches b on b.id = c.batch_id ";

  private final Pool pool;

  public ProofQueries(Pool pool) {
    this.pool = pool;
  }

  /** Where a contribution stands; the batch fields are null while it waits for a batch. */
  public record Located(long id, String contributor, byte[] digest, Long batchId, Integer leafIndex, Integer leafCount,
      byte[] root, String state, Long chainBatchId, String txHash, Long blockNumber, OffsetDateTime blockTime) {}

  public Future<Optional<Located>> byId(long id) {
    return pool.preparedQuery(SELECT + "where c.id = $1").execute(Tuple.of(id)).map(ProofQueries::located);
  }

  public Future<Optional<Located>> byDigest(byte[] digest) {
    return pool.preparedQuery(SELECT + "where c.digest = $1").execute(Tuple.of(Buffer.buffer(digest)))
        .map(ProofQueries::located);
  }

  /** The stored nodes at {@code positions} of a batch's tree, in that order. */
  public Future<List<byte[]>> nodes(long batchId, int[] positions) {
    Integer[] boxed = new Integer[positions.length];
    for (int i = 0; i < positions.length; i++) {
      boxed[i] = positions[i];
    }
    return pool.preparedQuery("select substring(b.tree from u.p * 32 + 1 for 32) as node "
            + "from anchor_batches b, unnest($2::int[]) with ordinality as u(p, o) where b.id = $1 order by u.o")
        .execute(Tuple.of(batchId, (Object) boxed)).map(rows -> {
          List<byte[]> out = new ArrayList<>(positions.length);
          rows.forEach(r -> out.add(r.getBuffer("node").getBytes()));
          return out;
        });
  }

  private static Optional<Located> located(io.vertx.sqlclient.RowSet<Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    Row r = rows.iterator().next();
    Buffer root = r.getBuffer("root");
    return Optional.of(new Located(r.getLong("id"), r.getString("contributor"), r.getBuffer("digest").getBytes(),
        r.getLong("batch_id"), r.getInteger("leaf_index"), r.getInteger("leaf_count"),
        root == null ? null : root.getBytes(), r.getString("state"), r.getLong("chain_batch_id"),
        r.getString("tx_hash"), r.getLong("block_number"), r.getOffsetDateTime("block_time")));
  }

  static String hex(byte[] bytes) {
    return bytes == null ? null : Hex.encode(bytes);
  }
}
