package io.labelledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.chain.LocalHardhat;
import io.labelledger.demo.Demo;
import io.labelledger.demo.MarketplaceStory;
import io.labelledger.demo.StoryFailure;
import io.labelledger.demo.StorySetup;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.SolcJs;
import io.labelledger.testsupport.TestApp;
import io.labelledger.testsupport.TestChain;
import io.labelledger.testsupport.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.utils.Numeric;
import picocli.CommandLine;

/**
 * What an operator does to go live on a network, on a fresh Hardhat node (chain id 31337, a second
 * EVM besides Ganache): an ERC-20 shaped like a stablecoin is already there (6 decimals, permit,
 * its supply with an issuer; not the project's TestToken), {@code labelledger deploy} puts the three
 * contracts against it, the verification inputs it wrote compile back (solc-js) to exactly the
 * bytecode each creation transaction carried, the service starts on that {@code deployment.json}
 * and the marketplace story runs there (every step, on a smaller plan), paid in that token.
 */
class DeployToHardhatIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> CONTRACTS = List.of("ConsentRegistry", "ProvenanceRegistry", "DataMarketplace");
  /**
   * The standard story's every step (three campaigns, gold failers stopped by the floor, four versions,
   * three buyers, a permit purchase, export, revocation, claims, the treasury's fee) with fewer items
   * and contributors: this test is about going live against a stablecoin, and MarketplaceStoryIT runs
   * the full-size story on Hardhat already.
   */
  private static final MarketplaceStory.Plan SMALL_PLAN = smallPlan();

  private static MarketplaceStory.Plan smallPlan() {
    MarketplaceStory.Plan standard = MarketplaceStory.Plan.standard();
    return new MarketplaceStory.Plan(standard.campaigns(), 4, standard.goldItems(), standard.overlap(),
        standard.goldRate(), standard.accuracyFloor(), standard.floorMinGold(), 6, standard.failers(),
        standard.confidenceBar(), standard.prices());
  }

  /** A thread of its own for the solc-js runs, whatever the size of the common pool. */
  private static final Executor SOLC = task -> {
    Thread t = new Thread(task, "solc-js");
    t.setDaemon(true);
    t.start();
  };

  @TempDir
  Path dir;

  @Test
  void deploysAgainstAStablecoinAndTheMarketplaceStoryRunsThere() throws Exception {
    try (LocalHardhat hardhat = LocalHardhat.start(ChainExtension.ProjectPaths.root().resolve("node"), 0);
        TestChain chain = TestChain.connect(hardhat.rpcUrl(), TestChain.DEV_KEYS.get(0), "hardhat-process")) {
      assertThat(chain.chainId()).isEqualTo(31337);
      assertThat(chain.isHardhat()).isTrue();
      // the story's funder is the stablecoin's issuer: it pays buyers in that token, as on a real network
      String stablecoin = deployStablecoin(chain, chain.funder().getAddress(), BigInteger.TEN.pow(30));
      assertThat(decimals(chain, stablecoin)).isEqualTo(6);

      Credentials deployer = chain.newAccount(100);
      Credentials relayer = chain.newAccount(100);
      Credentials anchorer = chain.newAccount(100);
      Credentials treasury = chain.newAccount(1);
      Path out = dir.resolve("deployment");
      Path keyFile = Files.writeString(dir.resolve("deployer.key"), hex(deployer) + "\n");
      StringWriter said = new StringWriter();
      CommandLine cli = LabelLedgerCli.commandLine();
      cli.setOut(new PrintWriter(said, true));
      cli.setErr(new PrintWriter(said, true));
      int exit = cli.execute("deploy", "--rpc", chain.rpcUrl(), "--key-file", keyFile.toString(),
          "--payment-token", stablecoin, "--fee-bps", "250", "--relayer", relayer.getAddress(),
          "--anchorer", anchorer.getAddress(), "--treasury", treasury.getAddress(), "--out", out.toString());
      assertThat(exit).as(said.toString()).isZero();

      JsonNode deployment = JSON.readTree(out.resolve("deployment.json").toFile());
      assertThat(deployment.get("chainId").asLong()).isEqualTo(31337);
      assertThat(deployment.get("paymentToken").asText()).isEqualToIgnoringCase(stablecoin);
      // solc-js takes tens of seconds for the three inputs, on one core, while the story below mostly waits on
      // the service's workers and the chain: the recompiling runs beside the story and is checked after it
      CompletableFuture<Map<String, String>> compiled = CompletableFuture.supplyAsync(() -> {
        Map<String, String> bytecodes = new LinkedHashMap<>();
        for (String name : CONTRACTS) {
          try {
            bytecodes.put(name, SolcJs.creationBytecode(out.resolve("verify/" + name + ".input.json"),
                "contracts/" + name + ".sol", name));
          } catch (Exception e) {
            throw new IllegalStateException("solc-js on the verification input of " + name, e);
          }
        }
        return bytecodes;
      }, SOLC);

      Map<String, String> env = new HashMap<>(Demo.storySettings());
      env.putAll(Map.of("LABELLEDGER_RPC_URL", chain.rpcUrl(), "LABELLEDGER_CHAIN_ID", "31337",
          "LABELLEDGER_DEPLOYMENT_FILE", out.resolve("deployment.json").toString(),
          "LABELLEDGER_RELAYER_KEY", hex(relayer), "LABELLEDGER_ANCHORER_KEY", hex(anchorer),
          "LABELLEDGER_CONFIRMATIONS", "0"));
      try (TestApp app = TestApp.startOnNode(TestDatabase.freshDatabase("deploy_to_hardhat"), env,
          dir.resolve("data"))) {
        assertThat(app.get("/api/chain").json().at("/contracts/paymentToken").asText())
            .isEqualToIgnoringCase(stablecoin);
        BigInteger issuerBefore = balance(chain, stablecoin, chain.funder().getAddress());
        MarketplaceStory.Outcome outcome;
        try {
          outcome = app.clock().followingWallClock(new MarketplaceStory(new StorySetup(app.baseUrl(),
              TestApp.OPERATOR_TOKEN, chain.rpcUrl(), chain.funder(), treasury, dir.resolve("story"), System.out),
              SMALL_PLAN)::run);
        } catch (StoryFailure e) {
          throw new AssertionError("the story failed on Hardhat at '" + e.check() + "': " + e.getMessage(), e);
        }
        assertThat(outcome.datasets()).hasSize(4);
        assertThat(outcome.datasets().get(0).buyers()).isEqualTo(3);
        assertThat(outcome.rpcUrl()).isEqualTo(chain.rpcUrl());
        // paid in the stablecoin: the buyers' tokens came from its issuer, the fee went to the treasury
        assertThat(balance(chain, stablecoin, chain.funder().getAddress())).isLessThan(issuerBefore);
        assertThat(new BigInteger(outcome.treasuryFee())).isPositive();
      }

      for (String name : CONTRACTS) {
        String creation = chain.web3j().ethGetTransactionByHash(deployment.at("/transactions/" + name).asText())
            .send().getTransaction().orElseThrow().getInput();
        JsonNode verify = JSON.readTree(out.resolve("verify/" + name + ".json").toFile());
        assertThat(Numeric.cleanHexPrefix(creation)).as("%s: verification input + constructor arguments", name)
            .isEqualTo(compiled.get(5, TimeUnit.MINUTES).get(name) + verify.get("constructorArguments").asText());
      }
    }
  }

  /** Deploys TestStablecoin from the build's compiled bytecode, its supply minted to {@code issuer}. */
  private static String deployStablecoin(TestChain chain, String issuer, BigInteger supply) throws Exception {
    String bin = Files.readString(ChainExtension.ProjectPaths.root().resolve("target/contracts/TestStablecoin.bin"))
        .strip();
    String args = FunctionEncoder.encodeConstructor(List.of(new Address(issuer), new Uint256(supply)));
    var sent = chain.txManager(chain.funder()).sendTransaction(TestChain.GAS_PRICE, TestChain.GAS_LIMIT, null,
        Numeric.prependHexPrefix(bin) + args, BigInteger.ZERO);
    assertThat(sent.hasError()).as(() -> sent.getError().getMessage()).isFalse();
    var receipt = chain.web3j().ethGetTransactionReceipt(sent.getTransactionHash()).send().getTransactionReceipt()
        .orElseThrow();
    assertThat(receipt.isStatusOK()).isTrue();
    return receipt.getContractAddress();
  }

  private static int decimals(TestChain chain, String token) throws Exception {
    return ((Uint8) call(chain, token, new Function("decimals", List.of(),
        List.of(new TypeReference<Uint8>() {}))).get(0)).getValue().intValueExact();
  }

  private static BigInteger balance(TestChain chain, String token, String account) throws Exception {
    return ((Uint256) call(chain, token, new Function("balanceOf", List.of(new Address(account)),
        List.of(new TypeReference<Uint256>() {}))).get(0)).getValue();
  }

  @SuppressWarnings("rawtypes")
  private static List<org.web3j.abi.datatypes.Type> call(TestChain chain, String to, Function f) throws Exception {
    String value = chain.web3j().ethCall(Transaction.createEthCallTransaction(chain.funder().getAddress(), to,
        FunctionEncoder.encode(f)), DefaultBlockParameterName.LATEST).send().getValue();
    return FunctionReturnDecoder.decode(value, f.getOutputParameters());
  }

  private static String hex(Credentials who) {
    return Numeric.toHexStringWithPrefixZeroPadded(who.getEcKeyPair().getPrivateKey(), 64);
  }
}
