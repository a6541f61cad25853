package io.labelledger.provenance;

import io.labelledger.auth.Guards;
import io.labelledger.auth.Principal;
import io.labelledger.chain.Hex;
import io.labelledger.http.Params;
import io.labelledger.http.ApiException;
import io.labelledger.http.ApiModule;
import io.labelledger.http.ErrorCode;
import io.labelledger.http.JsonCodec;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Inclusion proofs of contributions in anchored batches, checkable by anyone with
 * {@code @openzeppelin/merkle-tree} ({@code StandardMerkleTree.verify(root, ["bytes32"], [digest],
 * proof)}) or on-chain with {@code ProvenanceRegistry.verifyInclusion(batchId, digest, proof)}.
 *
 * <p>Who may read what: {@code GET /api/contributions/{id}/proof} is for the contribution's own
 * contributor (SIWE session) and the operator; anyone else gets 404, so ids cannot be walked to map
 * contributions to digests, batches and times. {@code GET /api/proofs/{digest}} is public: knowing
 * a digest already means holding the signed contribution (the contributor, a buyer or auditor with
 * its audit bundle), and digests cannot be guessed. Neither reply carries the answer or the
 * contributor: a proof is hashes, the root, and where the root is on-chain.
 */
public final class ProofRoutes implements ApiModule {
  private final ProofQueries queries;
  private final JsonCodec json;
  private final Optional<String> registry;
  private final long chainId;

  public ProofRoutes(ProofQueries queries, JsonCodec json, Optional<String> registry, long chainId) {
    this.queries = queries;
    this.json = json;
    this.registry = registry;
    this.chainId = chainId;
  }

  /**
   * Where a contribution's anchor stands. state: pending (not in a batch yet), batched (in a batch
   * not sent yet), sent, mined (waiting for confirmations), anchored. {@code batchId} is the
   * contract's batch id, known from mined on; the proof is there from batched on.
   */
  public record Anchor(String state, Long batchId, String root, Integer leafIndex, Integer leafCount, List<String> proof,
      String txHash, Long blockNumber, Instant anchoredAt) {}

  public record Proof(long contributionId, String digest, String leaf, String registry, long chainId, Anchor anchor) {}

  @Override
  public void mount(Router router) {
    router.get("/api/contributions/:id/proof").handler(Guards.requireSessionOrOperator()).handler(ctx -> {
      long id = Params.pathId(ctx, "id");
      Optional<Principal> caller = Guards.principal(ctx);
      json.reply(ctx, 200, queries.byId(id).compose(found -> {
        boolean visible = found.isPresent() && (caller.get() instanceof Principal.Operator
            || caller.get() instanceof Principal.Account a && a.address().equals(found.get().contributor()));
        return visible ? proof(found.get()) : Future.failedFuture(new ApiException(ErrorCode.CONTRIBUTION_NOT_FOUND, id));
      }));
    });

    router.get("/api/proofs/:digest").handler(ctx -> {
      String digest = ctx.pathParam("digest");
      if (digest == null || !digest.matches("0x[0-9a-fA-F]{64}")) {
        throw new ApiException(ErrorCode.INVALID_PARAMETER, "digest", "must be 0x + 64 hex digits");
      }
      json.reply(ctx, 200, queries.byDigest(Hex.decode(digest)).compose(found -> found.isPresent()
          ? proof(found.get()) : Future.failedFuture(new ApiException(ErrorCode.CONTRIBUTION_NOT_FOUND, digest))));
    });
  }

  private Future<Proof> proof(ProofQueries.Located c) {
    String leaf = Hex.encode(StandardMerkleTree.leafHash(c.digest()));
    if (c.batchId() == null) {
      return Future.succeededFuture(new Proof(c.id(), Hex.encode(c.digest()), leaf, registry.orElse(null), chainId,
          new Anchor("pending", null, null, null, null, null, null, null, null)));
    }
    int[] positions = StandardMerkleTree.proofPositions(c.leafCount(), c.leafIndex());
    return queries.nodes(c.batchId(), positions).map(nodes -> {
      List<String> proof = new ArrayList<>(nodes.size());
      nodes.forEach(n -> proof.add(Hex.encode(n)));
      String state = "built".equals(c.state()) ? "batched" : c.state();
      return new Proof(c.id(), Hex.encode(c.digest()), leaf, registry.orElse(null), chainId,
          new Anchor(state, c.chainBatchId(), Hex.encode(c.root()), c.leafIndex(), c.leafCount(), proof, c.txHash(),
              c.blockNumber(), c.blockTime() == null ? null : c.blockTime().toInstant()));
    });
  }
}
