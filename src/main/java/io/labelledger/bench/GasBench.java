package io.labelledger.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labelledger.chain.ContractDeployer;
import io.labelledger.chain.Deployment;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.LocalGanache;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.ProvenanceRegistry;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.consent.ConsentMessages;
import io.labelledger.market.PermitMessage;
import io.labelledger.market.SharesTree;
import io.labelledger.provenance.StandardMerkleTree;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.FastRawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.Transfer;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticGasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Convert;
import org.web3j.utils.Numeric;

/**
 * {@code scripts/bench gas}: deploys the contracts on a fresh in-memory Ganache and measures the
 * gas of each hot operation in a stated chain state, then prints a table beside published
 * baselines and writes {@code gas.json} ({@code [{"op","n","gas","state"}]}).
 */
public final class GasBench {
  /** One measured figure; {@code gas} is per unit of {@code n} where the op says so. */
  public record Row(String op, long n, long gas, String state) {}

  private static final BigInteger ONE = BigInteger.TEN.pow(18);
  private static final BigInteger PRICE = ONE.multiply(BigInteger.valueOf(100));
  private static final byte[] TERMS = Eip712.keccak("LabelLedger gas benchmark terms v1");

  private final Web3j web3j;
  private final long chainId;
  private final Credentials operator;
  private final ContractGasProvider gas = new StaticGasProvider(BigInteger.valueOf(1_000_000_000L),
      BigInteger.valueOf(30_000_000L));
  private final Random random = new Random(20261122L);
  private final List<Row> rows = new ArrayList<>();
  /** One nonce-tracking manager for every operator transaction (several would reuse nonces). */
  private final TransactionManager operatorTx;
  private ConsentRegistry consent;
  private ProvenanceRegistry provenance;
  private DataMarketplace market;
  private TestToken token;

  private GasBench(Web3j web3j, long chainId, Credentials operator) {
    this.web3j = web3j;
    this.chainId = chainId;
    this.operator = operator;
    this.operatorTx = tx(operator);
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/bench");
    Path nodeDir = Path.of(args.length > 1 ? args[1] : "node");
    try (LocalGanache ganache = LocalGanache.start(nodeDir, 0, null)) {
      Web3j web3j = Web3j.build(new HttpService(ganache.rpcUrl()));
      try {
        GasBench bench = new GasBench(web3j, LocalGanache.CHAIN_ID, Credentials.create(LocalGanache.DEV_OPERATOR_KEY));
        bench.run();
        bench.report(out);
      } finally {
        web3j.shutdown();
      }
    }
  }

  private void run() throws Exception {
    Deployment d = new ContractDeployer(web3j, operatorTx, gas).deployAll(operator, chainId, 500);
    consent = ConsentRegistry.load(d.consentRegistry(), web3j, operatorTx, gas);
    provenance = ProvenanceRegistry.load(d.provenanceRegistry(), web3j, operatorTx, gas);
    market = DataMarketplace.load(d.marketplace(), web3j, operatorTx, gas);
    token = TestToken.load(d.paymentToken(), web3j, operatorTx, gas);
    consent.registerTerms(TERMS, "https://labelledger.example/terms/v1").send();

    measureConsent();
    measureAnchor();
    SharesTree largest = measurePurchases();
    measureClaim(largest);
    measureClaimMany();
  }

  // ------------------------------------------------------------------ consent

