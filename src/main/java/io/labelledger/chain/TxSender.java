package io.labelledger.chain;

import io.labelledger.config.FeeConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Sends the operator's transactions without blocking: every node call is {@code sendAsync()}
 * bridged into a Vert.x future. Sends are serialised in this sender (one at a time, in call order),
 * so nonces never collide between the workers of one instance sharing the operator key; across
 * service instances they may, and are resolved as "Several instances, one key" says below.
 *
 * <p><b>Fees.</b> EIP-1559 (type 2) with the fees of the {@link FeeOracle}, legacy only on a chain
 * without a base fee; nothing is signed when the fee needed is above the ceiling (a
 * {@link FeeCeilingException}).
 *
 * <p><b>Recorded before broadcast.</b> Each attempt is signed first, then {@code record(txHash)}
 * runs (the caller persists the hash), and only then is it broadcast: after a crash the database
 * always knows every hash that may be on the chain, and a recorded hash the node never saw can
 * safely be retried. A broadcast that cannot reach any node, or is not answered within
 * {@value #BROADCAST_ANSWER_MS} ms, counts as "maybe sent": the same bytes are broadcast again later,
 * never a second transaction.
 *
 * <p><b>Stuck transactions.</b> While a caller awaits a receipt ({@link #awaitReceipt}), an attempt
 * without one after {@code replaceAfterMs} is broadcast again as is when the node does not know it,
 * else replaced by the same nonce with both fees raised by {@code bumpPercent} (up to the ceiling;
 * above it the attempt is left to mine as it is). {@code record} runs for every replacement before
 * it is broadcast. Only one transaction of a nonce can mine: the receipt returned is that one's,
 * whichever attempt it was, so callers settle by {@link TransactionReceipt#getTransactionHash()}.
 *
 * <p><b>Nonces.</b> The next nonce is the node's pending transaction count, or one past the
 * highest nonce this sender still awaits when that is higher (a node that has not yet seen them: a
 * fail-over endpoint, a paused miner). A transaction given up on (no receipt by the caller's
 * deadline) is no longer awaited, so a nonce the chain never saw is used again.
 *
 * <p><b>Several instances, one key.</b> Sends are serialised only within this sender; another
 * service instance (or anything else holding the key) may read the same nonce and sign it too.
 * <ul>
 *   <li>When the node refuses a broadcast because its nonce is taken ({@link NonceRefusal}: mined
 *       already, or held by a pool transaction it does not outbid), the refused transaction is in
 *       no pool and can never mine, so the same call is signed again under a fresh nonce (the pending
 *       count, at least one past what this sender awaits), recorded and broadcast, after a short
 *       jittered pause: up to {@value #NONCE_TRIES} tries in all, then the send fails as any refusal
 *       does. Every other refusal fails at once.
 *   <li>A broadcast the node took may still lose its nonce: another transaction of that nonce
 *       outbid it in the pool, or mined first on another node (a replacement or re-broadcast of it
 *       is then refused with "nonce too low"). So while a receipt is awaited, every
 *       {@value #NONCE_CHECK_POLLS}th poll reads the chain's mined count before the receipts: when
 *       it is past the nonce and none of the attempts has a receipt, twice in a row, none of them
 *       can ever mine, and the call is sent again
 *       under a fresh nonce, in the send queue, recorded first as always. Whichever attempt mines,
 *       under either nonce, settles the caller, within its deadline.
 * </ul>
 * Nothing is lost or executed twice this way, unless a reorganisation takes the other transaction
 * away while a displaced attempt of ours still sits in some node's pool.
 */
public final class TxSender {
  private static final Logger LOG = LoggerFactory.getLogger(TxSender.class);
  private static final long RECEIPT_POLL_MS = 100;
  /** Broadcasts of one call under fresh nonces, at most, while the node answers that each nonce is taken. */
  static final int NONCE_TRIES = 8;
  /** Receipt polls per read of the mined count (a spent nonce is seen within about two of these). */
  private static final int NONCE_CHECK_POLLS = 5;
  /** How long a broadcast may go unanswered before it counts as "maybe sent". */
  private static final long BROADCAST_ANSWER_MS = 5_000;
  /** Pause before a call displaced from its nonce is tried again, after a failed try. */
  private static final long MOVE_RETRY_MS = 1_000;

  private final Vertx vertx;
  private final Web3j web3j;
  private final Credentials from;
  private final long chainId;
  private final FeeOracle fees;
  private final long replaceAfterMs;
  private final int bumpPercent;
  private Future<Void> tail = Future.succeededFuture();
  /** Transactions sent and not yet seen mined, by the hash of each of their attempts. */
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();

  public TxSender(Vertx vertx, Web3j web3j, Credentials from, long chainId, FeeOracle fees, FeeConfig config) {
    this.vertx = vertx;
    this.web3j = web3j;
    this.from = from;
    this.chainId = chainId;
    this.fees = fees;
    this.replaceAfterMs = config.replaceAfterMs();
    this.bumpPercent = config.bumpPercent();
  }

  public String address() {
    return from.getAddress();
  }

  /** One signed attempt of a transaction. */
  record Attempt(String hash, String raw, Fees fees, BigInteger nonce) {}

  /**
   * A call and its broadcast attempts, the latest last: all of one nonce, unless another
   * transaction took that nonce and the call moved to a fresh one. Guarded by itself.
   */
  private static final class Pending {
    final BigInteger gasLimit;
    final String to;
    final String data;
    final Function<String, Future<Void>> record;
    final List<Attempt> attempts = new ArrayList<>();
    long lastSentAtMs;
    /** A replacement or a move to a fresh nonce is under way. */
    boolean replacing;
    /** Nonce checks in a row that saw the current nonce mined and none of the attempts. */
    int spentSeen;
    long noMoveBeforeMs;
    int polls;

    Pending(BigInteger gasLimit, String to, String data, Function<String, Future<Void>> record) {
      this.gasLimit = gasLimit;
      this.to = to;
      this.data = data;
      this.record = record;
    }

    synchronized List<Attempt> attempts() {
      return List.copyOf(attempts);
    }

    synchronized Attempt latest() {
      return attempts.get(attempts.size() - 1);
    }

    /** Whether this poll also reads the chain's mined count: every {@link #NONCE_CHECK_POLLS}th. */
    synchronized boolean dueForNonceCheck() {
      return ++polls % NONCE_CHECK_POLLS == 0;
    }

    /** The nonce of the latest attempt. */
    synchronized BigInteger nonce() {
      return latest().nonce();
    }
  }

  /** The node refused a broadcast; {@link #nonceTaken()} when because another transaction holds its nonce. */
  static final class Refused extends ChainException {
    private final boolean nonceTaken;

    Refused(String txHash, String nodeMessage) {
      super("the node refused transaction " + txHash + ": " + nodeMessage);
      this.nonceTaken = NonceRefusal.nonceTaken(nodeMessage);
    }

    boolean nonceTaken() {
      return nonceTaken;
    }
  }

  /**
   * Signs a call of {@code to} with {@code data}, runs {@code record} with its hash, broadcasts it.
   * Fails with a {@link ChainException} carrying the decoded custom error when gas estimation shows
   * the call would revert, and with a {@link FeeCeilingException} when the chain wants more than
   * the ceiling (nothing is recorded or sent then).
   */
  public Future<String> submit(String to, String data, Function<String, Future<Void>> record) {
    return queued(() -> sendNow(to, data, record));
  }

  /** Runs {@code work} after every send queued before it has ended: one at a time, in call order. */
  private <T> Future<T> queued(Supplier<Future<T>> work) {
    Promise<T> result = Promise.promise();
    synchronized (this) {
      tail = tail.transform(ignored -> {
        Future<T> done;
        try {
          done = work.get();
        } catch (RuntimeException e) {
          done = Future.failedFuture(e);
        }
        done.onComplete(result);
        return done.<Void>mapEmpty().otherwiseEmpty();
      });
    }
    return result.future();
  }

  /** {@link #submit}, then {@link #awaitReceipt}: the receipt of whichever attempt mined. */
  public Future<TransactionReceipt> send(String to, String data, Function<String, Future<Void>> record,
      long receiptTimeoutMs) {
    return submit(to, data, record).compose(hash -> awaitReceipt(hash, receiptTimeoutMs));
  }

  private Future<String> sendNow(String to, String data, Function<String, Future<Void>> record) {
    String sender = from.getAddress();
    Future<BigInteger> nonce = nextNonce();
    Future<Fees> offer = fees.current();
    Future<BigInteger> gas = Future.fromCompletionStage(
            web3j.ethEstimateGas(Transaction.createEthCallTransaction(sender, to, data)).sendAsync())
        .compose(r -> {
          if (r.hasError()) {
            Optional<RevertDecoder.ContractError> revert = RevertDecoder.instance().decode(RevertDecoder.revertData(r.getError()));
            return Future.failedFuture(new ChainException("the call would revert: "
                + revert.map(Object::toString).orElse(r.getError().getMessage()), revert.orElse(null)));
          }
          // a margin: estimates are made against the current state, which the batch may not meet exactly
          return Future.succeededFuture(r.getAmountUsed().multiply(BigInteger.valueOf(5)).divide(BigInteger.valueOf(4))
              .add(BigInteger.valueOf(20_000)));
        });
    return Future.all(nonce, offer, gas).compose(all ->
        sendUnder(new Pending(gas.result(), to, data, record), nonce.result(), offer.result(), 1).map(Attempt::hash));
  }

  /** The node's pending transaction count, or one past the highest nonce still awaited when higher. */
  private Future<BigInteger> nextNonce() {
    return Future.fromCompletionStage(
            web3j.ethGetTransactionCount(from.getAddress(), DefaultBlockParameterName.PENDING).sendAsync())
        .compose(r -> r.hasError() ? Future.failedFuture(new ChainException("eth_getTransactionCount: "
            + r.getError().getMessage())) : Future.succeededFuture(r.getTransactionCount().max(afterAwaited())));
  }

  /**
   * Signs the call of {@code p} under {@code nonce}, records and broadcasts it; when the node
   * refuses because the nonce is taken, the same under a fresh nonce after a jittered pause, up to
   * {@link #NONCE_TRIES} tries. Runs in the send queue ({@link #queued}).
   */
  private Future<Attempt> sendUnder(Pending p, BigInteger nonce, Fees offer, int tryNo) {
    Attempt attempt = sign(p, nonce, offer);
    return p.record.apply(attempt.hash()).compose(v -> broadcast(attempt)).transform(ar -> {
      if (ar.succeeded()) {
        track(p, attempt);
        LOG.debug("sent {} (nonce {}, gas {}, {}){}", attempt.hash(), nonce, p.gasLimit, attempt.fees(),
            ar.result() ? "" : ": no node reached, broadcast again later");
        return Future.succeededFuture(attempt);
      }
      if (ar.cause() instanceof Refused refused && refused.nonceTaken() && tryNo < NONCE_TRIES) {
        long pause = pauseMs(tryNo);
        LOG.info("nonce {} of {} is taken ({}): the call goes again under a fresh nonce in {} ms (try {} of {})",
            nonce, from.getAddress(), refused.getMessage(), pause, tryNo + 1, NONCE_TRIES);
        return sleep(pause).compose(v -> nextNonce()).compose(fresh -> sendUnder(p, fresh, offer, tryNo + 1));
      }
      return Future.failedFuture(ar.cause());
    });
  }

  /** 50, 100, 200, then 400 ms after each try, each drawn between half and all of it, so instances part. */
  private static long pauseMs(int tryNo) {
    long full = 25L << Math.min(tryNo, 4);
    return full / 2 + ThreadLocalRandom.current().nextLong(full / 2 + 1);
  }

  private Future<Void> sleep(long ms) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(ms, id -> done.complete());
    return done.future();
  }

  private Attempt sign(Pending p, BigInteger nonce, Fees offer) {
    String raw = Numeric.toHexString(TransactionEncoder.signMessage(
        offer.transaction(chainId, nonce, p.gasLimit, p.to, p.data), chainId, from));
    return new Attempt(Hash.sha3(raw), raw, offer, nonce);
  }

  private void track(Pending p, Attempt attempt) {
    synchronized (p) {
      p.attempts.add(attempt);
      p.lastSentAtMs = System.currentTimeMillis();
    }
    pending.put(attempt.hash(), p);
  }

  /** One past the highest nonce still awaited, or zero. */
  private BigInteger afterAwaited() {
    BigInteger next = BigInteger.ZERO;
    for (Pending p : pending.values()) {
      next = next.max(p.nonce().add(BigInteger.ONE));
    }
    return next;
  }

  /**
   * Broadcasts an attempt: true when a node has it (it accepted it, or already had it, or the
   * chain already mined it), false when no node could be reached (it may have arrived: the same
   * bytes go again later). Fails when a node refused it.
   */
  private Future<Boolean> broadcast(Attempt attempt) {
    return sendRaw(attempt.raw())
        .transform(ar -> {
          if (ar.failed()) {
            LOG.warn("broadcast of {} reached no node ({}): it may have arrived; the same bytes go again if not",
                attempt.hash(), ar.cause().getMessage());
            return Future.succeededFuture(false);
          }
          if (!ar.result().hasError()) {
            return Future.succeededFuture(true);
          }
          String message = String.valueOf(ar.result().getError().getMessage());
          // a node that already has it (a retry after a lost answer, on this endpoint or another) is not a refusal
          return known(attempt.hash()).compose(known -> known ? Future.succeededFuture(true)
              : Future.failedFuture(new Refused(attempt.hash(), message)));
        });
  }

  /**
   * eth_sendRawTransaction, failed when not answered within {@link #BROADCAST_ANSWER_MS}: a node
   * answers at once when it takes or refuses a transaction; one that does not (Ganache 7, instant
   * mining, never answers for a transaction it took while its nonce was being mined, then dropped)
   * must not hold the send queue for the client's whole read timeout.
   */
  private Future<EthSendTransaction> sendRaw(String raw) {
    Promise<EthSendTransaction> answer = Promise.promise();
    long timer = vertx.setTimer(BROADCAST_ANSWER_MS, id -> answer.tryFail(
        new ChainException("no answer to eth_sendRawTransaction within " + BROADCAST_ANSWER_MS + " ms")));
    Future.fromCompletionStage(web3j.ethSendRawTransaction(raw).sendAsync()).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        answer.tryComplete(ar.result());
      } else {
        answer.tryFail(ar.cause());
      }
    });
    return answer.future();
  }

  /** The receipt once mined, or empty when the node does not have one (yet). */
  public Future<Optional<TransactionReceipt>> receipt(String txHash) {
    return Future.fromCompletionStage(web3j.ethGetTransactionReceipt(txHash).sendAsync())
        .compose(r -> r.hasError() ? Future.failedFuture(new ChainException("eth_getTransactionReceipt: "
            + r.getError().getMessage())) : Future.succeededFuture(r.getTransactionReceipt()));
  }

  /** Whether the node knows the transaction at all (mined or in its pool). */
  public Future<Boolean> known(String txHash) {
    return Future.fromCompletionStage(web3j.ethGetTransactionByHash(txHash).sendAsync())
        .compose(r -> r.hasError() ? Future.failedFuture(new ChainException("eth_getTransactionByHash: "
            + r.getError().getMessage())) : Future.succeededFuture(r.getTransaction().isPresent()));
  }

  /**
   * Polls until one attempt of the transaction {@code txHash} belongs to is mined, or
   * {@code timeoutMs} passed (then fails, and the transaction is no longer awaited); re-broadcasts
   * or replaces it meanwhile (see the class comment). A hash this sender did not send (or no longer
   * awaits) is only polled.
   */
  public Future<TransactionReceipt> awaitReceipt(String txHash, long timeoutMs) {
    Promise<TransactionReceipt> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    Pending p = pending.get(txHash);
    poll(p, p == null ? List.of(txHash) : null, deadline, promise);
    return promise.future();
  }

  private void poll(Pending p, List<String> fixed, long deadline, Promise<TransactionReceipt> promise) {
    // the nonce and the chain's mined count first, the receipts after: one of ours mined in between is seen
    boolean checkNonce = p != null && p.dueForNonceCheck();
    BigInteger nonce = checkNonce ? p.nonce() : null;
    Future<BigInteger> mined = checkNonce ? minedCount() : Future.succeededFuture();
    mined.<BigInteger>transform(ar -> Future.succeededFuture(ar.succeeded() ? ar.result() : null)).onComplete(count -> {
      List<String> hashes = fixed != null ? fixed : p.attempts().stream().map(Attempt::hash).toList();
      List<Future<Optional<TransactionReceipt>>> receipts = hashes.stream().map(this::receipt).toList();
      Future.join(receipts).onComplete(ignored -> {
        for (Future<Optional<TransactionReceipt>> r : receipts) {
          if (r.succeeded() && r.result().isPresent()) {
            forget(p);
            promise.complete(r.result().get());
            return;
          }
        }
        if (System.currentTimeMillis() > deadline) {
          forget(p);
          Throwable cause = receipts.stream().filter(Future::failed).map(Future::cause).findFirst().orElse(null);
          promise.fail(new ChainException("no receipt for " + String.join(", ", hashes) + " yet"
              + (cause != null ? ": " + cause.getMessage() : "")));
          return;
        }
        boolean allAnswered = receipts.stream().allMatch(Future::succeeded);
        Future<Void> step;
        if (checkNonce && spentByAnother(p, nonce, count.result(), allAnswered)) {
          step = moveToFreshNonce(p, nonce);
        } else if (p != null && dueForReplacement(p)) {
          step = resend(p).eventually(() -> {
            synchronized (p) {
              p.replacing = false;
            }
            return Future.succeededFuture();
          });
        } else {
          step = Future.succeededFuture();
        }
        step.onComplete(v -> vertx.setTimer(RECEIPT_POLL_MS, id -> poll(p, fixed, deadline, promise)));
      });
    });
  }

  /** How many of the sender's transactions the chain has mined (its latest nonce). */
  private Future<BigInteger> minedCount() {
    return Future.fromCompletionStage(
            web3j.ethGetTransactionCount(from.getAddress(), DefaultBlockParameterName.LATEST).sendAsync())
        .compose(r -> r.hasError() ? Future.failedFuture(new ChainException("eth_getTransactionCount: "
            + r.getError().getMessage())) : Future.succeededFuture(r.getTransactionCount()));
  }

  /**
   * Whether the chain mined {@code nonce} (read before the receipts) while none of the attempts
   * has a receipt, at this check and the one before: another transaction took the nonce. Claims the
   * move ({@code replacing}) when it answers true.
   */
  private static boolean spentByAnother(Pending p, BigInteger nonce, BigInteger minedCount, boolean allAnswered) {
    synchronized (p) {
      if (minedCount == null || !allAnswered || !nonce.equals(p.nonce())) {
        return false; // nothing to judge by this time: neither evidence nor counter-evidence
      }
      if (minedCount.compareTo(nonce) <= 0) {
        p.spentSeen = 0;
        return false;
      }
      p.spentSeen++;
      if (p.spentSeen < 2 || p.replacing || System.currentTimeMillis() < p.noMoveBeforeMs) {
        return false;
      }
      p.replacing = true;
      return true;
    }
  }

  /**
   * Sends the call of {@code p} again under a fresh nonce (in the send queue), its nonce
   * {@code spent} having been mined by a transaction not ours. Never fails: a failed move is tried
   * again after {@link #MOVE_RETRY_MS} while the caller still waits.
   */
  private Future<Void> moveToFreshNonce(Pending p, BigInteger spent) {
    LOG.warn("nonce {} of {} was mined by another transaction, not by any of {}: sending the call again under a "
        + "fresh nonce", spent, from.getAddress(), p.attempts().stream().map(Attempt::hash).toList());
    return queued(() -> Future.all(nextNonce(), fees.current())
            .compose(all -> sendUnder(p, all.resultAt(0), all.resultAt(1), 1)))
        .<Void>map(attempt -> {
          LOG.info("the call of nonce {} went again as {} (nonce {})", spent, attempt.hash(), attempt.nonce());
          return null;
        })
        .recover(err -> {
          synchronized (p) {
            p.noMoveBeforeMs = System.currentTimeMillis() + MOVE_RETRY_MS;
          }
          LOG.warn("the call of spent nonce {} could not be sent again yet: {}", spent, err.getMessage());
          return Future.succeededFuture();
        })
        .eventually(() -> {
          synchronized (p) {
            p.replacing = false;
            p.spentSeen = 0;
          }
          return Future.succeededFuture();
        });
  }

  private boolean dueForReplacement(Pending p) {
    synchronized (p) {
      if (p.replacing || System.currentTimeMillis() - p.lastSentAtMs < replaceAfterMs) {
        return false;
      }
      p.replacing = true;
      return true;
    }
  }

  /** The latest attempt again as is when the node lost it, else a replacement with higher fees. Never fails. */
  private Future<Void> resend(Pending p) {
    Attempt latest = p.latest();
    return known(latest.hash()).compose(known -> {
      if (!known) {
        LOG.warn("{} (nonce {}) is unknown to the node after {} ms: broadcasting it again", latest.hash(), latest.nonce(),
            replaceAfterMs);
        return broadcast(latest).map(reached -> {
          touch(p);
          return null;
        });
      }
      return fees.replacement(latest.fees(), bumpPercent).compose(higher -> {
        Attempt next = sign(p, latest.nonce(), higher);
        LOG.warn("{} (nonce {}) not mined after {} ms: replacing it with {} ({})", latest.hash(), latest.nonce(),
            replaceAfterMs, next.hash(), higher);
        return p.record.apply(next.hash()).compose(v -> {
          track(p, next);
          return broadcast(next);
        }).mapEmpty();
      });
    }).<Void>mapEmpty().recover(err -> {
      touch(p); // tried: the next try waits replaceAfterMs again
      LOG.warn("{} (nonce {}): not replaced: {}", latest.hash(), latest.nonce(), err.getMessage());
      return Future.succeededFuture();
    });
  }

  private static void touch(Pending p) {
    synchronized (p) {
      p.lastSentAtMs = System.currentTimeMillis();
    }
  }

  private void forget(Pending p) {
    if (p != null) {
      p.attempts().forEach(a -> pending.remove(a.hash()));
    }
  }
}
