package io.labelledger.cli;

import io.labelledger.chain.Deployment;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.chain.RevertDecoder;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.market.PermitMessage;
import io.labelledger.market.TokenAmount;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes1;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code labelledger buy}: a buyer buys a licence for a listed dataset from their own wallet, with
 * an EIP-2612 permit for {@code --max-price} and {@code purchaseWithPermit}: one transaction, no
 * prior approve. Every precondition the contract would refuse (not listed, delisted, price above
 * the maximum, balance too low, already licensed) is checked first by {@code eth_call} and reported
 * in one line, so a refused purchase costs no gas.
 *
 * <p>The key comes from {@code LABELLEDGER_BUYER_KEY} or from {@code --key-file}, never from a flag
 * value (which would land in the shell history), and is never printed or logged.
 */
@Command(name = "buy", mixinStandardHelpOptions = true,
    description = {
        "Buys a licence for a listed dataset with an EIP-2612 permit, in one transaction.",
        "The buyer's key is read from the environment variable LABELLEDGER_BUYER_KEY, or from --key-file.",
        "Prints the transaction hash and the licence."})
final class BuyCommand implements Callable<Integer> {
  static final String KEY_VARIABLE = "LABELLEDGER_BUYER_KEY";
  private static final long RECEIPT_POLL_MS = 100;
  private static final int RECEIPT_ATTEMPTS = 600;

  @Spec
  private CommandSpec spec;

  @Option(names = "--dataset", required = true, paramLabel = "ID",
      description = "The on-chain dataset id (datasetId in DataMarketplace; the catalogue shows it).")
  private long datasetId;

  @Option(names = "--max-price", required = true, paramLabel = "UNITS",
      description = "The most you will pay, in the payment token's smallest units (also the permit's value).")
  private BigInteger maxPrice;

  @Option(names = "--rpc-url", paramLabel = "URL",
      description = "JSON-RPC endpoint of the chain (default: $LABELLEDGER_RPC_URL, else http://127.0.0.1:8545).")
  private String rpcUrl;

  @Option(names = "--marketplace", paramLabel = "0x..",
      description = "DataMarketplace address (default: the one in --deployment).")
  private String marketplace;

  @Option(names = "--deployment", paramLabel = "deployment.json", defaultValue = "data/deployment.json",
      description = "Deployment record written by scripts/start (default: ${DEFAULT-VALUE}).")
  private Path deployment;

  @Option(names = "--key-file", paramLabel = "FILE",
      description = "File holding the buyer's private key as 0x-hex (instead of $" + KEY_VARIABLE + ").")
  private Path keyFile;

  @Option(names = "--permit-ttl", paramLabel = "SECONDS", defaultValue = "900",
      description = "How long the signed permit stays usable (default: ${DEFAULT-VALUE}).")
  private long permitTtlSeconds;

  /** The environment; tests give their own. */
  Map<String, String> env = System.getenv();

  @Override
  public Integer call() throws IOException {
    if (maxPrice.signum() <= 0) {
      throw new InputException("--max-price must be a positive number of token units, not " + maxPrice);
    }
    if (datasetId <= 0) {
      throw new InputException("--dataset must be a positive dataset id, not " + datasetId);
    }
    if (permitTtlSeconds < 60 || permitTtlSeconds > 86_400) {
      throw new InputException("--permit-ttl must be between 60 and 86400 seconds, not " + permitTtlSeconds);
    }
    Credentials buyer = BuyerKey.load(keyFile, env, KEY_VARIABLE);
    String market = marketAddress();
    String url = rpcUrl != null ? rpcUrl : env.getOrDefault("LABELLEDGER_RPC_URL", "http://127.0.0.1:8545");
    Web3j web3j = Web3j.build(new HttpService(url));
    try {
      return buy(web3j, buyer, market, spec.commandLine().getOut());
    } catch (IOException e) {
      throw new InputException("cannot reach the chain at " + url + ": " + e.getMessage());
    } finally {
      web3j.shutdown();
    }
  }

