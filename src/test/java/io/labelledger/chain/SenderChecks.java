package io.labelledger.chain;

import io.labelledger.testsupport.TestChain;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.Transaction;

/** What the TxSender tests share: a record function that keeps the hashes, waiting on a future, chain reads. */
final class SenderChecks {
  private SenderChecks() {}

  /** A {@code record} callback that keeps every hash it is given, in order. */
  static Function<String, Future<Void>> into(List<String> recorded) {
    return hash -> {
      recorded.add(hash);
      return Future.succeededFuture();
    };
  }

  /** The future's result within {@code seconds}; its own failure rethrown as it is. */
  static <T> T await(Future<T> future, long seconds) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  static Transaction tx(TestChain chain, String hash) throws Exception {
    return chain.web3j().ethGetTransactionByHash(hash).send().getTransaction().orElseThrow();
  }

  /** How many of the account's transactions the chain has mined. */
  static BigInteger minedNonce(TestChain chain, String account) throws Exception {
    return chain.web3j().ethGetTransactionCount(account, DefaultBlockParameterName.LATEST).send().getTransactionCount();
  }
}
