package io.labelledger.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.TestToken;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.crypto.StructuredDataEncoder;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.Transfer;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Convert;

/**
 * What the story's wallets do on the chain, through its public JSON-RPC endpoint: fund accounts,
 * send the calls the service hands out, read the contracts' own views. Every transaction is signed
 * locally by its sender's key and waited for.
 */
final class StoryChain implements AutoCloseable {
  private static final BigInteger GAS_LIMIT = BigInteger.valueOf(6_000_000);

  private final Web3j web3j;
  private final long chainId;
  private final Credentials funder;
  private final BigInteger gasPrice;
  private final String marketplace;
  private final String token;
  private final String consentRegistry;

  StoryChain(String rpcUrl, Credentials funder, String marketplace, String token, String consentRegistry) {
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.funder = funder;
    this.marketplace = marketplace;
    this.token = token;
    this.consentRegistry = consentRegistry;
    try {
      this.chainId = web3j.ethChainId().send().getChainId().longValueExact();
      this.gasPrice = web3j.ethGasPrice().send().getGasPrice();
    } catch (IOException e) {
      throw new StoryFailure("chain", "the node at " + rpcUrl + " does not answer: " + e.getMessage());
    }
  }

  long chainId() {
    return chainId;
  }

  ContractGasProvider gas() {
    return new StaticGasProvider(gasPrice, GAS_LIMIT);
  }

  TransactionManager txManager(Credentials from) {
    return new RawTransactionManager(web3j, from, chainId, new PollingTransactionReceiptProcessor(web3j, 50, 2400));
  }

  /** Sends {@code data} to {@code to} from {@code from}; the receipt, which must be a success. */
  TransactionReceipt send(Credentials from, String to, String data, String step) {
    try {
      EthSendTransaction sent = txManager(from).sendTransaction(gasPrice, GAS_LIMIT, to, data, BigInteger.ZERO);
      if (sent.hasError()) {
        throw new StoryFailure(step, "the node refused the transaction: " + sent.getError().getMessage());
      }
      TransactionReceipt receipt = new PollingTransactionReceiptProcessor(web3j, 50, 2400)
          .waitForTransactionReceipt(sent.getTransactionHash());
      if (!receipt.isStatusOK()) {
        throw new StoryFailure(step, "transaction " + receipt.getTransactionHash() + " reverted");
      }
      return receipt;
    } catch (IOException | org.web3j.protocol.exceptions.TransactionException e) {
      throw new StoryFailure(step, e.getMessage());
    }
  }

  /** Gives {@code to} some ether for gas, from the funder. */
  void fundGas(String to) {
    call("fund " + to, () -> new Transfer(web3j, txManager(funder)).sendFunds(to, BigDecimal.ONE, Convert.Unit.ETHER)
        .send());
  }

  /**
   * Gives {@code to} {@code amount} payment tokens: an ERC-20 transfer from the funder when it holds
   * them (any token, e.g. a stablecoin on a real network), else TestToken's faucet (local chains).
   */
  void fundTokens(String to, BigInteger amount) {
    if (tokenBalance(funder.getAddress()).compareTo(amount) >= 0) {
      send(funder, token, FunctionEncoder.encode(new Function("transfer",
          List.of(new Address(to), new Uint256(amount)), List.of())), "transfer tokens to " + to);
    } else {
      call("faucet", () -> TestToken.load(token, web3j, txManager(funder), gas()).faucet(to, amount).send());
    }
  }

  BigInteger tokenBalance(String account) {
    return call("balanceOf", () -> TestToken.load(token, web3j, readOnly(), gas()).balanceOf(account).send());
  }

  DataMarketplace.DatasetInfo dataset(long chainDatasetId) {
    return call("dataset(" + chainDatasetId + ")", () -> market(readOnly()).dataset(BigInteger.valueOf(chainDatasetId))
        .send());
  }

  boolean hasLicence(long chainDatasetId, String account) {
    return call("hasLicence", () -> market(readOnly()).hasLicence(BigInteger.valueOf(chainDatasetId), account).send());
  }

  /** The treasury withdraws the fees of {@code chainDatasetIds} to {@code to}. */
  void withdrawFees(Credentials treasury, List<Long> chainDatasetIds, String to) {
    call("withdrawFees", () -> market(txManager(treasury)).withdrawFees(
        chainDatasetIds.stream().map(BigInteger::valueOf).toList(), to).send());
  }

  /** ConsentRegistry.nonceOf(contributor, terms), as a wallet reads it before signing. */
  long consentNonce(String contributor, String termsHash) {
    return call("nonceOf", () -> ConsentRegistry.load(consentRegistry, web3j, readOnly(), gas())
        .nonceOf(contributor, Hex.decode(termsHash)).send()).longValueExact();
  }

  long latestTimestamp() {
    return call("latest block", () -> web3j.ethGetBlockByNumber(
        org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false).send().getBlock().getTimestamp())
        .longValueExact();
  }

  private DataMarketplace market(TransactionManager tm) {
    return DataMarketplace.load(marketplace, web3j, tm, gas());
  }

  private TransactionManager readOnly() {
    return new ReadonlyTransactionManager(web3j, funder.getAddress());
  }

  private interface ChainCall<T> {
    T run() throws Exception;
  }

  private static <T> T call(String what, ChainCall<T> call) {
    try {
      return call.run();
    } catch (StoryFailure e) {
      throw e;
    } catch (Exception e) {
      throw new StoryFailure(what, e.getMessage());
    }
  }

  // ------------------------------------------------------------------ a wallet's signatures

  /** EIP-191 personal_sign of {@code text}: 0x ‖ r ‖ s ‖ v (v = 27/28). */
  static String personalSign(String text, Credentials signer) {
    Sign.SignatureData sig = Sign.signPrefixedMessage(text.getBytes(StandardCharsets.UTF_8), signer.getEcKeyPair());
    return join(sig);
  }

  /**
   * eth_signTypedData_v4 of a typed-data object, hashed by web3j's generic EIP-712 encoder (not the
   * service's own code), as a wallet would sign what it is shown.
   */
  static String signTypedData(JsonNode typedData, Credentials signer) {
    try {
      byte[] digest = new StructuredDataEncoder(StoryHttp.JSON.writeValueAsString(typedData)).hashStructuredData();
      return join(Sign.signMessage(digest, signer.getEcKeyPair(), false));
    } catch (IOException e) {
      throw new StoryFailure("sign typed data", e.getMessage());
    }
  }

  static String checksum(Credentials key) {
    return Keys.toChecksumAddress(key.getAddress());
  }

  private static String join(Sign.SignatureData sig) {
    byte[] out = new byte[65];
    System.arraycopy(sig.getR(), 0, out, 0, 32);
    System.arraycopy(sig.getS(), 0, out, 32, 32);
    out[64] = sig.getV()[0];
    return Hex.encode(out);
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