  private int buy(Web3j web3j, Credentials buyer, String market, PrintWriter out) throws IOException {
    long chainId = web3j.ethChainId().send().getChainId().longValueExact();
    String account = buyer.getAddress().toLowerCase();
    DataMarketplace.DatasetInfo info = datasetInfo(web3j, account, market);
    if (info.status.intValue() != 1) {
      throw new InputException("dataset " + datasetId + " is delisted: it can no longer be bought");
    }
    String token = info.paymentToken.toLowerCase();
    TokenAmount.Format units = TokenAmount.format(web3j, token);
    if (info.price.compareTo(maxPrice) > 0) {
      throw new InputException("the price of dataset " + datasetId + " is " + units.show(info.price)
          + ", above --max-price " + units.show(maxPrice));
    }
    if (boolCall(web3j, account, market, "hasLicence", new Uint256(datasetId), new Address(account))) {
      throw new InputException(account + " already holds a licence for dataset " + datasetId);
    }
    BigInteger balance = uintCall(web3j, account, token, "balanceOf", new Address(account));
    if (balance.compareTo(info.price) < 0) {
      throw new InputException("insufficient balance: " + account + " holds " + units.show(balance)
          + " but dataset " + datasetId + " costs " + units.show(info.price));
    }

    Eip712.Domain domain = permitDomain(web3j, account, token, chainId);
    BigInteger nonce = uintCall(web3j, account, token, "nonces", new Address(account));
    // the token checks the deadline against block.timestamp, not this machine's clock: on a chain
    // ahead of it (a local chain after time travel, a clock that lags) a deadline from the local
    // clock alone is already past, and the purchase fails as ERC20InsufficientAllowance
    long chainNow = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock()
        .getTimestamp().longValueExact();
    long deadline = Math.max(Instant.now().getEpochSecond(), chainNow) + permitTtlSeconds;
    PermitMessage permit = new PermitMessage(account, market, maxPrice, nonce, deadline);
    byte[] signature = Eip712.sign(permit.digest(domain), buyer);
    String data = FunctionEncoder.encode(new Function("purchaseWithPermit", List.of(new Uint256(datasetId),
        new Uint256(maxPrice), new Uint256(deadline), new Uint8(Byte.toUnsignedInt(signature[64])),
        new Bytes32(java.util.Arrays.copyOfRange(signature, 0, 32)),
        new Bytes32(java.util.Arrays.copyOfRange(signature, 32, 64))), List.of()));

    EthEstimateGas estimate = web3j.ethEstimateGas(
        Transaction.createEthCallTransaction(account, market, data)).send();
    if (estimate.hasError()) {
      throw new InputException("the purchase would be refused: " + reason(estimate.getError()));
    }
    BigInteger gas = estimate.getAmountUsed().multiply(BigInteger.valueOf(5)).divide(BigInteger.valueOf(4))
        .add(BigInteger.valueOf(20_000));
    BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice();
    BigInteger ether = web3j.ethGetBalance(account, DefaultBlockParameterName.LATEST).send().getBalance();
    if (ether.compareTo(gas.multiply(gasPrice)) < 0) {
      throw new InputException("insufficient gas money: " + account + " has " + ether + " wei, the purchase needs up"
          + " to " + gas.multiply(gasPrice) + " wei");
    }
    EthSendTransaction sent = new RawTransactionManager(web3j, buyer, chainId)
        .sendTransaction(gasPrice, gas, market, data, BigInteger.ZERO);
    if (sent.hasError()) {
      throw new InputException("the node refused the purchase: " + sent.getError().getMessage());
    }
    String txHash = sent.getTransactionHash();
    out.printf("sent purchase of dataset %d: tx %s%n", datasetId, txHash);
    out.flush();
    TransactionReceipt receipt;
    try {
      receipt = new PollingTransactionReceiptProcessor(web3j, RECEIPT_POLL_MS, RECEIPT_ATTEMPTS)
          .waitForTransactionReceipt(txHash);
    } catch (org.web3j.protocol.exceptions.TransactionException e) {
      throw new InputException("no receipt for " + txHash + " yet; check it later: " + e.getMessage());
    }
    if (!receipt.isStatusOK()) {
      throw new InputException("the purchase " + txHash + " reverted in block " + receipt.getBlockNumber());
    }
    var purchased = DataMarketplace.getDatasetPurchasedEvents(receipt).stream()
        .filter(e -> e.log.getAddress().equalsIgnoreCase(market)).findFirst()
        .orElseThrow(() -> new InputException("transaction " + txHash + " has no DatasetPurchased event"));
    BigInteger since = uintCall(web3j, account, market, "licensedAt", new Uint256(datasetId), new Address(account));
    out.printf("tx %s%n", txHash);
    out.printf("licence: dataset %d on chain %d, marketplace %s%n", datasetId, chainId, market);
    out.printf("  holder    %s%n", account);
    out.printf("  since     %s (block %s)%n", Instant.ofEpochSecond(since.longValueExact()), receipt.getBlockNumber());
    out.printf("  paid      %s (platform fee %s)%n", units.show(purchased.price), units.show(purchased.fee));
    out.printf("  terms     %s%n", Hex.encode(info.termsHash));
    out.printf("  content   %s%n", Hex.encode(info.contentRoot));
    return 0;
  }

