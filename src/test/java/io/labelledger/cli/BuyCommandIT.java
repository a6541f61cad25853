package io.labelledger.cli;

import static io.labelledger.testsupport.MarketplaceFixture.call;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MarketplaceFixture;
import io.labelledger.testsupport.SharesTree;
import io.labelledger.testsupport.TestChain;
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
import org.web3j.utils.Numeric;
import picocli.CommandLine;

/**
 * {@code labelledger buy} against a real Ganache: a permit purchase in one transaction, and each
 * refusal (not listed, delisted, price above the maximum, balance too low, already licensed, no
 * key) reported in one line with exit code 2 and no transaction sent.
 */
@ExtendWith(ChainExtension.class)
class BuyCommandIT {
  private static final BigInteger PRICE = MarketplaceFixture.ONE.multiply(BigInteger.valueOf(25));

  private static TestChain chain;
  private static MarketplaceFixture market;
  private static BigInteger datasetId;

  @TempDir
  Path dir;

  @BeforeAll
  static void list(TestChain testChain) {
    chain = testChain;
    market = MarketplaceFixture.deploy(chain, 500);
    Credentials a = chain.newAccount(0);
    Credentials b = chain.newAccount(0);
    datasetId = market.list(SharesTree.of(List.of(a.getAddress(), b.getAddress()), 3, 1), PRICE);
  }

  /** The outcome of one run: exit code, stdout, stderr. */
  record Run(int exit, String out, String err) {}

  private Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = LabelLedgerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    BuyCommand buy = cli.getSubcommands().get("buy").getCommand();
    buy.env = env;
    List<String> all = new ArrayList<>(List.of("buy", "--rpc-url", chain.rpcUrl(), "--marketplace",
        market.marketAddress()));
    all.addAll(List.of(args));
    int exit = cli.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  private static String keyHex(Credentials who) {
    return Numeric.toHexStringWithPrefixZeroPadded(who.getEcKeyPair().getPrivateKey(), 64);
  }

  private static Map<String, String> envWithKey(Credentials who) {
    return Map.of(BuyCommand.KEY_VARIABLE, keyHex(who));
  }

