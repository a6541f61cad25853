package io.labelledger.audit;

import io.labelledger.chain.Deployment;
import io.labelledger.chain.Hex;
import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.labelledger.provenance.StandardMerkleTree;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What an audit bundle is made of, read from the service's own tables: the listed version
 * ({@code datasets}), its contributions one anchor batch at a time ({@code contributions} with the
 * batch's stored tree, from which every proof is cut), and its shares tree ({@code dataset_shares})
 * in pages. A version is immutable once built, so the reads need no common snapshot.
 */
public final class AuditBundleQueries {
  /** Shares entries read per query. */
  static final int SHARES_PAGE = 4096;

  private final Pool pool;

  public AuditBundleQueries(Pool pool) {
    this.pool = pool;
  }

  /** A listed version: the bundle's header, its version number and the anchor batches (our ids) it uses. */
  public record Listed(long id, int version, AuditBundle.Header header, List<Long> batchIds) {}

  /**
   * The header of a listed version on {@code deployment}'s chain; fails with DATASET_NOT_FOUND or,
   * for a version not listed (yet), AUDIT_BUNDLE_NOT_FOUND.
   */
  public Future<Listed> listed(long id, Deployment deployment) {
    return pool.preparedQuery("""
            select version, status, chain_dataset_id, payment_token, content_root, shares_root, total_shares,
                   terms_hash, contribution_count, batch_ids, shares_rule::text as shares_rule
              from datasets where id = $1""").execute(Tuple.of(id))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new ApiException(ErrorCode.DATASET_NOT_FOUND, id));
          }
          Row r = rows.iterator().next();
          if (!"listed".equals(r.getString("status"))) {
            return Future.failedFuture(new ApiException(ErrorCode.AUDIT_BUNDLE_NOT_FOUND, id, r.getString("status")));
          }
          AuditBundle.Chain chain = new AuditBundle.Chain(deployment.chainId(), deployment.consentRegistry(),
              deployment.provenanceRegistry(), deployment.marketplace(), r.getString("payment_token"));
          AuditBundle.Dataset dataset = new AuditBundle.Dataset(BigInteger.valueOf(r.getLong("chain_dataset_id")),
              Hex.decode(r.getString("content_root")), Hex.decode(r.getString("shares_root")),
              BigInteger.valueOf(r.getLong("total_shares")), Hex.decode(r.getString("terms_hash")),
              r.getLong("contribution_count"));
          return Future.succeededFuture(new Listed(id, r.getInteger("version"),
              new AuditBundle.Header(chain, dataset, sharesRule(r.getString("shares_rule"))),
              Arrays.asList(r.getArrayOfLongs("batch_ids"))));
        });
  }

  /**
   * The rule a version's shares follow, from {@code datasets.shares_rule}: null (every version built before
   * weighted rules) is one share per contribution; else {@code {"id":"weighted-by-campaign","weights":{...}}}.
   */
  static AuditBundle.SharesRule sharesRule(String stored) {
    if (stored == null) {
      return AuditBundle.SharesRule.ONE_SHARE_PER_CONTRIBUTION;
    }
    com.fasterxml.jackson.databind.JsonNode rule = io.labelledger.answer.CanonicalJson.read(stored);
    java.util.Map<Long, Long> weights = new java.util.TreeMap<>();
    rule.get("weights").fields().forEachRemaining(w -> weights.put(Long.parseLong(w.getKey()), w.getValue().longValue()));
    return AuditBundle.SharesRule.weighted(weights);
  }

  /** An anchor batch of the version: our id, the contract's, and its stored tree (every node, 32 bytes each). */
  public record Batch(long id, long chainBatchId, int leafCount, byte[] tree) {}

  /** The batches {@code ids} in on-chain order, trees not loaded. */
  public Future<List<Long>> inChainOrder(List<Long> ids) {
    return pool.preparedQuery("select id from anchor_batches where id = any($1) order by chain_batch_id")
        .execute(Tuple.of((Object) ids.toArray(Long[]::new))).map(rows -> {
          List<Long> out = new ArrayList<>(rows.size());
          rows.forEach(row -> out.add(row.getLong(0)));
          return out;
        });
  }

  /** An anchor batch with its stored tree; fails if it has no on-chain batch id (never for a listed version). */
  public Future<Batch> batch(long datasetId, long batchId) {
    return pool.preparedQuery("select id, chain_batch_id, leaf_count, tree from anchor_batches"
            + " where id = $1 and chain_batch_id is not null").execute(Tuple.of(batchId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new IllegalStateException("anchor batch " + batchId + " of dataset " + datasetId
                + " has no on-chain batch id"))
            : Future.succeededFuture(toBatch(rows.iterator().next())));
  }

  /**
   * Up to {@code limit} of the version's contributions in batch {@code batchId} from leaf index
   * {@code fromLeaf} on, in leaf order (one range of the V10 index by batch and leaf).
   */
  public Future<List<Row>> contributions(long datasetId, long batchId, int fromLeaf, int limit) {
    return pool.preparedQuery("""
            select c.id, c.contributor, c.campaign_id, c.item_id, c.answer, c.terms_hash, c.submitted_at, c.signature,
                   c.leaf_index
              from contributions c
              join dataset_contributions dc on dc.contribution_id = c.id
             where dc.dataset_id = $1 and dc.batch_id = $2 and dc.batch_leaf >= $3
             order by dc.batch_leaf
             limit $4""").execute(Tuple.of(datasetId, batchId, fromLeaf, limit)).map(rows -> {
               List<Row> out = new ArrayList<>(rows.size());
               rows.forEach(out::add);
               return out;
             });
  }

  /**
   * A contribution row as the bundle states it: the answer as its keccak256, the leaf and proof
   * cut from the batch's stored tree (the leaf as anchored, not recomputed: the verifier does that).
   * CPU only; runs on any thread.
   */
  public static AuditBundle.Contribution toContribution(Row r, Batch batch) {
    int leafIndex = r.getInteger("leaf_index");
    byte[] leaf = node(batch.tree(), StandardMerkleTree.treePosition(batch.leafCount(), leafIndex));
    int[] positions = StandardMerkleTree.proofPositions(batch.leafCount(), leafIndex);
    List<byte[]> proof = new ArrayList<>(positions.length);
    for (int position : positions) {
      proof.add(node(batch.tree(), position));
    }
    return new AuditBundle.Contribution(Long.toString(r.getLong("id")), r.getString("contributor"),
        BigInteger.valueOf(r.getLong("campaign_id")), BigInteger.valueOf(r.getLong("item_id")),
        AuditBundle.answerHash(r.getString("answer")), Hex.decode(r.getString("terms_hash")), r.getLong("submitted_at"),
        r.getBuffer("signature").getBytes(), leaf, batch.chainBatchId(), proof);
  }

  /** Up to {@link #SHARES_PAGE} shares entries of the version from leaf index {@code from}, in order. */
  public Future<List<AuditBundle.Share>> shares(long datasetId, long from) {
    return pool.preparedQuery("select leaf_index, account, shares from dataset_shares"
            + " where dataset_id = $1 and leaf_index >= $2 order by leaf_index limit $3")
        .execute(Tuple.of(datasetId, from, SHARES_PAGE)).map(rows -> {
          List<AuditBundle.Share> out = new ArrayList<>(rows.size());
          rows.forEach(row -> out.add(new AuditBundle.Share(row.getInteger(0), row.getString(1),
              BigInteger.valueOf(row.getLong(2)))));
          return out;
        });
  }

  private static Batch toBatch(Row r) {
    return new Batch(r.getLong("id"), r.getLong("chain_batch_id"), r.getInteger("leaf_count"),
        r.getBuffer("tree").getBytes());
  }

  private static byte[] node(byte[] tree, int position) {
    return Arrays.copyOfRange(tree, position * 32, position * 32 + 32);
  }
}