  private String marketAddress() throws IOException {
    if (marketplace != null) {
      try {
        return Hex.requireAddress(marketplace.toLowerCase());
      } catch (IllegalArgumentException e) {
        throw new InputException("--marketplace is not an address: " + marketplace);
      }
    }
    if (!Files.isRegularFile(deployment)) {
      throw new InputException("no --marketplace given and no deployment record at " + deployment
          + " (scripts/start writes it)");
    }
    try {
      return Deployment.read(deployment).marketplace().toLowerCase();
    } catch (IOException | RuntimeException e) {
      throw new InputException("cannot read the deployment record " + deployment + ": " + e.getMessage());
    }
  }

  private DataMarketplace.DatasetInfo datasetInfo(Web3j web3j, String from, String market) throws IOException {
    Function fn = new Function("dataset", List.of(new Uint256(datasetId)),
        List.of(new TypeReference<DataMarketplace.DatasetInfo>() {}));
    EthCall call = web3j.ethCall(Transaction.createEthCallTransaction(from, market, FunctionEncoder.encode(fn)),
        DefaultBlockParameterName.LATEST).send();
    Optional<RevertDecoder.ContractError> error = revert(call);
    if (error.isPresent() && error.get().name().equals("DataMarketplaceUnknownDataset")) {
      throw new InputException("dataset " + datasetId + " is not listed on marketplace " + market);
    }
    if (call.hasError() || call.isReverted() || error.isPresent()) {
      throw new InputException("cannot read dataset " + datasetId + " from " + market + ": "
          + error.map(Object::toString).orElse(call.hasError() ? call.getError().getMessage() : "reverted"));
    }
    @SuppressWarnings("rawtypes")
    List<Type> out = FunctionReturnDecoder.decode(call.getValue(), fn.getOutputParameters());
    if (out.isEmpty()) {
      throw new InputException(market + " does not answer as a DataMarketplace");
    }
    return (DataMarketplace.DatasetInfo) out.get(0);
  }

