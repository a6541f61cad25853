package io.labelledger.testsupport;

import org.web3j.crypto.Credentials;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/** Transaction managers for contract wrappers in tests. */
public final class TxManagers {
  private TxManagers() {}

  /**
   * Reads the account's nonce from the node for every transaction (unlike
   * {@link TestChain#txManager}, which counts locally), so that any number of wrappers, and the
   * funder's transfers, can send for the same account one after the other; polls receipts every 50 ms.
   */
  public static TransactionManager nonceFromNode(TestChain chain, Credentials who) {
    return new RawTransactionManager(chain.web3j(), who, chain.chainId(),
        new PollingTransactionReceiptProcessor(chain.web3j(), 50, 1200));
  }
}