  private void measureConsent() throws Exception {
    long now = latestTimestamp();
    Credentials one = Credentials.create(Keys.createEcKeyPair());
    var single = grant(one, now);
    long gasSingle = consent.grantWithSig(single.grant(), single.signature()).send().getGasUsed().longValueExact();
    rows.add(new Row("consent_relayed", 1, gasSingle, "first consent of a contributor, relayed alone"));

    List<ConsentRegistry.ConsentGrant> grants = new ArrayList<>();
    List<byte[]> sigs = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      var signed = grant(Credentials.create(Keys.createEcKeyPair()), now);
      grants.add(signed.grant());
      sigs.add(signed.signature());
    }
    TransactionReceipt batch = consent.grantBatchWithSig(grants, sigs).send();
    rows.add(new Row("consent_relayed", 100, batch.getGasUsed().longValueExact() / 100,
        "first consents of 100 contributors in one batch; gas per consent"));
  }

  private record SignedGrant(ConsentRegistry.ConsentGrant grant, byte[] signature) {}

  private SignedGrant grant(Credentials contributor, long now) {
    long expiresAt = now + 365L * 86_400;
    long deadline = now + 3_600;
    var message = new ConsentMessages.Consent(contributor.getAddress(), Numeric.toHexString(TERMS), expiresAt,
        BigInteger.ZERO, deadline);
    byte[] sig = Eip712.sign(message.digest(ConsentMessages.domain(chainId, consent.getContractAddress())),
        contributor);
    return new SignedGrant(new ConsentRegistry.ConsentGrant(contributor.getAddress(), TERMS,
        BigInteger.valueOf(expiresAt), BigInteger.ZERO, BigInteger.valueOf(deadline)), sig);
  }

  // ------------------------------------------------------------------ anchoring

  private void measureAnchor() throws Exception {
    provenance.anchor(randomTree(2).root(), BigInteger.TWO).send(); // batch counter leaves zero
    for (int n : new int[] {1, 256, 4096}) {
      StandardMerkleTree tree = randomTree(n);
      long used = provenance.anchor(tree.root(), BigInteger.valueOf(n)).send().getGasUsed().longValueExact();
      rows.add(new Row("anchor_per_contribution", n, Math.round((double) used / n),
          "one anchor transaction of a " + n + "-leaf root (" + used + " gas) / leaves; not the first batch"));
    }
  }

  private StandardMerkleTree randomTree(int n) {
    List<byte[]> leaves = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] digest = new byte[32];
      random.nextBytes(digest);
      leaves.add(StandardMerkleTree.leafHash(digest));
    }
    return StandardMerkleTree.of(leaves);
  }

  // ------------------------------------------------------------------ purchases

  private SharesTree measurePurchases() throws Exception {
    SharesTree tree = null;
    for (int n : new int[] {1, 1000, 100_000}) {
      tree = randomShares(n);
      BigInteger id = list(tree);
      buyWithApproval(id); // the dataset has sold before the measured purchase
      long plain = buyWithApproval(id);
      rows.add(new Row("purchase", n, plain,
          "new buyer who approved exactly the price; the dataset sold once before; " + n + " contributors"));
      long permit = buyWithPermit(id);
      rows.add(new Row("purchase_with_permit", n, permit,
          "new buyer, first permit, no approve; the dataset sold before; " + n + " contributors"));
    }
    return tree;
  }

  private BigInteger list(SharesTree tree) throws Exception {
    byte[] content = new byte[32];
    random.nextBytes(content);
    market.list(new DataMarketplace.ListingParams(content, tree.root(), tree.totalShares(),
        token.getContractAddress(), PRICE, TERMS, BigInteger.ZERO)).send();
    return market.datasetCount().send();
  }

  private long buyWithApproval(BigInteger datasetId) throws Exception {
    Credentials buyer = fundedBuyer();
    TestToken asBuyer = TestToken.load(token.getContractAddress(), web3j, tx(buyer), gas);
    asBuyer.approve(market.getContractAddress(), PRICE).send();
    return DataMarketplace.load(market.getContractAddress(), web3j, tx(buyer), gas)
        .purchase(datasetId, PRICE).send().getGasUsed().longValueExact();
  }

  private long buyWithPermit(BigInteger datasetId) throws Exception {
    Credentials buyer = fundedBuyer();
    long deadline = latestTimestamp() + 3_600;
    var permit = new PermitMessage(buyer.getAddress(), market.getContractAddress(), PRICE, BigInteger.ZERO, deadline);
    byte[] sig = Eip712.sign(permit.digest(
        new Eip712.Domain(token.name().send(), "1", chainId, token.getContractAddress())), buyer);
    return DataMarketplace.load(market.getContractAddress(), web3j, tx(buyer), gas)
        .purchaseWithPermit(datasetId, PRICE, BigInteger.valueOf(deadline), BigInteger.valueOf(sig[64] & 0xff),
            Arrays.copyOfRange(sig, 0, 32), Arrays.copyOfRange(sig, 32, 64))
        .send().getGasUsed().longValueExact();
  }

  private Credentials fundedBuyer() throws Exception {
    Credentials buyer = Credentials.create(Keys.createEcKeyPair());
    new Transfer(web3j, operatorTx).sendFunds(buyer.getAddress(), BigDecimal.ONE, Convert.Unit.ETHER).send();
    token.faucet(buyer.getAddress(), PRICE).send();
    return buyer;
  }

  // ------------------------------------------------------------------ claims

  private void measureClaim(SharesTree tree) throws Exception {
    BigInteger id = market.datasetCount().send();
    int[] pair = pairWithProofDepth(tree, 17);
    claim(id, tree, pair[1]); // the neighbour in the claimed-amount word claims first
    long first = claim(id, tree, pair[0]);
    rows.add(new Row("claim", tree.size(), first, "account's first claim, holding no tokens; proof depth "
        + tree.proof(pair[0]).size() + "; its neighbour in the packed claimed word claimed before"));
    int[] other = pairWithProofDepth(tree, 17, pair[0] + 2);
    long fresh = claim(id, tree, other[0]);
    rows.add(new Row("claim_fresh_word", tree.size(), fresh,
        "as claim, but no neighbour has claimed yet (the claimed word is written from zero)"));
  }

  private long claim(BigInteger datasetId, SharesTree tree, int index) throws Exception {
    var e = tree.entry(index);
    return market.claim(datasetId, BigInteger.valueOf(index), e.account(), e.shares(), tree.proof(index))
        .send().getGasUsed().longValueExact();
  }

  private static int[] pairWithProofDepth(SharesTree tree, int depth) {
    return pairWithProofDepth(tree, depth, 0);
  }

  private static int[] pairWithProofDepth(SharesTree tree, int depth, int from) {
    for (int i = from + (from & 1); i + 1 < tree.size(); i += 2) {
      if (tree.proof(i).size() == depth && tree.proof(i + 1).size() == depth) {
        return new int[] {i, i + 1};
      }
    }
    throw new IllegalStateException("no index pair with proof depth " + depth);
  }

  private void measureClaimMany() throws Exception {
    String account = randomAddress();
    String neighbour = randomAddress();
    List<DataMarketplace.ClaimParams> mine = new ArrayList<>();
    List<DataMarketplace.ClaimParams> theirs = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      List<SharesTree.Entry> entries = new ArrayList<>(randomShares(1000).entries());
      entries.set(0, new SharesTree.Entry(account, BigInteger.valueOf(1 + random.nextInt(1000))));
      entries.set(1, new SharesTree.Entry(neighbour, BigInteger.valueOf(1 + random.nextInt(1000))));
      SharesTree tree = SharesTree.of(entries);
      BigInteger id = list(tree);
      buyWithApproval(id);
      mine.add(claimParams(id, tree, 0));
      theirs.add(claimParams(id, tree, 1));
    }
    market.claimMany(theirs).send();
    long used = market.claimMany(mine).send().getGasUsed().longValueExact();
    rows.add(new Row("claim_many_per_dataset", 10, used / 10, "one claimMany over 10 datasets of 1,000 contributors"
        + " (proof depth 10) by an account holding no tokens, neighbours claimed before; total " + used));
  }

  private static DataMarketplace.ClaimParams claimParams(BigInteger id, SharesTree tree, int index) {
    var e = tree.entry(index);
    return new DataMarketplace.ClaimParams(id, BigInteger.valueOf(index), e.account(), e.shares(), tree.proof(index));
  }

  private SharesTree randomShares(int n) {
    List<SharesTree.Entry> entries = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      entries.add(new SharesTree.Entry(randomAddress(), BigInteger.valueOf(1 + random.nextInt(1_000_000))));
    }
    return SharesTree.of(entries);
  }

  private String randomAddress() {
    byte[] a = new byte[20];
    random.nextBytes(a);
    return Numeric.toHexString(a);
  }

  // ------------------------------------------------------------------ plumbing

  private TransactionManager tx(Credentials from) {
    return new FastRawTransactionManager(web3j, from, chainId, new PollingTransactionReceiptProcessor(web3j, 20, 3000));
  }

  private long latestTimestamp() throws Exception {
    return web3j.ethGetBlockByNumber(org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false).send()
        .getBlock().getTimestamp().longValueExact();
  }

  /** Published figures the issue compares against, measured on a local chain from those projects' contracts. */
  private static final String[][] BASELINES = {
    {"EAS attestation, per record", "249,822"},
    {"Ocean Protocol purchase (buyDT + startOrder, repeat buyer)", "215,063"},
    {"Uniswap MerkleDistributor claim", "~78,600"},
    {"push split, per recipient", "27,300"},
  };

  private void report(Path out) throws Exception {
    System.out.printf("%n%-24s %8s %10s  %s%n", "op", "n", "gas", "chain state");
    for (Row r : rows) {
      System.out.printf("%-24s %8d %,10d  %s%n", r.op(), r.n(), r.gas(), r.state());
    }
    System.out.printf("%nbaselines (other projects):%n");
    for (String[] b : BASELINES) {
      System.out.printf("  %-58s %10s%n", b[0], b[1]);
    }
    Files.createDirectories(out);
    Path file = out.resolve("gas.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), rows);
    System.out.println("\nwrote " + file);
  }

}