  /** The token's EIP-712 domain from EIP-5267 {@code eip712Domain()}, else (name, "1"). */
  private static Eip712.Domain permitDomain(Web3j web3j, String from, String token, long chainId) throws IOException {
    Function fn = new Function("eip712Domain", List.of(), List.of(new TypeReference<Bytes1>() {},
        new TypeReference<Utf8String>() {}, new TypeReference<Utf8String>() {}, new TypeReference<Uint256>() {},
        new TypeReference<Address>() {}, new TypeReference<Bytes32>() {},
        new TypeReference<org.web3j.abi.datatypes.DynamicArray<Uint256>>() {}));
    EthCall call = web3j.ethCall(Transaction.createEthCallTransaction(from, token, FunctionEncoder.encode(fn)),
        DefaultBlockParameterName.LATEST).send();
    if (!call.hasError() && !call.isReverted() && call.getValue() != null && call.getValue().length() > 2) {
      @SuppressWarnings("rawtypes")
      List<Type> out = FunctionReturnDecoder.decode(call.getValue(), fn.getOutputParameters());
      if (out.size() == 7) {
        return new Eip712.Domain((String) out.get(1).getValue(), (String) out.get(2).getValue(),
            ((BigInteger) out.get(3).getValue()).longValueExact(), ((String) out.get(4).getValue()).toLowerCase());
      }
    }
    Function name = new Function("name", List.of(), List.of(new TypeReference<Utf8String>() {}));
    EthCall named = web3j.ethCall(Transaction.createEthCallTransaction(from, token, FunctionEncoder.encode(name)),
        DefaultBlockParameterName.LATEST).send();
    if (named.hasError() || named.isReverted()) {
      throw new InputException("the payment token " + token + " has neither eip712Domain() nor name()");
    }
    String tokenName = (String) FunctionReturnDecoder.decode(named.getValue(), name.getOutputParameters()).get(0)
        .getValue();
    return new Eip712.Domain(tokenName, "1", chainId, token);
  }

  @SuppressWarnings("rawtypes")
  private static BigInteger uintCall(Web3j web3j, String from, String to, String name, Type... args)
      throws IOException {
    Function fn = new Function(name, List.of(args), List.of(new TypeReference<Uint256>() {}));
    EthCall call = web3j.ethCall(Transaction.createEthCallTransaction(from, to, FunctionEncoder.encode(fn)),
        DefaultBlockParameterName.LATEST).send();
    List<Type> out = call.hasError() || call.isReverted() ? List.of()
        : FunctionReturnDecoder.decode(call.getValue(), fn.getOutputParameters());
    if (out.isEmpty()) {
      throw new InputException(name + "() failed on " + to + ": "
          + revert(call).map(Object::toString).orElse(call.hasError() ? call.getError().getMessage() : "no answer"));
    }
    return (BigInteger) out.get(0).getValue();
  }

  @SuppressWarnings("rawtypes")
  private static boolean boolCall(Web3j web3j, String from, String to, String name, Type... args)
      throws IOException {
    Function fn = new Function(name, List.of(args),
        List.of(new TypeReference<org.web3j.abi.datatypes.Bool>() {}));
    EthCall call = web3j.ethCall(Transaction.createEthCallTransaction(from, to, FunctionEncoder.encode(fn)),
        DefaultBlockParameterName.LATEST).send();
    List<Type> out = call.hasError() || call.isReverted() ? List.of()
        : FunctionReturnDecoder.decode(call.getValue(), fn.getOutputParameters());
    if (out.isEmpty()) {
      throw new InputException(name + "() failed on " + to);
    }
    return (Boolean) out.get(0).getValue();
  }

  private static Optional<RevertDecoder.ContractError> revert(EthCall call) {
    if (call.hasError()) {
      return RevertDecoder.instance().decode(RevertDecoder.revertData(call.getError()));
    }
    if (call.isReverted() && call.getValue() != null) {
      return RevertDecoder.instance().decode(call.getValue());
    }
    return Optional.empty();
  }

  private static String reason(org.web3j.protocol.core.Response.Error error) {
    return RevertDecoder.instance().decode(RevertDecoder.revertData(error)).map(Object::toString)
        .orElse(error.getMessage());
  }
}
