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
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Sends the operator's transactions without blocking: every node call is {@code sendAsync()}
 * bridged into a Vert.x future. Sends are serialised in this JVM (one at a time, in call order),
 * so nonces never collide between the workers sharing the operator key; across service instances
 * the workers themselves take PostgreSQL locks.
 *
 * <p><b>Fees.</b> EIP-1559 (type 2) with the fees of the {@link FeeOracle}, legacy only on a chain
 * without a base fee; nothing is signed when the fee needed is above the ceiling (a
 * {@link FeeCeilingException}).
 *
 * <p><b>Recorded before broadcast.</b> Each attempt is signed first, then {@code record(txHash)}
 * runs (the caller persists the hash), and only then is it broadcast: after a crash the database
 * always knows every hash that may be on the chain, and a recorded hash the node never saw can
 * safely be retried. A broadcast that cannot reach any node counts as "maybe sent": the same bytes
 * are broadcast again later, never a second transaction.
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
 */
public final class TxSender {
  private static final Logger LOG = LoggerFactory.getLogger(TxSender.class);
  private static final long RECEIPT_POLL_MS = 100;

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
  record Attempt(String hash, String raw, Fees fees) {}

  /** A transaction (one nonce) and its attempts, the latest last. Guarded by itself. */
  private static final class Pending {
    final BigInteger nonce;
    final BigInteger gasLimit;
    final String to;
    final String data;
    final Function<String, Future<Void>> record;
    final List<Attempt> attempts = new ArrayList<>();
    long lastSentAtMs;
    boolean replacing;

    Pending(BigInteger nonce, BigInteger gasLimit, String to, String data, Function<String, Future<Void>> record) {
      this.nonce = nonce;
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
  }

  /**
   * Signs a call of {@code to} with {@code data}, runs {@code record} with its hash, broadcasts it.
   * Fails with a {@link ChainException} carrying the decoded custom error when gas estimation shows
   * the call would revert, and with a {@link FeeCeilingException} when the chain wants more than
   * the ceiling (nothing is recorded or sent then).
   */
  public Future<String> submit(String to, String data, Function<String, Future<Void>> record) {
    Promise<String> result = Promise.promise();
    synchronized (this) {
      tail = tail.transform(ignored -> {
        Future<String> sent = sendNow(to, data, record);
        sent.onComplete(result);
        return sent.<Void>mapEmpty().otherwiseEmpty();
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
    Future<BigInteger> nonce = Future.fromCompletionStage(
            web3j.ethGetTransactionCount(sender, DefaultBlockParameterName.PENDING).sendAsync())
        .compose(r -> r.hasError() ? Future.failedFuture(new ChainException("eth_getTransactionCount: "
            + r.getError().getMessage())) : Future.succeededFuture(r.getTransactionCount().max(afterAwaited())));
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
    return Future.all(nonce, offer, gas).compose(all -> {
      Pending p = new Pending(nonce.result(), gas.result(), to, data, record);
      Attempt attempt = sign(p, offer.result());
      return record.apply(attempt.hash()).compose(v -> broadcast(attempt)).map(reached -> {
        track(p, attempt);
        LOG.debug("sent {} (nonce {}, gas {}, {}){}", attempt.hash(), p.nonce, p.gasLimit, attempt.fees(),
            reached ? "" : ": no node reached, broadcast again later");
        return attempt.hash();
      });
    });
  }

  private Attempt sign(Pending p, Fees offer) {
    String raw = Numeric.toHexString(TransactionEncoder.signMessage(
        offer.transaction(chainId, p.nonce, p.gasLimit, p.to, p.data), chainId, from));
    return new Attempt(Hash.sha3(raw), raw, offer);
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
      next = next.max(p.nonce.add(BigInteger.ONE));
    }
    return next;
  }

  /**
   * Broadcasts an attempt: true when a node has it (it accepted it, or already had it, or the
   * chain already mined it), false when no node could be reached (it may have arrived: the same
   * bytes go again later). Fails when a node refused it.
   */
  private Future<Boolean> broadcast(Attempt attempt) {
    return Future.fromCompletionStage(web3j.ethSendRawTransaction(attempt.raw()).sendAsync())
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
              : Future.failedFuture(new ChainException("the node refused transaction " + attempt.hash() + ": " + message)));
        });
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
      Future<Void> step = p != null && dueForReplacement(p) ? resend(p).eventually(() -> {
        synchronized (p) {
          p.replacing = false;
        }
        return Future.succeededFuture();
      }) : Future.succeededFuture();
      step.onComplete(v -> vertx.setTimer(RECEIPT_POLL_MS, id -> poll(p, fixed, deadline, promise)));
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
        LOG.warn("{} (nonce {}) is unknown to the node after {} ms: broadcasting it again", latest.hash(), p.nonce,
            replaceAfterMs);
        return broadcast(latest).map(reached -> {
          touch(p);
          return null;
        });
      }
      return fees.replacement(latest.fees(), bumpPercent).compose(higher -> {
        Attempt next = sign(p, higher);
        LOG.warn("{} (nonce {}) not mined after {} ms: replacing it with {} ({})", latest.hash(), p.nonce,
            replaceAfterMs, next.hash(), higher);
        return p.record.apply(next.hash()).compose(v -> {
          track(p, next);
          return broadcast(next);
        }).mapEmpty();
      });
    }).<Void>mapEmpty().recover(err -> {
      touch(p); // tried: the next try waits replaceAfterMs again
      LOG.warn("{} (nonce {}): not replaced: {}", latest.hash(), p.nonce, err.getMessage());
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
