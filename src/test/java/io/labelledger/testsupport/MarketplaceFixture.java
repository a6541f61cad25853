package io.labelledger.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.DataMarketplace.ListingParams;
import io.labelledger.chain.contracts.TestToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/**
 * A freshly deployed DataMarketplace with a TestToken, an admin (DEFAULT_ADMIN, CURATOR and
 * PAUSER roles) and a treasury, plus the moves most marketplace tests repeat: listing a shares
 * tree, funding a buyer, buying.
 *
 */
public final class MarketplaceFixture {
  /** One token with 18 decimals. */
  public static final BigInteger ONE = BigInteger.TEN.pow(18);
  public static final BigInteger FAUCET_MAX = ONE.multiply(BigInteger.valueOf(1_000_000));

  private final TestChain chain;
  private final Credentials admin;
  private final Credentials treasury;
  private final String tokenAddress;
  private final String marketAddress;
  private long termsCounter;

  private MarketplaceFixture(TestChain chain, Credentials admin, Credentials treasury, String tokenAddress,
      String marketAddress) {
    this.chain = chain;
    this.admin = admin;
    this.treasury = treasury;
    this.tokenAddress = tokenAddress;
    this.marketAddress = marketAddress;
  }

  /** Deploys a TestToken and a DataMarketplace with {@code feeBps}, administered by fresh accounts. */
  public static MarketplaceFixture deploy(TestChain chain, int feeBps) {
    Credentials admin = chain.newAccount(100);
    Credentials treasury = chain.newAccount(10);
    TransactionManager adminTx = chain.txManager(admin);
    try {
      TestToken token = TestToken.deploy(chain.web3j(), adminTx, chain.gas()).send();
      DataMarketplace market = DataMarketplace.deploy(chain.web3j(), adminTx, chain.gas(),
          admin.getAddress(), treasury.getAddress(), BigInteger.valueOf(feeBps)).send();
      return new MarketplaceFixture(chain, admin, treasury, token.getContractAddress(), market.getContractAddress());
    } catch (Exception e) {
      throw new IllegalStateException("cannot deploy the marketplace", e);
    }
  }

  /** The marketplace and token of an existing deployment, administered by {@code admin} (also its treasury). */
  public static MarketplaceFixture of(TestChain chain, Credentials admin, String tokenAddress, String marketAddress) {
    return new MarketplaceFixture(chain, admin, admin, tokenAddress, marketAddress);
  }

  public TestChain chain() { return chain; }

  public Credentials admin() { return admin; }

  public Credentials treasury() { return treasury; }

  public String tokenAddress() { return tokenAddress; }

  public String marketAddress() { return marketAddress; }

  /** The chain's transaction manager for {@code account} (nonce read from the node each time). */
  public TransactionManager txManager(Credentials account) {
    return chain.txManager(account);
  }

  /** The marketplace as {@code account} calls it. */
  public DataMarketplace market(Credentials account) {
    return DataMarketplace.load(marketAddress, chain.web3j(), txManager(account), chain.gas());
  }

  /** The marketplace as the admin calls it. */
  public DataMarketplace market() {
    return market(admin);
  }

  public TestToken token(Credentials account) {
    return TestToken.load(tokenAddress, chain.web3j(), txManager(account), chain.gas());
  }

  public TestToken token() {
    return token(admin);
  }

  /** A fresh account with {@code eth} ether for gas (0: none, for accounts that only receive). */
  public Credentials account(long eth) {
    return chain.newAccount(eth);
  }

  /** A fresh account with gas money and {@code tokens} TestToken units from the faucet. */
  public Credentials buyer(BigInteger tokens) {
    Credentials buyer = account(1);
    faucet(buyer.getAddress(), tokens);
    return buyer;
  }

  /** Mints TestToken units to {@code to}, in as many faucet calls as the per-call cap needs. */
  public void faucet(String to, BigInteger amount) {
    BigInteger left = amount;
    while (left.signum() > 0) {
      BigInteger drip = left.min(FAUCET_MAX);
      call(() -> token().faucet(to, drip).send());
      left = left.subtract(drip);
    }
  }

  /** Listing parameters for a tree, with its own sum as totalShares, no parent and fresh terms. */
  public ListingParams listing(SharesTree tree, BigInteger price) {
    return listing(tree, tree.totalShares(), tokenAddress, price, BigInteger.ZERO);
  }

  public ListingParams listing(SharesTree tree, BigInteger totalShares, String paymentToken, BigInteger price,
      BigInteger parentId) {
    return new ListingParams(contentRoot(tree), tree.root(), totalShares, paymentToken, price,
        nextTerms(), parentId);
  }

  /** Lists as the admin (a curator) and returns the new dataset id. */
  public BigInteger list(ListingParams params) {
    TransactionReceipt receipt = call(() -> market().list(params).send());
    return DataMarketplace.getDatasetListedEvents(receipt).get(0).datasetId;
  }

  public BigInteger list(SharesTree tree, BigInteger price) {
    return list(listing(tree, price));
  }

  /** Approves exactly the current price and purchases; returns the purchase receipt. */
  public TransactionReceipt buy(Credentials buyer, BigInteger datasetId) {
    BigInteger price = call(() -> market().dataset(datasetId).send()).price;
    call(() -> token(buyer).approve(marketAddress, price).send());
    return call(() -> market(buyer).purchase(datasetId, price).send());
  }

  /** A new buyer with exactly the price, who buys the dataset. */
  public Credentials newBuyerBuys(BigInteger datasetId) {
    BigInteger price = call(() -> market().dataset(datasetId).send()).price;
    Credentials buyer = buyer(price);
    buy(buyer, datasetId);
    return buyer;
  }

  public BigInteger balance(String account) {
    return call(() -> token().balanceOf(account).send());
  }

  public DataMarketplace.DatasetInfo dataset(BigInteger id) {
    return call(() -> market().dataset(id).send());
  }

  /** Sends an encoded call through the account's manager; returns the receipt whatever its status. */
  public TransactionReceipt send(Credentials from, String to, Function function) {
    try {
      var sent = txManager(from).sendTransaction(TestChain.GAS_PRICE, TestChain.GAS_LIMIT, to,
          FunctionEncoder.encode(function), BigInteger.ZERO);
      if (sent.hasError()) {
        throw new IllegalStateException("node refused the transaction: " + sent.getError().getMessage());
      }
      return new PollingTransactionReceiptProcessor(chain.web3j(), 50, 1200)
          .waitForTransactionReceipt(sent.getTransactionHash());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (TransactionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a web3j call, turning its checked exceptions into test failures. */
  public static <T> T call(ChainCall<T> call) {
    try {
      return call.run();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** A web3j {@code send()} and friends. */
  @FunctionalInterface
  public interface ChainCall<T> {
    T run() throws Exception;
  }

  /** Asserts a mined transaction succeeded. */
  public static TransactionReceipt succeeded(TransactionReceipt receipt) {
    assertThat(receipt.isStatusOK()).as("status of %s", receipt.getTransactionHash()).isTrue();
    return receipt;
  }

  private static byte[] contentRoot(SharesTree tree) {
    // Any non-zero root will do for the marketplace; derive one so listings differ.
    return io.labelledger.chain.Eip712.keccak(tree.root());
  }

  private byte[] nextTerms() {
    return io.labelledger.chain.Eip712.keccak("terms v" + (++termsCounter));
  }
}