  private long nonce(Credentials who) {
    return call(() -> chain.web3j().ethGetTransactionCount(who.getAddress(),
        org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send()).getTransactionCount().longValueExact();
  }

  @Test
  void buysWithAPermitInOneTransactionAndPrintsTheLicence() {
    Credentials buyer = market.buyer(PRICE);
    long noncesBefore = nonce(buyer);

    Run run = run(envWithKey(buyer), "--dataset", datasetId.toString(), "--max-price",
        PRICE.add(BigInteger.TEN).toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(nonce(buyer)).as("exactly one transaction: no approve").isEqualTo(noncesBefore + 1);
    assertThat(call(() -> market.market().hasLicence(datasetId, buyer.getAddress()).send())).isTrue();
    assertThat(market.balance(buyer.getAddress())).isZero();
    String txHash = run.out().lines().filter(l -> l.startsWith("tx ")).findFirst().orElseThrow().substring(3);
    var receipt = call(() -> chain.web3j().ethGetTransactionReceipt(txHash).send()).getTransactionReceipt()
        .orElseThrow();
    assertThat(receipt.isStatusOK()).isTrue();
    assertThat(receipt.getFrom()).isEqualToIgnoringCase(buyer.getAddress());
    assertThat(DataMarketplace.getDatasetPurchasedEvents(receipt)).singleElement()
        .satisfies(e -> assertThat(e.price).isEqualTo(PRICE));
    assertThat(run.out()).contains("licence: dataset " + datasetId, "holder    " + buyer.getAddress().toLowerCase(),
        "paid      25 tUSD (" + PRICE + " units) (platform fee 1.25 tUSD");
    assertThat(run.out() + run.err()).doesNotContain(keyHex(buyer).substring(2));
  }

  @Test
  void signsThePermitForTheChainsClockWhenTheChainIsAheadOfThisMachine() {
    // the token checks the permit's deadline against block.timestamp: on a chain ahead of this
    // machine's clock (a local chain after time travel, a machine whose clock lags) a deadline taken
    // from the local clock alone is already past, and the purchase was refused as ERC2612ExpiredSignature
    chain.increaseTime(2 * 86_400);
    Credentials buyer = market.buyer(PRICE);

    Run run = run(envWithKey(buyer), "--dataset", datasetId.toString(), "--max-price", PRICE.toString());

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    assertThat(call(() -> market.market().hasLicence(datasetId, buyer.getAddress()).send())).isTrue();
  }

  @Test
  void readsTheKeyFromAFile() throws Exception {
    Credentials buyer = market.buyer(PRICE);
    Path keyFile = dir.resolve("buyer.key");
    Files.writeString(keyFile, keyHex(buyer) + "\n");

    Run run = run(Map.of(), "--dataset", datasetId.toString(), "--max-price", PRICE.toString(),
        "--key-file", keyFile.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(call(() -> market.market().hasLicence(datasetId, buyer.getAddress()).send())).isTrue();
  }

  @Test
  void refusesAPriceAboveTheMaximumWithoutSendingAnything() {
    Credentials buyer = market.buyer(PRICE);
    long before = nonce(buyer);

    Run run = run(envWithKey(buyer), "--dataset", datasetId.toString(), "--max-price",
        PRICE.subtract(BigInteger.ONE).toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("above --max-price");
    assertThat(nonce(buyer)).isEqualTo(before);
    assertThat(call(() -> market.market().hasLicence(datasetId, buyer.getAddress()).send())).isFalse();
  }

  @Test
  void refusesADatasetThatIsNotListed() {
    Credentials buyer = market.buyer(PRICE);

    Run run = run(envWithKey(buyer), "--dataset", "999", "--max-price", PRICE.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("dataset 999 is not listed on marketplace");
  }

  @Test
  void refusesADelistedDataset() {
    Credentials a = chain.newAccount(0);
    BigInteger delisted = market.list(SharesTree.of(List.of(a.getAddress()), 1), PRICE);
    call(() -> market.market().delist(delisted).send());
    Credentials buyer = market.buyer(PRICE);

    Run run = run(envWithKey(buyer), "--dataset", delisted.toString(), "--max-price", PRICE.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("is delisted");
  }

  @Test
  void refusesWhenTheBalanceIsBelowThePrice() {
    Credentials buyer = market.buyer(PRICE.subtract(BigInteger.ONE));

    Run run = run(envWithKey(buyer), "--dataset", datasetId.toString(), "--max-price", PRICE.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("insufficient balance", "costs 25 tUSD");
  }

  @Test
  void refusesASecondLicence() {
    Credentials buyer = market.buyer(PRICE.multiply(BigInteger.TWO));
    assertThat(run(envWithKey(buyer), "--dataset", datasetId.toString(), "--max-price", PRICE.toString()).exit())
        .isZero();

    Run again = run(envWithKey(buyer), "--dataset", datasetId.toString(), "--max-price", PRICE.toString());

    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).contains("already holds a licence");
    assertThat(market.balance(buyer.getAddress())).isEqualTo(PRICE);
  }

  @Test
  void refusesToRunWithoutAKeyOrWithAMalformedOne() throws Exception {
    Run none = run(Map.of(), "--dataset", datasetId.toString(), "--max-price", PRICE.toString());
    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("no key: set LABELLEDGER_BUYER_KEY or give --key-file");

    Run bad = run(Map.of(BuyCommand.KEY_VARIABLE, "0xnot-a-key-secret-words"), "--dataset", datasetId.toString(),
        "--max-price", PRICE.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("does not hold a private key").doesNotContain("secret-words");
  }

  @Test
  void hasNoOptionThatTakesTheKeyAsAValue() {
    CommandLine buy = LabelLedgerCli.commandLine().getSubcommands().get("buy");
    assertThat(buy.getCommandSpec().options()).noneMatch(o -> o.longestName().matches("--(private-)?key"));
  }
}
