package io.labelledger.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.Contract;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Convert;
import org.web3j.utils.Numeric;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code labelledger deploy}: puts ConsentRegistry, ProvenanceRegistry and DataMarketplace on an
 * existing EVM network, priced in an existing ERC-20, and writes what the service and an explorer
 * need. Nothing is sent until every check passed: the node's chain id (against {@code --chain-id}
 * and any deployment already in {@code --out}), the payment token (code, and a {@code decimals()}
 * that answers a uint8), and the key's balance against the estimated gas at the fee it would pay.
 *
 * <p>Roles: the key's account is every contract's admin; the anchorer gets ANCHORER_ROLE and the
 * treasury TREASURY_ROLE through the constructors; the relayer (the service's sending key: it
 * registers terms, lists and reprices) gets TERMS_ADMIN_ROLE and CURATOR_ROLE by two grants when it
 * is not the admin. Fees are EIP-1559 (max fee twice the latest base fee plus the priority fee,
 * refused above {@code --max-fee-gwei}) where the chain has a base fee, else the node's gas price.
 *
 * <p>Writes to {@code --out}: {@code deployment.json} (chain id, addresses, block, transaction
 * hashes, roles; what {@code LABELLEDGER_DEPLOYMENT_FILE} points the service at), and under
 * {@code verify/} for each contract {@code <Name>.input.json} (the Solidity standard-JSON input the
 * bytecode was compiled from, every source included) and {@code <Name>.json} (address, fully
 * qualified name, compiler version, ABI-encoded constructor arguments).
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = "Deploy LabelLedger's contracts to an EVM network against an existing ERC-20.")
public final class DeployCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Gas set aside for each role grant in the balance check (a grant costs about 50,000). */
  static final BigInteger GRANT_GAS = BigInteger.valueOf(80_000);

  @Spec
  CommandSpec spec;

  @Option(names = "--rpc", required = true, description = "JSON-RPC endpoint of the network")
  String rpc;

  @Option(names = "--key-file", required = true, description = "file holding the deployer's private key (hex)")
  Path keyFile;

  @Option(names = "--payment-token", required = true, description = "the ERC-20 datasets are priced in")
  String paymentToken;

  @Option(names = "--fee-bps", defaultValue = "250", description = "platform fee in basis points (default 250)")
  int feeBps;

  @Option(names = "--relayer", description = "the service's sending account (default: the deployer)")
  String relayer;

  @Option(names = "--anchorer", description = "the anchoring account (default: the deployer)")
  String anchorer;

  @Option(names = "--treasury", description = "the account that withdraws fees (default: the deployer)")
  String treasury;

  @Option(names = "--chain-id", description = "refuse unless the node is on this chain")
  Long chainId;

  @Option(names = "--out", defaultValue = "deployment", description = "where to write (default: ./deployment)")
  Path out;

  @Option(names = "--max-fee-gwei", defaultValue = "500", description = "refuse to pay more per gas (default 500)")
  BigDecimal maxFeeGwei;

  /** How each contract is created: its class, its name in the sources, its constructor arguments. */
  private record Plan(String name, Class<? extends Contract> type, List<Type> args, String binary) {
    String data() {
      return "0x" + binary + FunctionEncoder.encodeConstructor(args);
    }
  }

  /** What the network charges per gas: EIP-1559 fields, or a legacy gas price. */
  private record Fee(BigInteger maxFee, BigInteger priorityFee, BigInteger gasPrice) {
    BigInteger perGas() {
      return maxFee != null ? maxFee : gasPrice;
    }

    ContractGasProvider provider(long chainId, BigInteger gasLimit) {
      return maxFee != null ? new StaticEIP1559GasProvider(chainId, maxFee, priorityFee, gasLimit)
          : new StaticGasProvider(gasPrice, gasLimit);
    }
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter say = spec.commandLine().getOut();
    Credentials key = key();
    String admin = key.getAddress();
    String relayerAddress = address("--relayer", relayer, admin);
    String anchorerAddress = address("--anchorer", anchorer, admin);
    String treasuryAddress = address("--treasury", treasury, admin);
    String token = address("--payment-token", paymentToken, null);
    if (feeBps < 0 || feeBps > 2000) {
      throw new InputException("--fee-bps: " + feeBps + " is outside 0..2000 (the contract refuses more than 20 %)");
    }
    Web3j web3j = Web3j.build(new HttpService(rpc));
    try {
      long chain = chainId(web3j);
      checkToken(web3j, token);
      Fee fee = fee(web3j);
      List<Plan> plans = List.of(
          new Plan("ConsentRegistry", ConsentRegistry.class, List.of(new Address(admin)), ConsentRegistry.BINARY),
          new Plan("ProvenanceRegistry", ProvenanceRegistry.class,
              List.of(new Address(admin), new Address(anchorerAddress)), ProvenanceRegistry.BINARY),
          new Plan("DataMarketplace", DataMarketplace.class, List.of(new Address(admin),
              new Address(treasuryAddress), new Uint16(feeBps)), DataMarketplace.BINARY));
      Map<String, BigInteger> gas = new LinkedHashMap<>();
      BigInteger total = BigInteger.ZERO;
      for (Plan p : plans) {
        BigInteger estimate = estimate(web3j, admin, p);
        gas.put(p.name(), estimate.multiply(BigInteger.valueOf(6)).divide(BigInteger.valueOf(5)));
        total = total.add(gas.get(p.name()));
      }
      boolean grants = !relayerAddress.equalsIgnoreCase(admin);
      if (grants) {
        total = total.add(GRANT_GAS.multiply(BigInteger.TWO));
      }
      BigInteger cost = total.multiply(fee.perGas());
      BigInteger balance = web3j.ethGetBalance(admin, DefaultBlockParameterName.LATEST).send().getBalance();
      if (balance.compareTo(cost) < 0) {
        throw new InputException(String.format("the key's account %s holds %s ETH; deploying needs up to %s ETH"
            + " (%s gas at %s gwei): fund it first, nothing was sent", admin, eth(balance), eth(cost), total,
            gwei(fee.perGas())));
      }
      say.printf("deploying to chain %d from %s: about %s gas at up to %s gwei (%s)%n", chain, admin, total,
          gwei(fee.perGas()), fee.maxFee() != null ? "EIP-1559" : "legacy gas price");

      TransactionManager tx = new RawTransactionManager(web3j, key, chain,
          new PollingTransactionReceiptProcessor(web3j, 500, 1200));
      Map<String, String> addresses = new LinkedHashMap<>();
      Map<String, String> hashes = new LinkedHashMap<>();
      long firstBlock = -1;
      Map<String, Contract> deployed = new LinkedHashMap<>();
      for (Plan p : plans) {
        ContractGasProvider provider = fee.provider(chain, gas.get(p.name()));
        Contract c = deploy(web3j, tx, provider, p);
        TransactionReceipt receipt = c.getTransactionReceipt().orElseThrow();
        addresses.put(p.name(), c.getContractAddress().toLowerCase());
        hashes.put(p.name(), receipt.getTransactionHash());
        firstBlock = firstBlock < 0 ? receipt.getBlockNumber().longValueExact() : firstBlock;
        deployed.put(p.name(), c);
        say.printf("  %s at %s (transaction %s, block %s)%n", p.name(), c.getContractAddress(),
            receipt.getTransactionHash(), receipt.getBlockNumber());
      }
      if (grants) {
        ContractGasProvider provider = fee.provider(chain, GRANT_GAS);
        ConsentRegistry consent = ConsentRegistry.load(addresses.get("ConsentRegistry"), web3j, tx, provider);
        hashes.put("grant TERMS_ADMIN_ROLE", consent.grantRole(consent.TERMS_ADMIN_ROLE().send(), relayerAddress)
            .send().getTransactionHash());
        DataMarketplace market = DataMarketplace.load(addresses.get("DataMarketplace"), web3j, tx, provider);
        hashes.put("grant CURATOR_ROLE", market.grantRole(market.CURATOR_ROLE().send(), relayerAddress).send()
            .getTransactionHash());
        say.printf("  granted TERMS_ADMIN_ROLE and CURATOR_ROLE to the relayer %s%n", relayerAddress);
      }
      Deployment deployment = new Deployment(chain, addresses.get("ConsentRegistry"),
          addresses.get("ProvenanceRegistry"), addresses.get("DataMarketplace"), token.toLowerCase(),
          admin.toLowerCase(), firstBlock);
      write(deployment, hashes, Map.of("admin", admin.toLowerCase(), "relayer", relayerAddress.toLowerCase(),
          "anchorer", anchorerAddress.toLowerCase(), "treasury", treasuryAddress.toLowerCase()), plans, addresses);
      say.printf("wrote %s and verify/ (standard-JSON input, compiler version, constructor arguments per contract)%n",
          out.resolve("deployment.json"));
      say.printf("run the service on it: LABELLEDGER_RPC_URL=<rpc> LABELLEDGER_CHAIN_ID=%d"
          + " LABELLEDGER_DEPLOYMENT_FILE=%s LABELLEDGER_RELAYER_KEY_FILE=<relayer key>"
          + " LABELLEDGER_ANCHORER_KEY_FILE=<anchorer key> scripts/start%n", chain, out.resolve("deployment.json"));
      return 0;
    } finally {
      web3j.shutdown();
    }
  }

  private Credentials key() {
    String hex;
    try {
      hex = Files.readString(keyFile).trim();
    } catch (IOException e) {
      throw new InputException("--key-file " + keyFile + ": cannot read it (" + e.getMessage() + ")");
    }
    if (!hex.matches("(0x)?[0-9a-fA-F]{64}")) {
      throw new InputException("--key-file " + keyFile + ": not a private key of 32 bytes in hex (the file's"
          + " content is not shown)");
    }
    return Credentials.create(hex);
  }

  private static String address(String option, String given, String fallback) {
    if (given == null) {
      return fallback;
    }
    if (!given.matches("0x[0-9a-fA-F]{40}")) {
      throw new InputException(option + ": '" + given + "' is not an address (0x and 40 hex digits)");
    }
    return given;
  }

  /** The node's chain id, checked against --chain-id and against a deployment already in --out. */
  private long chainId(Web3j web3j) throws IOException {
    long chain;
    try {
      chain = web3j.ethChainId().send().getChainId().longValueExact();
    } catch (IOException e) {
      throw new InputException("--rpc " + rpc + ": the node does not answer (" + e.getMessage() + ")");
    }
    if (chainId != null && chainId != chain) {
      throw new InputException("--chain-id " + chainId + ": the node at --rpc is on chain " + chain
          + "; nothing was sent");
    }
    Path existing = out.resolve("deployment.json");
    if (Files.exists(existing)) {
      Deployment known = Deployment.read(existing);
      if (known.chainId() != chain) {
        throw new InputException(existing + " is a deployment on chain " + known.chainId() + " but the node at --rpc"
            + " is on chain " + chain + ": wrong network, or choose another --out; nothing was sent");
      }
      throw new InputException(existing + " already records a deployment on chain " + chain + " (marketplace "
          + known.marketplace() + "): move it away or choose another --out; nothing was sent");
    }
    return chain;
  }

  /** The payment token must be a contract whose decimals() answers a uint8. */
  private static void checkToken(Web3j web3j, String token) throws IOException {
    String code = web3j.ethGetCode(token, DefaultBlockParameterName.LATEST).send().getCode();
    if (code == null || code.length() <= 2) {
      throw new InputException("--payment-token " + token + ": no contract there (no code on this chain)");
    }
    Function decimals = new Function("decimals", List.of(), List.of(new TypeReference<Uint8>() {}));
    EthCall call = web3j.ethCall(Transaction.createEthCallTransaction(null, token,
        FunctionEncoder.encode(decimals)), DefaultBlockParameterName.LATEST).send();
    List<Type> decoded = call.hasError() || call.isReverted() || call.getValue() == null
        || Numeric.hexStringToByteArray(call.getValue()).length != 32 ? List.of()
        : FunctionReturnDecoder.decode(call.getValue(), decimals.getOutputParameters());
    if (decoded.isEmpty()) {
      throw new InputException("--payment-token " + token + ": decimals() does not answer a uint8 there: not an"
          + " ERC-20 the marketplace can price in");
    }
  }

  /** EIP-1559 where the latest block has a base fee, else the node's gas price; refused above --max-fee-gwei. */
  private Fee fee(Web3j web3j) throws IOException {
    EthBlock.Block latest = web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock();
    BigInteger ceiling = Convert.toWei(maxFeeGwei, Convert.Unit.GWEI).toBigInteger();
    Fee fee;
    String baseFee = latest.getBaseFeePerGasRaw();
    if (baseFee != null) {
      BigInteger priority;
      try {
        priority = web3j.ethMaxPriorityFeePerGas().send().getMaxPriorityFeePerGas();
      } catch (RuntimeException | IOException e) {
        priority = null;
      }
      if (priority == null) {
        priority = Convert.toWei("1", Convert.Unit.GWEI).toBigInteger();
      }
      fee = new Fee(Numeric.decodeQuantity(baseFee).multiply(BigInteger.TWO).add(priority), priority, null);
    } else {
      fee = new Fee(null, null, web3j.ethGasPrice().send().getGasPrice());
    }
    if (fee.perGas().compareTo(ceiling) > 0) {
      throw new InputException("the network asks up to " + gwei(fee.perGas()) + " gwei per gas, above --max-fee-gwei "
          + maxFeeGwei + ": nothing was sent");
    }
    return fee;
  }

  private BigInteger estimate(Web3j web3j, String from, Plan p) throws IOException {
    EthEstimateGas estimate = web3j.ethEstimateGas(Transaction.createContractTransaction(from, null, null, p.data()))
        .send();
    if (estimate.hasError()) {
      throw new InputException("deploying " + p.name() + " would fail: " + estimate.getError().getMessage()
          + "; nothing was sent");
    }
    return estimate.getAmountUsed();
  }

  private static Contract deploy(Web3j web3j, TransactionManager tx, ContractGasProvider gas, Plan p)
      throws Exception {
    return switch (p.name()) {
      case "ConsentRegistry" -> ConsentRegistry.deploy(web3j, tx, gas, ((Address) p.args().get(0)).getValue()).send();
      case "ProvenanceRegistry" -> ProvenanceRegistry.deploy(web3j, tx, gas, ((Address) p.args().get(0)).getValue(),
          ((Address) p.args().get(1)).getValue()).send();
      case "DataMarketplace" -> DataMarketplace.deploy(web3j, tx, gas, ((Address) p.args().get(0)).getValue(),
          ((Address) p.args().get(1)).getValue(), ((Uint16) p.args().get(2)).getValue()).send();
      default -> throw new IllegalStateException(p.name());
    };
  }

  private void write(Deployment deployment, Map<String, String> hashes, Map<String, String> roles, List<Plan> plans,
      Map<String, String> addresses) throws IOException {
    Files.createDirectories(out.resolve("verify"));
    JsonNode input;
    String compiler;
    try (InputStream in = resource("contracts/standard-input.json");
         InputStream runtime = resource("contracts/DataMarketplace.runtime.json")) {
      input = JSON.readTree(in);
      compiler = "v" + JSON.readTree(runtime).get("compiler").asText().replace(".Emscripten.clang", "");
    }
    for (Plan p : plans) {
      JSON.writeValue(out.resolve("verify/" + p.name() + ".input.json").toFile(), input);
      ObjectNode v = JSON.createObjectNode();
      v.put("address", addresses.get(p.name()));
      v.put("contractName", "contracts/" + p.name() + ".sol:" + p.name());
      v.put("compilerVersion", compiler);
      v.put("constructorArguments", FunctionEncoder.encodeConstructor(p.args()));
      v.put("standardJsonInput", p.name() + ".input.json");
      v.put("evmVersion", input.at("/settings/evmVersion").asText());
      v.put("optimizerRuns", input.at("/settings/optimizer/runs").asInt());
      JSON.writeValue(out.resolve("verify/" + p.name() + ".json").toFile(), v);
    }
    ObjectNode record = JSON.valueToTree(deployment);
    record.set("transactions", JSON.valueToTree(hashes));
    record.set("roles", JSON.valueToTree(roles));
    record.put("compiler", compiler);
    Path file = out.resolve("deployment.json");
    Path tmp = out.resolve("deployment.json.tmp");
    JSON.writeValue(tmp.toFile(), record);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static InputStream resource(String name) throws IOException {
    InputStream in = DeployCommand.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IOException(name + " is not on the classpath: build with mvn package");
    }
    return in;
  }

  private static String eth(BigInteger wei) {
    return Convert.fromWei(new BigDecimal(wei), Convert.Unit.ETHER).stripTrailingZeros().toPlainString();
  }

  private static String gwei(BigInteger wei) {
    return Convert.fromWei(new BigDecimal(wei), Convert.Unit.GWEI).stripTrailingZeros().toPlainString();
  }
}
