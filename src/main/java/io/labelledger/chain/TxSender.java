package io.labelledger.chain;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.math.BigInteger;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
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
 * <p>Each send is signed first, then {@code record(txHash)} runs (the caller persists the hash),
 * and only then is the transaction broadcast: after a crash the database always knows every hash
 * that may be on the chain, and a recorded hash the node never saw can safely be retried.
 */
public final class TxSender {
  private static final Logger LOG = LoggerFactory.getLogger(TxSender.class);
  private static final long RECEIPT_POLL_MS = 100;

  private final Vertx vertx;
  private final Web3j web3j;
  private final Credentials from;
  private final long chainId;
  private Future<Void> tail = Future.succeededFuture();
  private BigInteger nextNonce = BigInteger.ZERO;

  public TxSender(Vertx vertx, Web3j web3j, Credentials from, long chainId) {
    this.vertx = vertx;
    this.web3j = web3j;
    this.from = from;
    this.chainId = chainId;
  }

  public String address() {
    return from.getAddress();
  }

  /**
   * Signs a call of {@code to} with {@code data}, runs {@code record} with its hash, broadcasts it.
   * Fails with a {@link ChainException} carrying the decoded custom error when gas estimation shows
   * the call would revert (nothing is recorded or sent then).
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

  private Future<String> sendNow(String to, String data, Function<String, Future<Void>> record) {
    String sender = from.getAddress();
    Future<BigInteger> nonce = Future.fromCompletionStage(
            web3j.ethGetTransactionCount(sender, DefaultBlockParameterName.PENDING).sendAsync())
        .map(r -> r.getTransactionCount().max(nextNonce()));
    Future<BigInteger> gasPrice = Future.fromCompletionStage(web3j.ethGasPrice().sendAsync())
        .map(r -> r.getGasPrice());
    Future<BigInteger> gas = Future.fromCompletionStage(
            web3j.ethEstimateGas(Transaction.createEthCallTransaction(sender, to, data)).sendAsync())
        .compose(r -> {
          if (r.hasError()) {
            Optional<RevertDecoder.ContractError> revert = RevertDecoder.instance().decode(revertData(r.getError()));
            return Future.failedFuture(new ChainException("the call would revert: "
                + revert.map(Object::toString).orElse(r.getError().getMessage()), revert.orElse(null)));
          }
          // a margin: estimates are made against the current state, which the batch may not meet exactly
          return Future.succeededFuture(r.getAmountUsed().multiply(BigInteger.valueOf(5)).divide(BigInteger.valueOf(4))
              .add(BigInteger.valueOf(20_000)));
        });
    return Future.all(nonce, gasPrice, gas).compose(all -> {
      RawTransaction tx = RawTransaction.createTransaction(nonce.result(), gasPrice.result(), gas.result(), to, data);
      String signed = Numeric.toHexString(TransactionEncoder.signMessage(tx, chainId, from));
      String hash = Hash.sha3(signed);
      return record.apply(hash)
          .compose(v -> Future.fromCompletionStage(web3j.ethSendRawTransaction(signed).sendAsync()))
          .compose(r -> {
            if (r.hasError()) {
              return Future.failedFuture(new ChainException("the node refused transaction " + hash + ": "
                  + r.getError().getMessage()));
            }
            advanceNonce(nonce.result());
            LOG.debug("sent {} (nonce {}, gas {})", hash, nonce.result(), gas.result());
            return Future.succeededFuture(hash);
          });
    });
  }

  private synchronized BigInteger nextNonce() {
    return nextNonce;
  }

  private synchronized void advanceNonce(BigInteger used) {
    nextNonce = nextNonce.max(used.add(BigInteger.ONE));
  }

  /** The receipt once mined, or empty when the node does not have one (yet). */
  public Future<Optional<TransactionReceipt>> receipt(String txHash) {
    return Future.fromCompletionStage(web3j.ethGetTransactionReceipt(txHash).sendAsync())
        .map(r -> r.getTransactionReceipt());
  }

  /** Whether the node knows the transaction at all (mined or in its pool). */
  public Future<Boolean> known(String txHash) {
    return Future.fromCompletionStage(web3j.ethGetTransactionByHash(txHash).sendAsync())
        .map(r -> r.getTransaction().isPresent());
  }

  /** Polls for the receipt until it is there or {@code timeoutMs} passed (then fails). */
  public Future<TransactionReceipt> awaitReceipt(String txHash, long timeoutMs) {
    Promise<TransactionReceipt> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    poll(txHash, deadline, promise);
    return promise.future();
  }

  private void poll(String txHash, long deadline, Promise<TransactionReceipt> promise) {
    receipt(txHash).onComplete(ar -> {
      if (ar.succeeded() && ar.result().isPresent()) {
        promise.complete(ar.result().get());
      } else if (System.currentTimeMillis() > deadline) {
        promise.fail(new ChainException("no receipt for " + txHash + " yet"
            + (ar.failed() ? ": " + ar.cause().getMessage() : "")));
      } else {
        vertx.setTimer(RECEIPT_POLL_MS, id -> poll(txHash, deadline, promise));
      }
    });
  }

  /** The revert bytes a node put in an error reply (Ganache: under data or data.result), or null. */
  public static String revertData(org.web3j.protocol.core.Response.Error error) {
    Object data = error.getData();
    if (data == null) {
      return null;
    }
    String text = data.toString().replace("\"", "");
    // Ganache puts the bytes under data.result or as a plain string; other nodes as a plain string
    int at = text.indexOf("0x");
    return at < 0 ? null : text.substring(at).split("[^0-9a-fA-Fx]")[0];
  }
}
