package io.labelledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.chain.contracts.TestToken;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.response.Transaction;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;
import picocli.CommandLine;

/**
 * {@code labelledger deploy} against a real Ganache: the three contracts against an ERC-20 already
 * on the chain, with the roles where the options put them, EIP-1559 transactions, a {@code
 * deployment.json} the service then runs on (relaying terms with the relayer's role, deploying
 * nothing of its own), and verification inputs that solc compiles back to exactly the bytecode and
 * constructor arguments of the creation transaction. Each refusal exits 2 with one line and sends
 * nothing.
 */
@ExtendWith(ChainExtension.class)
class DeployCommandIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestChain chain;
  private static String token;
  private static String notAToken;

  @TempDir
  Path dir;

  @BeforeAll
  static void existingToken(TestChain testChain) throws Exception {
    chain = testChain;
    Credentials issuer = chain.newAccount(10);
    token = TestToken.deploy(chain.web3j(), chain.txManager(issuer), chain.gas()).send().getContractAddress();
    notAToken = ConsentRegistry.deploy(chain.web3j(), chain.txManager(issuer), chain.gas(), issuer.getAddress())
        .send().getContractAddress();
  }

  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = LabelLedgerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("deploy", "--rpc", chain.rpcUrl()));
    all.addAll(List.of(args));
    return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
  }

  private Path keyFile(Credentials who) throws Exception {
    Path file = dir.resolve(who.getAddress() + ".key");
    Files.writeString(file, hex(who) + "\n");
    return file;
  }

  private static String hex(Credentials who) {
    return Numeric.toHexStringWithPrefixZeroPadded(who.getEcKeyPair().getPrivateKey(), 64);
  }

  private static long nonce(Credentials who) throws Exception {
    return chain.web3j().ethGetTransactionCount(who.getAddress(), DefaultBlockParameterName.LATEST).send()
        .getTransactionCount().longValueExact();
  }

  @Test
  void deploysAgainstAnExistingTokenAndTheServiceRunsOnIt() throws Exception {
    Credentials deployer = chain.newAccount(100);
    Credentials relayer = chain.newAccount(100);
    Credentials anchorer = chain.newAccount(100);
    Credentials treasury = chain.newAccount(0);
    Path out = dir.resolve("deployment");

    Run run = run("--key-file", keyFile(deployer).toString(), "--payment-token", token, "--fee-bps", "300",
        "--relayer", relayer.getAddress(), "--anchorer", anchorer.getAddress(), "--treasury", treasury.getAddress(),
        "--chain-id", Long.toString(chain.chainId()), "--out", out.toString());
    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(run.out()).contains("EIP-1559").doesNotContain(hex(deployer).substring(2));

    JsonNode d = JSON.readTree(out.resolve("deployment.json").toFile());
    assertThat(d.get("chainId").asLong()).isEqualTo(chain.chainId());
    assertThat(d.get("paymentToken").asText()).isEqualToIgnoringCase(token);
    assertThat(d.at("/roles/relayer").asText()).isEqualToIgnoringCase(relayer.getAddress());
    var ro = new ReadonlyTransactionManager(chain.web3j(), deployer.getAddress());
    var gas = new DefaultGasProvider();
    ConsentRegistry consent = ConsentRegistry.load(d.get("consentRegistry").asText(), chain.web3j(), ro, gas);
    ProvenanceRegistry provenance = ProvenanceRegistry.load(d.get("provenanceRegistry").asText(), chain.web3j(), ro,
        gas);
    DataMarketplace market = DataMarketplace.load(d.get("marketplace").asText(), chain.web3j(), ro, gas);
    assertThat(consent.hasRole(consent.TERMS_ADMIN_ROLE().send(), relayer.getAddress()).send()).isTrue();
    assertThat(consent.hasRole(consent.DEFAULT_ADMIN_ROLE().send(), deployer.getAddress()).send()).isTrue();
    assertThat(provenance.hasRole(provenance.ANCHORER_ROLE().send(), anchorer.getAddress()).send()).isTrue();
    assertThat(provenance.hasRole(provenance.ANCHORER_ROLE().send(), deployer.getAddress()).send()).isFalse();
    assertThat(market.hasRole(market.CURATOR_ROLE().send(), relayer.getAddress()).send()).isTrue();
    assertThat(market.hasRole(market.TREASURY_ROLE().send(), treasury.getAddress()).send()).isTrue();
    assertThat(market.hasRole(market.TREASURY_ROLE().send(), deployer.getAddress()).send()).isFalse();
    assertThat(market.feeBps().send()).isEqualTo(BigInteger.valueOf(300));
    Transaction creation = chain.web3j().ethGetTransactionByHash(d.at("/transactions/DataMarketplace").asText())
        .send().getTransaction().orElseThrow();
    assertThat(creation.getType()).as("an EIP-1559 transaction").isEqualTo("0x2");
    assertThat(creation.getFrom()).isEqualToIgnoringCase(deployer.getAddress());

    // what an explorer gets compiles back to the creation transaction's bytecode + constructor arguments
    JsonNode verify = JSON.readTree(out.resolve("verify/DataMarketplace.json").toFile());
    assertThat(verify.get("contractName").asText()).isEqualTo("contracts/DataMarketplace.sol:DataMarketplace");
    assertThat(verify.get("compilerVersion").asText()).matches("v0\\.8\\.\\d+\\+commit\\.[0-9a-f]{8}");
    String bytecode = SolcJs.creationBytecode(out.resolve("verify/DataMarketplace.input.json"), "contracts/DataMarketplace.sol",
        "DataMarketplace");
    assertThat(Numeric.cleanHexPrefix(creation.getInput()))
        .isEqualTo(bytecode + verify.get("constructorArguments").asText());

    // the service on that deployment: no deployment of its own, terms registered with the relayer's role
    Path data = dir.resolve("data");
    try (TestApp app = TestApp.startOnNode(TestDatabase.freshDatabase("deploy_command"), Map.of(
        "LABELLEDGER_RPC_URL", chain.rpcUrl(), "LABELLEDGER_CHAIN_ID", Long.toString(chain.chainId()),
        "LABELLEDGER_DEPLOYMENT_FILE", out.resolve("deployment.json").toString(),
        "LABELLEDGER_RELAYER_KEY", hex(relayer), "LABELLEDGER_ANCHORER_KEY", hex(anchorer),
        "LABELLEDGER_RELAY_INTERVAL_MS", "3600000", "LABELLEDGER_INDEX_INTERVAL_MS", "3600000",
        "LABELLEDGER_ANCHOR_INTERVAL_MS", "3600000"), data)) {
      assertThat(app.deployment().marketplace()).isEqualToIgnoringCase(d.get("marketplace").asText());
      assertThat(app.get("/api/chain").json().at("/contracts/paymentToken").asText()).isEqualToIgnoringCase(token);
      assertThat(data.resolve("deployment.json")).doesNotExist();
      String terms = app.publishTerms("Terms on a deployed network");
      app.relay();
      assertThat(consent.isTermsRegistered(Numeric.hexStringToByteArray(terms)).send()).isTrue();
    }
  }

  @Test
  void refusesEachBadDeploymentWithOneLineAndSendsNothing() throws Exception {
    Credentials deployer = chain.newAccount(100);
    String key = keyFile(deployer).toString();
    Path out = dir.resolve("out");
    Credentials poor = chain.newAccount(0);

    Run wrongChain = run("--key-file", key, "--payment-token", token, "--chain-id", "5", "--out", out.toString());
    assertThat(wrongChain.exit()).isEqualTo(2);
    assertThat(wrongChain.err()).contains("--chain-id 5", "on chain " + chain.chainId());

    Run noCode = run("--key-file", key, "--payment-token", "0x" + "12".repeat(20), "--out", out.toString());
    assertThat(noCode.exit()).isEqualTo(2);
    assertThat(noCode.err()).contains("no contract there");

    Run noDecimals = run("--key-file", key, "--payment-token", notAToken, "--out", out.toString());
    assertThat(noDecimals.exit()).isEqualTo(2);
    assertThat(noDecimals.err()).contains("decimals()");

    Run unfunded = run("--key-file", keyFile(poor).toString(), "--payment-token", token, "--out", out.toString());
    assertThat(unfunded.exit()).isEqualTo(2);
    assertThat(unfunded.err()).contains("holds 0 ETH", "fund it first");

    Files.createDirectories(out);
    Files.writeString(out.resolve("deployment.json"), "{\"chainId\":5,\"consentRegistry\":\"0x" + "11".repeat(20)
        + "\",\"provenanceRegistry\":\"0x" + "22".repeat(20) + "\",\"marketplace\":\"0x" + "33".repeat(20)
        + "\",\"paymentToken\":\"0x" + "44".repeat(20) + "\",\"deployer\":\"0x" + "55".repeat(20)
        + "\",\"deployedAtBlock\":1}");
    Run otherNetwork = run("--key-file", key, "--payment-token", token, "--out", out.toString());
    assertThat(otherNetwork.exit()).isEqualTo(2);
    assertThat(otherNetwork.err()).contains("deployment on chain 5", "node at --rpc is on chain " + chain.chainId());

    Path badKey = dir.resolve("bad.key");
    Files.writeString(badKey, "not-a-key-but-a-secret-looking-string");
    Run malformed = run("--key-file", badKey.toString(), "--payment-token", token, "--out", dir.resolve("x").toString());
    assertThat(malformed.exit()).isEqualTo(2);
    assertThat(malformed.err()).contains("not a private key").doesNotContain("secret-looking");

    assertThat(nonce(deployer)).as("nothing sent").isZero();
    assertThat(nonce(poor)).isZero();
    assertThat(List.of(wrongChain, noCode, noDecimals, unfunded, otherNetwork, malformed))
        .allSatisfy(r -> assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1));
  }
}
