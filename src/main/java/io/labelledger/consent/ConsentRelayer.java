package io.labelledger.consent;

import io.labelledger.chain.ChainException;
import io.labelledger.chain.ConsentRegistryGateway;
import io.labelledger.chain.ConsentRegistryGateway.SignedGrant;
import io.labelledger.chain.ConsentRegistryGateway.SignedRevocation;
import io.labelledger.chain.ConsentRegistryGateway.Skipped;
import io.labelledger.chain.TxSender;
import io.vertx.core.Future;
import io.labelledger.ops.SerialRounds;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Relays signed consents and revocations to ConsentRegistry in batches, on a Vert.x timer. Each
 * tick: registers published terms on-chain, recovers requests left in flight (crash, timeout),
 * then claims pending grants, then pending revocations, sends one batch transaction for each and
 * settles the requests from the receipt: applied ones confirmed, skipped ones failed with the
 * contract's reason (from ConsentRelaySkipped). Consent state itself comes from the indexer.
 *
 * <p>Never blocks the event loop (all chain and database calls are asynchronous); ticks never
 * overlap. Safe with several instances: claims use {@code FOR UPDATE SKIP LOCKED}.
 */
public final class ConsentRelayer {
  private static final Logger LOG = LoggerFactory.getLogger(ConsentRelayer.class);
  private static final long RECEIPT_TIMEOUT_MS = 60_000;
  private static final Duration STUCK_AFTER = Duration.ofSeconds(90);

  private final Pool pool;
  private final ConsentQueries queries;
  private final TermsQueries terms;
  private final ConsentRegistryGateway registry;
  private final TxSender sender;
  private final int batchSize;
  private final Clock clock;
  private final SerialRounds rounds;

  public ConsentRelayer(Vertx vertx, Pool pool, ConsentQueries queries, TermsQueries terms,
      ConsentRegistryGateway registry, int batchSize, Clock clock) {
    this.rounds = new SerialRounds(vertx, "consent relaying", this::oneRound);
    this.pool = pool;
    this.queries = queries;
    this.terms = terms;
    this.registry = registry;
    this.sender = registry.sender();
    this.batchSize = batchSize;
    this.clock = clock;
  }

  public long start(long intervalMs) {
    return rounds.start(intervalMs);
  }

  /** Stops the timer; completes when the running round, if any, has ended (see {@link SerialRounds#stop}). */
  public Future<Void> stop() {
    return rounds.stop();
  }

  /**
   * A whole round that starts now or, when one is running, right after it (so everything on the
   * chain and in the database when this is called is seen). Never fails: failures are logged and
   * the next round retries.
   */
  public Future<Void> round() {
    return rounds.round();
  }

  private Future<Void> oneRound() {
    return registerTerms()
        .compose(v -> recover())
        .compose(v -> relay("consent"))
        .compose(v -> relay("revocation"));
  }

  /**
   * Registers pending terms one by one; their consents are only relayed once registered. No
   * transaction is open while a receipt is awaited: each outcome is recorded on its own.
   */
  private Future<Void> registerTerms() {
    return terms.pending(pool, 10).compose(pending -> {
      Future<Void> chain = Future.succeededFuture();
      for (Terms t : pending) {
        chain = chain.compose(v -> registry.registerTerms(t.termsHash(), t.uri(), RECEIPT_TIMEOUT_MS)
            .compose(txHash -> terms.markRegistered(pool, t.termsHash(), txHash))
            .recover(err -> {
              if (err instanceof ChainException c && c.revert().isPresent()) {
                String name = c.revert().get().name();
                LOG.info("terms {}: registration refused by the contract ({})", t.termsHash(), name);
                return "ConsentRegistryTermsAlreadyRegistered".equals(name)
                    ? terms.markRegistered(pool, t.termsHash(), null)
                    : terms.markFailed(pool, t.termsHash());
              }
              return Future.failedFuture(err); // chain unreachable: stays pending, retried next round
            })
            .onSuccess(x -> LOG.info("terms {} registered on-chain", t.termsHash())));
      }
      return chain;
    });
  }

