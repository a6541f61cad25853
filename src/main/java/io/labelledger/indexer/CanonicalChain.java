package io.labelledger.indexer;

import io.labelledger.chain.ChainException;
import io.vertx.core.Future;
import java.math.BigInteger;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;

/** The node's view of the chain that indexers compare what they built on with: its head and block hashes. */
public final class CanonicalChain {
  private final Web3j web3j;

  public CanonicalChain(Web3j web3j) {
    this.web3j = web3j;
  }

  /** The latest block number. */
  public Future<Long> head() {
    return Future.fromCompletionStage(web3j.ethBlockNumber().sendAsync()).compose(r -> r.hasError()
        ? Future.failedFuture(new ChainException("eth_blockNumber failed: " + r.getError().getMessage()))
        : Future.succeededFuture(r.getBlockNumber().longValueExact()));
  }

  /** The hash (lower-case hex) of the chain's block at {@code number}; empty when the chain is not that long. */
  public Future<Optional<String>> hashAt(long number) {
    return Future.fromCompletionStage(web3j.ethGetBlockByNumber(
            DefaultBlockParameter.valueOf(BigInteger.valueOf(number)), false).sendAsync())
        .compose(r -> {
          if (r.hasError()) {
            return Future.failedFuture(new ChainException("eth_getBlockByNumber failed: " + r.getError().getMessage()));
          }
          return Future.succeededFuture(r.getBlock() == null || r.getBlock().getHash() == null
              ? Optional.empty() : Optional.of(r.getBlock().getHash().toLowerCase()));
        });
  }
}
