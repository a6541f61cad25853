package io.labelledger.provenance;

import io.labelledger.chain.ChainException;
import io.labelledger.chain.FeeCeilingException;
import io.labelledger.chain.Fees;
import io.labelledger.chain.Hex;
import io.labelledger.chain.ProvenanceRegistryGateway;
import io.labelledger.chain.ProvenanceRegistryGateway.SignedTx;
import io.labelledger.config.AnchorConfig;
import io.labelledger.ops.SerialRounds;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Anchors every stored contribution exactly once: closes a batch on size or age, persists its
 * tree with the contributions' membership in one transaction, sends one {@code anchor(root,
 * leafCount)} transaction, and records the receipt once buried under {@code confirmations}.
 *
 * <p><b>Exactly once.</b> Membership is fixed in PostgreSQL before anything is sent
 * ({@code contributions.batch_id} set once, in the transaction that creates the batch), so a
 * contribution is in one batch. The contract anchors a root at most once, and before every (re)send
 * the anchorer asks {@code batchOfRoot}: an anchor that already landed (a crash after the broadcast,
 * a replaced transaction whose earlier attempt mined) is recognised and recorded, never sent again.
 * Nonce and fees (EIP-1559 from the registry's {@link io.labelledger.chain.FeeOracle}) of each
 * attempt are recorded before the broadcast; an attempt without a receipt after {@code replaceAfterMs}
 * is replaced with the same nonce and both fees raised by {@code gasBumpPercent} (only one of them can
 * ever mine; a replacement that would go above the fee ceiling is not sent, and the attempt is left to
 * mine as it is), an attempt the node lost is re-sent as it was, and a nonce spent without the root
 * being anchored sends the batch afresh.
 *
 * <p><b>Several instances.</b> A round runs only while holding a PostgreSQL advisory lock (session
 * level, on a connection held for the round; a killed process's lock goes with its connection).
 * Only one batch is open (built or sent) at a time, cluster-wide (a unique index), so the anchorer
 * key's nonces are used in order. The anchorer has its own key (ANCHORER_ROLE): the consent relayer's
 * key never competes for its nonces.
 *
 * <p><b>Chain outages.</b> Contributions never wait for the chain; a round that cannot reach the
 * node fails, is logged, and the next round continues where the database says it stopped.
 *
 * <p><b>Anchored after signing.</b> A batch takes only contributions whose signed {@code submittedAt}
 * is at or before the chain's latest block time, so the block that anchors it (later, and block
 * times never go back) is never earlier than any of its signatures, as auditors check. Work signed
 * ahead of the chain's clock (the service accepts {@code submittedAt} a few minutes ahead of its own)
 * is deferred ({@code anchor_deferred}) and taken by the first batch built after a late enough
 * block, so it never holds back the work behind it. A chain that makes blocks only for transactions (Ganache) would keep its
 * clock still while everything waits for it: when a due batch waits only for the chain's clock and
 * the service's own clock has passed those signatures, the anchorer sends itself a zero-value
 * transaction (at most one a round) so the chain makes a block.
 *
 * <p>Never blocks the event loop: chain calls are {@code sendAsync()}, the tree is built on a
 * worker thread.
 */
public final class Anchorer {
  private static final Logger LOG = LoggerFactory.getLogger(Anchorer.class);
  /** pg advisory lock key of the anchorer (any constant unique to this job in the database). */
  static final long LOCK_KEY = 0x4c4c_416e_6368_6f72L; // "LLAnchor"
  private static final int MAX_STEPS_PER_ROUND = 200;
  private static final long RECEIPT_POLL_MS = 100;
  private static final long MAX_RECEIPT_WAIT_MS = 30_000;

  /** The points between which a crash is interesting; tests stop the anchorer there. */
  public enum Step {
    /** The batch and its membership are committed; nothing sent. */
    BUILT,
    /** An attempt (hash, nonce, gas price) is recorded; not broadcast. */
    RECORDED,
    /** The attempt is broadcast; its receipt is not recorded. */
    BROADCAST
  }

  /** Seams for tests: where to stop as a crash would, and which broadcasts the "node" loses. */
  public interface Faults {
    /** After {@code step} of batch {@code batchId}; a failed future ends the round right there. */
    default Future<Void> after(Step step, long batchId) {
      return Future.succeededFuture();
    }

    /** Whether attempt {@code attempt} (1, 2, ...) of a batch really reaches the node. */
    default boolean broadcast(long batchId, int attempt) {
      return true;
    }
  }

  public static final Faults NO_FAULTS = new Faults() {};

  private final Vertx vertx;
  private final Pool pool;
  private final AnchorQueries queries;
  private final ProvenanceRegistryGateway registry;
  private final AnchorConfig config;
  private final int confirmations;
  private final SerialRounds rounds;
  private final Clock clock;
  private final AtomicLong unbatched = new AtomicLong();
  private final AtomicLong anchoredBatches = new AtomicLong();
  private final AtomicLong anchoredLeaves = new AtomicLong();
  private final AtomicLong gasUsed = new AtomicLong();
  private volatile Faults faults = NO_FAULTS;
  private volatile boolean roleChecked;
  /** Whether this round already made the chain mint a block (rounds are serial: one at a time). */
  private boolean tickedThisRound;

  public Anchorer(Vertx vertx, Pool pool, AnchorQueries queries, ProvenanceRegistryGateway registry,
      AnchorConfig config, int confirmations, Clock clock, MeterRegistry meters) {
    this.vertx = vertx;
    this.clock = clock;
    this.pool = pool;
    this.queries = queries;
    this.registry = registry;
    this.config = config;
    this.confirmations = confirmations;
    this.rounds = new SerialRounds(vertx, "anchoring", this::oneRound);
    meters.gauge("labelledger_anchor_unbatched_contributions", unbatched);
    meters.gauge("labelledger_anchor_batches", anchoredBatches);
    meters.gauge("labelledger_anchor_contributions", anchoredLeaves);
    meters.gauge("labelledger_anchor_gas_used", gasUsed);
  }

  /** Test seam: where this anchorer stops or loses broadcasts. */
  public void faults(Faults faults) {
    this.faults = faults == null ? NO_FAULTS : faults;
  }

  public long start(long intervalMs) {
    return rounds.start(intervalMs);
  }

  /** Stops the timer; completes when the running round, if any, has ended (see {@link SerialRounds#stop}). */
  public Future<Void> stop() {
    return rounds.stop();
  }

  /** A whole round now (or right after the running one). Never fails: failures are logged. */
  public Future<Void> round() {
    return rounds.round();
  }

  /** Gas the anchorer paid per anchored contribution so far (all instances, from the database). */
  public double gasPerContribution() {
    long leaves = anchoredLeaves.get();
    return leaves == 0 ? 0 : (double) gasUsed.get() / leaves;
  }

  private Future<Void> oneRound() {
    return pool.getConnection().compose(conn -> conn.query("select pg_try_advisory_lock(" + LOCK_KEY + ")").execute()
            .compose(rows -> rows.iterator().next().getBoolean(0)
                ? locked(conn).eventually(() -> conn.query("select pg_advisory_unlock(" + LOCK_KEY + ")").execute())
                : Future.<Void>succeededFuture())
            .eventually(conn::close))
        .eventually(this::refreshTotals);
  }

  private Future<Void> locked(SqlConnection lockHolder) {
    tickedThisRound = false;
    return checkRole().compose(v -> steps(0));
  }

  private Future<Void> checkRole() {
    if (roleChecked) {
      return Future.succeededFuture();
    }
    return registry.anchorerHasRole().compose(has -> {
      if (!has) {
        return Future.failedFuture(new ChainException("the anchorer key " + registry.anchorerAddress()
            + " lacks ANCHORER_ROLE on " + registry.address() + ": grant it with the registry's admin key"));
      }
      roleChecked = true;
      return Future.succeededFuture();
    });
  }

  /** One batch's worth of progress per step, until nothing is due or a transaction is still waiting. */
  private Future<Void> steps(int done) {
    return confirmMined()
        .compose(v -> queries.open())
        .compose(open -> open.isPresent() ? advance(open.get()) : buildNext())
        .compose(progress -> progress && done < MAX_STEPS_PER_ROUND ? steps(done + 1) : Future.succeededFuture());
  }

  // ------------------------------------------------------------------ building

  /** What a build attempt found: the batch it built, or what is eligible and what waits for the chain's clock. */
  private record Build(Optional<Long> id, int eligible, long oldestAgeMs, List<AnchorQueries.Unbatched> waiting) {}

  /**
   * Closes a batch when one is due (size or age) among the contributions signed at or before the
   * chain's latest block time; true when it built one, or when it made the chain mint a block that
   * lets held-back work in. The batch's membership, the deferral of work signed ahead of the chain's
   * clock and the move of the anchorer's cursor commit together.
   */
  private Future<Boolean> buildNext() {
    return registry.latestBlockTime().compose(chainTime -> pool.withTransaction(tx ->
        queries.intake(tx, config.maxBatchSize(), chainTime).compose(in -> {
          List<AnchorQueries.Unbatched> rows = in.eligible();
          long oldest = rows.stream().mapToLong(AnchorQueries.Unbatched::ageMs).max().orElse(0);
          if (rows.isEmpty() || (rows.size() < config.maxBatchSize() && oldest < config.maxBatchAgeMs())) {
            return Future.succeededFuture(new Build(Optional.empty(), rows.size(), oldest, in.waiting()));
          }
          return vertx.executeBlocking(() -> tree(rows), false).compose(built -> queries.insertBatch(tx,
                  built.tree().root(), rows.size(), built.tree().encodedNodes())
              .compose(id -> queries.assign(tx, id, built.ids(), built.leafIndexes()).compose(changed ->
                  changed == rows.size()
                      ? queries.commitIntake(tx, in).map(new Build(Optional.of(id), rows.size(), oldest, in.waiting()))
                      : Future.failedFuture(new IllegalStateException("batch " + id + ": " + changed + " of "
                          + rows.size() + " contributions were still unbatched; rolled back")))));
        })).compose(build -> {
          if (build.id().isEmpty()) {
            return tickIfOnlyTheChainClockHoldsBack(chainTime, build);
          }
          LOG.info("batch {} built", build.id().get());
          return faults.after(Step.BUILT, build.id().get()).map(true);
        }));
  }

  /**
   * When a batch would be due but for contributions signed after the chain's latest block time (and
   * not after the service's clock), sends the anchorer a zero-value transaction and waits for its
   * block; true once mined. Once a round at most.
   */
  private Future<Boolean> tickIfOnlyTheChainClockHoldsBack(long chainTime, Build build) {
    long serviceTime = clock.instant().getEpochSecond();
    if (tickedThisRound || serviceTime <= chainTime) {
      return Future.succeededFuture(false);
    }
    List<AnchorQueries.Unbatched> held = build.waiting().stream().filter(u -> u.submittedAt() <= serviceTime).toList();
    long heldOldest = held.stream().mapToLong(AnchorQueries.Unbatched::ageMs).max().orElse(0);
    boolean due = !held.isEmpty() && (build.eligible() + held.size() >= config.maxBatchSize()
        || Math.max(build.oldestAgeMs(), heldOldest) >= config.maxBatchAgeMs());
    if (!due) {
      return Future.succeededFuture(false);
    }
    tickedThisRound = true;
    return Future.all(registry.pendingNonce(), registry.fees().current()).compose(all -> {
      SignedTx tick = registry.signClockTick(all.resultAt(0), all.resultAt(1));
      LOG.info("{} contribution(s) signed after the chain's latest block time {}: sending {} (nonce {}) so the chain"
          + " makes a block", held.size(), chainTime, tick.hash(), tick.nonce());
      Promise<Optional<TransactionReceipt>> mined = Promise.promise();
      return registry.broadcast(tick).compose(v -> {
        poll(tick.hash(), System.currentTimeMillis() + MAX_RECEIPT_WAIT_MS, mined);
        return mined.future();
      }).map(Optional::isPresent);
    });
  }

  private record Built(StandardMerkleTree tree, Long[] ids, Integer[] leafIndexes) {}

  private static Built tree(List<AnchorQueries.Unbatched> rows) {
    List<byte[]> leaves = new ArrayList<>(rows.size());
    for (AnchorQueries.Unbatched r : rows) {
      leaves.add(StandardMerkleTree.leafHash(r.digest())); // abi.encode(bytes32) is the 32 bytes themselves
    }
    StandardMerkleTree tree = StandardMerkleTree.of(leaves);
    Long[] ids = new Long[rows.size()];
    Integer[] indexes = new Integer[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      ids[i] = rows.get(i).id();
      indexes[i] = tree.leafIndex(i);
    }
    return new Built(tree, ids, indexes);
  }

  // ------------------------------------------------------------------ sending

  /**
   * Moves the open batch on: recognises a landed anchor, sends a first attempt, waits, re-sends a
   * lost one, replaces a stuck one, or starts afresh when its nonce was spent. True once it is mined
   * (or was reset and can be sent again at once); false while its transaction is still waiting.
   */
  private Future<Boolean> advance(AnchorQueries.Batch b) {
    boolean sent = "sent".equals(b.state());
    // the mined nonce is read before batchOfRoot: a nonce seen spent with the root still unanchored
    // at a later block was spent by something else than this batch's anchor
    Future<BigInteger> minedNonce = sent ? registry.minedNonce() : Future.succeededFuture(null);
    return minedNonce.compose(spent -> registry.batchOfRoot(b.root()).compose(chainBatchId -> {
      if (chainBatchId != 0) {
        return landed(b, chainBatchId);
      }
      if (!sent) {
        return sendFresh(b);
      }
      if (spent.compareTo(b.nonce()) > 0) {
        LOG.warn("batch {}: nonce {} was spent without anchoring its root; sending afresh", b.id(), b.nonce());
        return reset(b, "sent");
      }
      long age = b.sentAgoMs() == null ? Long.MAX_VALUE : b.sentAgoMs();
      return registry.known(b.txHash()).compose(known -> {
        if (!known && spent.compareTo(b.nonce()) < 0) {
          // nonces below this one were mined when it was sent (one batch at a time, ticks awaited):
          // the chain lost them (a reorganisation), and this nonce would wait behind the gap forever
          LOG.warn("batch {}: nonce {} is past the chain's next nonce {} and {} is unknown to the node "
              + "(reorganisation); sending afresh", b.id(), b.nonce(), spent, b.txHash());
          return reset(b, "sent");
        }
        if (age < config.replaceAfterMs()) {
          return known ? awaitLanding(b, b.txHash(), config.replaceAfterMs() - age)
              : resend(b, 0, "the node does not know " + b.txHash());
        }
        return resend(b, config.gasBumpPercent(), "no receipt for " + b.txHash() + " after " + age + " ms");
      });
    }));
  }

  private Future<Boolean> sendFresh(AnchorQueries.Batch b) {
    String data = ProvenanceRegistryGateway.anchorData(b.root(), b.leafCount());
    Future<BigInteger> gas = registry.estimateAnchorGas(data);
    Future<BigInteger> nonce = registry.pendingNonce();
    Future<Fees> offer = registry.fees().current();
    Future<Long> head = registry.blockNumber();
    return Future.all(gas, nonce, offer, head)
        .compose(all -> attempt(b, registry.sign(data, nonce.result(), offer.result(), gas.result()), head.result()))
        .recover(err -> alreadyAnchored(err) ? registry.batchOfRoot(b.root()).compose(id -> landed(b, id))
            : Future.failedFuture(err));
  }

  /**
   * Same nonce; the same fees for a transaction the node lost ({@code bumpPercent} 0: the same bytes,
   * signing is deterministic), else both fees raised by {@code bumpPercent} and to what the chain
   * wants now. A replacement above the fee ceiling is not sent: the attempt in the node's pool is
   * awaited as it is.
   */
  private Future<Boolean> resend(AnchorQueries.Batch b, int bumpPercent, String why) {
    String data = ProvenanceRegistryGateway.anchorData(b.root(), b.leafCount());
    // the gas limit of the attempt it replaces: a node that estimates on its pending state (geth,
    // Hardhat) sees the root already anchored by that very attempt, and the estimate reverts
    Future<BigInteger> gas = registry.gasLimitOf(b.txHash())
        .compose(known -> known.map(Future::succeededFuture).orElseGet(() -> registry.estimateAnchorGas(data)));
    Future<Fees> offer = bumpPercent == 0 ? Future.succeededFuture(b.fees())
        : registry.fees().replacement(b.fees(), bumpPercent);
    Future<Long> head = registry.blockNumber();
    return Future.all(gas, offer, head).compose(all -> {
      LOG.warn("batch {}: {}; attempt {} with nonce {} ({})", b.id(), why, b.attempts() + 1, b.nonce(), offer.result());
      return attempt(b, registry.sign(data, b.nonce(), offer.result(), gas.result()), head.result());
    }).recover(err -> {
      if (alreadyAnchored(err)) {
        return registry.batchOfRoot(b.root()).compose(id -> landed(b, id));
      }
      if (err instanceof FeeCeilingException) {
        LOG.warn("batch {}: {}; not replaced: {}", b.id(), why, err.getMessage());
        return awaitLanding(b, b.txHash(), config.replaceAfterMs());
      }
      return Future.failedFuture(err);
    });
  }

  private Future<Boolean> attempt(AnchorQueries.Batch b, SignedTx tx, long head) {
    int attempt = b.attempts() + 1;
    return queries.recordAttempt(b.id(), b.attempts(), tx, head)
        .compose(recorded -> recorded ? faults.after(Step.RECORDED, b.id())
            : Future.failedFuture(new IllegalStateException("batch " + b.id() + " changed under this anchorer")))
        .compose(v -> {
          if (!faults.broadcast(b.id(), attempt)) {
            LOG.warn("batch {}: attempt {} ({}) not broadcast (test seam: lost by the node)", b.id(), attempt, tx.hash());
            return Future.succeededFuture();
          }
          return registry.broadcast(tx);
        })
        .compose(v -> faults.after(Step.BROADCAST, b.id()))
        .compose(v -> {
          LOG.info("batch {}: {} leaves, root {}, sent {} (nonce {}, attempt {})", b.id(), b.leafCount(),
              Hex.encode(b.root()), tx.hash(), tx.nonce(), attempt);
          return awaitLanding(b, tx.hash(), config.replaceAfterMs());
        });
  }

  /** Polls for the receipt of {@code txHash}; false when none came in time (the next round goes on). */
  private Future<Boolean> awaitLanding(AnchorQueries.Batch b, String txHash, long waitMs) {
    Promise<Optional<TransactionReceipt>> promise = Promise.promise();
    poll(txHash, System.currentTimeMillis() + Math.min(waitMs, MAX_RECEIPT_WAIT_MS), promise);
    return promise.future().compose(receipt -> {
      if (receipt.isEmpty()) {
        return Future.succeededFuture(false);
      }
      TransactionReceipt r = receipt.get();
      Optional<ProvenanceRegistryGateway.Anchored> anchored = r.isStatusOK() ? registry.anchoredIn(r) : Optional.empty();
      if (anchored.isPresent()) {
        return record(b, anchored.get(), r);
      }
      // reverted: perhaps because another attempt anchored the root first
      return registry.batchOfRoot(b.root()).compose(id -> id != 0 ? landed(b, id) : reset(b, "sent"));
    });
  }

  private void poll(String txHash, long deadline, Promise<Optional<TransactionReceipt>> promise) {
    registry.receipt(txHash).onComplete(ar -> {
      if (ar.succeeded() && ar.result().isPresent()) {
        promise.complete(ar.result());
      } else if (System.currentTimeMillis() >= deadline) {
        if (ar.failed()) {
          promise.fail(ar.cause());
        } else {
          promise.complete(Optional.empty());
        }
      } else {
        vertx.setTimer(RECEIPT_POLL_MS, id -> poll(txHash, deadline, promise));
      }
    });
  }

  /** The root is on the chain as batch {@code chainBatchId}: find its log and receipt, record them. */
  private Future<Boolean> landed(AnchorQueries.Batch b, long chainBatchId) {
    long from = b.searchFromBlock() == null ? 0 : Math.max(0, b.searchFromBlock() - 1);
    return registry.findAnchored(b.root(), from).compose(log -> {
      if (log.isEmpty() || log.get().chainBatchId() != chainBatchId) {
        return Future.failedFuture(new ChainException("batch " + b.id() + ": root anchored as batch " + chainBatchId
            + " but its BatchAnchored log is not found from block " + from));
      }
      return registry.receipt(log.get().txHash()).compose(r -> r.isEmpty()
          ? Future.failedFuture(new ChainException("no receipt for " + log.get().txHash()))
          : record(b, log.get(), r.get()));
    });
  }

  private Future<Boolean> record(AnchorQueries.Batch b, ProvenanceRegistryGateway.Anchored a, TransactionReceipt r) {
    boolean confirmed = confirmations == 0;
    BigInteger paid = r.getEffectiveGasPrice() == null ? null : org.web3j.utils.Numeric.decodeQuantity(r.getEffectiveGasPrice());
    return queries.recordMined(b.id(), a, r.getGasUsed().longValueExact(), paid, confirmed).map(changed -> {
      if (changed) {
        LOG.info("batch {} anchored as on-chain batch {} in block {} ({} gas, {} leaves){}", b.id(), a.chainBatchId(),
            a.blockNumber(), r.getGasUsed(), b.leafCount(), confirmed ? "" : "; waiting for " + confirmations
                + " confirmation(s)");
      }
      return true;
    });
  }

  private Future<Boolean> reset(AnchorQueries.Batch b, String expectedState) {
    return queries.resetToBuilt(b.id(), expectedState).map(changed -> changed);
  }

  // ------------------------------------------------------------------ confirming

  /**
   * Mined batches buried deep enough become anchored, when the chain still holds their anchor in the
   * block recorded; one whose anchor moved to another block (a reorganisation) is recorded there and
   * waits to be buried again; one whose root left the chain is sent again. Batches come back here
   * from {@code anchored} too, when the chain indexer finds their block replaced.
   */
  private Future<Void> confirmMined() {
    return queries.mined(100).compose(mined -> {
      if (mined.isEmpty()) {
        return Future.succeededFuture();
      }
      return registry.blockNumber().compose(head -> {
        Future<Void> chain = Future.succeededFuture();
        for (AnchorQueries.Batch b : mined) {
          if (head - b.blockNumber() < confirmations) {
            continue;
          }
          chain = chain.compose(v -> registry.batchOfRoot(b.root()).compose(id -> {
            if (id == 0) {
              LOG.warn("batch {}: root no longer anchored (its block {} left the chain: reorganisation); sending again",
                  b.id(), b.blockNumber());
              return reset(b, "mined").mapEmpty();
            }
            long from = b.searchFromBlock() == null ? 0 : Math.max(0, b.searchFromBlock() - 1);
            return registry.findAnchored(b.root(), from).compose(log -> {
              if (log.isEmpty()) {
                return Future.failedFuture(new ChainException("batch " + b.id() + ": root anchored as batch " + id
                    + " but its BatchAnchored log is not found from block " + from));
              }
              ProvenanceRegistryGateway.Anchored a = log.get();
              if (id.equals(b.chainBatchId()) && a.blockNumber() == b.blockNumber()
                  && a.blockHash().equalsIgnoreCase(String.valueOf(b.blockHash()))
                  && a.txHash().equalsIgnoreCase(String.valueOf(b.txHash()))) {
                return queries.confirm(b.id()).onSuccess(ok -> LOG.info("batch {} confirmed ({} blocks deep)", b.id(),
                    head - b.blockNumber())).mapEmpty();
              }
              LOG.warn("batch {}: anchor now in block {} ({}), not in block {} (reorganisation)", b.id(),
                  a.blockNumber(), a.txHash(), b.blockNumber());
              return queries.relocate(b.id(), a).mapEmpty();
            });
          }));
        }
        return chain;
      });
    });
  }

  // ------------------------------------------------------------------ plumbing

  private static boolean alreadyAnchored(Throwable err) {
    return err instanceof ChainException c && c.revert().isPresent()
        && "ProvenanceRegistryRootAlreadyAnchored".equals(c.revert().get().name());
  }

  private Future<Void> refreshTotals() {
    return queries.totals().onSuccess(t -> {
      unbatched.set(t.unbatched());
      anchoredBatches.set(t.batches());
      anchoredLeaves.set(t.leaves());
      gasUsed.set(t.gasUsed());
    }).otherwiseEmpty().mapEmpty();
  }
}