  /**
   * Requests in flight for too long, or whose confirmation a reorganisation removed: settle them from
   * the receipt of whichever of their transaction's attempts mined (on a new branch: the same
   * transaction mined again, so nothing is applied twice), or put them back in the queue when the node
   * knows none of them (relayed again in this round, with their signatures).
   */
  private Future<Void> recover() {
    return queries.inFlight(clock.instant().minus(STUCK_AFTER), 1000).compose(stuck -> {
      Map<String, List<ConsentQueries.Request>> byTx = new LinkedHashMap<>();
      List<Long> unsent = new ArrayList<>();
      for (ConsentQueries.Request r : stuck) {
        if (r.txHash() == null) {
          unsent.add(r.id());
        } else {
          byTx.computeIfAbsent(r.txHash(), k -> new ArrayList<>()).add(r);
        }
      }
      Future<Void> chain = unsent.isEmpty() ? Future.succeededFuture() : queries.release(unsent);
      for (Map.Entry<String, List<ConsentQueries.Request>> e : byTx.entrySet()) {
        List<String> hashes = e.getValue().get(0).txHashes();
        chain = chain.compose(v -> minedAttempt(hashes, 0).compose(receipt -> receipt.isPresent()
            ? settle(e.getValue(), receipt.get())
            : anyKnown(hashes, 0).compose(known -> known ? Future.succeededFuture()
                : queries.release(e.getValue().stream().map(ConsentQueries.Request::id).toList()))));
      }
      return chain;
    });
  }

  private Future<java.util.Optional<TransactionReceipt>> minedAttempt(List<String> hashes, int from) {
    if (from == hashes.size()) {
      return Future.succeededFuture(java.util.Optional.empty());
    }
    return sender.receipt(hashes.get(from)).compose(r -> r.isPresent() ? Future.succeededFuture(r)
        : minedAttempt(hashes, from + 1));
  }

  private Future<Boolean> anyKnown(List<String> hashes, int from) {
    if (from == hashes.size()) {
      return Future.succeededFuture(false);
    }
    return sender.known(hashes.get(from)).compose(k -> k ? Future.succeededFuture(true) : anyKnown(hashes, from + 1));
  }

  private Future<Void> relay(String kind) {
    return queries.claimPending(kind, batchSize).compose(batch -> {
      if (batch.isEmpty()) {
        return Future.succeededFuture();
      }
      List<Long> ids = batch.stream().map(ConsentQueries.Request::id).toList();
      String data = "consent".equals(kind) ? registry.grantBatchData(batch.stream().map(r -> new SignedGrant(
              r.contributor(), r.termsHash(), r.expiresAt(), BigInteger.valueOf(r.nonce()), r.deadline(), r.signature()))
              .toList())
          : registry.revokeBatchData(batch.stream().map(r -> new SignedRevocation(r.contributor(), r.termsHash(),
              BigInteger.valueOf(r.nonce()), r.deadline(), r.signature())).toList());
      // the first attempt moves the requests to 'submitted'; a replacement (same nonce, higher fees) adds its hash
      java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
      return sender.submit(registry.address(), data, txHash -> first.getAndSet(false)
              ? queries.markSubmitted(ids, txHash) : queries.markReplaced(ids, txHash))
          .recover(err -> queries.release(ids).compose(v -> Future.failedFuture(err)))
          .compose(txHash -> {
            LOG.info("relaying {} {} request(s) in {}", batch.size(), kind, txHash);
            return sender.awaitReceipt(txHash, RECEIPT_TIMEOUT_MS);
          })
          .compose(receipt -> settle(batch, receipt));
    });
  }

  private Future<Void> settle(List<ConsentQueries.Request> batch, TransactionReceipt receipt) {
    List<Skipped> skipped = receipt.isStatusOK() ? registry.skipped(receipt) : List.of();
    List<Long> ids = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (ConsentQueries.Request r : batch) {
      ids.add(r.id());
      if (!receipt.isStatusOK()) {
        failures.add("the relaying transaction reverted");
        continue;
      }
      failures.add(skipped.stream()
          .filter(s -> s.contributor().equals(r.contributor()) && s.termsHash().equals(r.termsHash())
              && s.nonce().equals(BigInteger.valueOf(r.nonce())))
          .map(Skipped::reason).findFirst().orElse(null));
    }
    long failed = failures.stream().filter(f -> f != null).count();
    LOG.info("{}: {} request(s) confirmed, {} skipped by the contract", receipt.getTransactionHash(),
        ids.size() - failed, failed);
    return queries.settle(receipt.getTransactionHash(), receipt.getBlockNumber().longValueExact(), ids, failures);
  }
}
