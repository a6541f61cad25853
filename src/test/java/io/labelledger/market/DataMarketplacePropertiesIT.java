package io.labelledger.market;

import static java.math.BigInteger.ONE;
import static java.math.BigInteger.ZERO;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.DataMarketplace.ClaimParams;
import io.labelledger.chain.contracts.DataMarketplace.DatasetInfo;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MarketCalls;
import io.labelledger.testsupport.MarketplaceFixture;
import io.labelledger.testsupport.Permits;
import io.labelledger.testsupport.SharesTree;
import io.labelledger.testsupport.TestChain;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The payout arithmetic under random schedules: each scenario lists 2-3 datasets (fee 0..20 %
 * snapshotted at listing, 5-40 contributors with 1..10^6 shares), then interleaves purchases
 * (plain and with permit, random reprices between them), single claims (by the account or a third
 * party), claimMany batches across datasets, fee withdrawals and fee changes, checking the money
 * invariants after every step; finally everyone claims and each account must have received exactly
 * floor(revenue * shares / totalShares), recomputed here from the prices paid.
 *
 * <p>Seeded JUnit scenarios rather than jqwik: jqwik's engine does not run JUnit Jupiter
 * extensions, and the chain (shared, snapshotted per class) comes from {@link ChainExtension}. Every
 * run draws fresh seeds and names each scenario by its seed; a failure says how to replay it
 * ({@code -Dlabelledger.market.seed=<seed>} runs that one scenario,
 * {@code -Dlabelledger.market.scenarios=<n>} changes how many run).
 */
@ExtendWith(ChainExtension.class)
class DataMarketplacePropertiesIT {
  private static final BigInteger BPS = BigInteger.valueOf(10_000);
  private static final Logger LOG = LoggerFactory.getLogger(DataMarketplacePropertiesIT.class);
  /** Each scenario is ~100 transactions and ~300 calls, 6-10 s on a busy 2-core Ganache. */
  private static final int DEFAULT_SCENARIOS = 5;

  @TestFactory
  Stream<DynamicTest> payoutsAreExactAndNeverExceedWhatWasPaidIn(TestChain chain) {
    Long replay = Long.getLong("labelledger.market.seed");
    int scenarios = Integer.getInteger("labelledger.market.scenarios", DEFAULT_SCENARIOS);
    Random seeds = new Random();
    List<Long> chosen = replay != null
        ? List.of(replay)
        : IntStream.range(0, scenarios).mapToObj(i -> seeds.nextLong()).toList();
    return chosen.stream().map(seed -> DynamicTest.dynamicTest("scenario seed=" + seed, () -> {
      Scenario scenario = new Scenario(chain, seed);
      try {
        scenario.run();
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("scenario failed; replay with -Dlabelledger.market.seed=" + seed
            + "\nlast steps:\n  " + String.join("\n  ", scenario.lastSteps()), e);
      }
    }));
  }

  /** What the test expects of one dataset, kept independently of the chain. */
  private static final class DatasetModel {
    final BigInteger id;
    final SharesTree tree;
    final int feeBps;
    BigInteger price;
    final List<BigInteger> sales = new ArrayList<>();
    final BigInteger[] claimed;
    BigInteger withdrawn = ZERO;
    final Set<String> licensed = new HashSet<>();

    DatasetModel(BigInteger id, SharesTree tree, int feeBps, BigInteger price) {
      this.id = id;
      this.tree = tree;
      this.feeBps = feeBps;
      this.price = price;
      this.claimed = new BigInteger[tree.size()];
      java.util.Arrays.fill(claimed, ZERO);
    }

    BigInteger gross() {
      return sales.stream().reduce(ZERO, BigInteger::add);
    }

    BigInteger fee() {
      return fee(gross());
    }

    BigInteger fee(BigInteger gross) {
      return gross.multiply(BigInteger.valueOf(feeBps)).divide(BPS);
    }

    BigInteger revenue() {
      return gross().subtract(fee());
    }

    BigInteger entitled(int index) {
      return revenue().multiply(tree.leaf(index).shares()).divide(tree.totalShares());
    }

    BigInteger owed(int index) {
      return entitled(index).subtract(claimed[index]);
    }

    BigInteger paidOut() {
      return java.util.Arrays.stream(claimed).reduce(ZERO, BigInteger::add);
    }
  }

  private static final class Scenario {
    private final TestChain chain;
    private final long seed;
    private final Random rng;
    private final List<String> steps = new ArrayList<>();
    private MarketplaceFixture m;
    private final List<DatasetModel> datasets = new ArrayList<>();
    private final List<Credentials> buyers = new ArrayList<>();
    private final Set<String> permitBuyers = new HashSet<>();
    /** Contributors who hold gas money and sometimes claim for themselves; the rest are claimed for. */
    private final Map<String, Credentials> selfClaimers = new HashMap<>();

    Scenario(TestChain chain, long seed) {
      this.chain = chain;
      this.seed = seed;
      this.rng = new Random(seed);
    }

    List<String> lastSteps() {
      return steps.subList(Math.max(0, steps.size() - 25), steps.size());
    }

    void run() throws Exception {
      long t0 = System.nanoTime();
      m = MarketplaceFixture.deploy(chain, 0);
      List<String> pool = new ArrayList<>();
      for (int i = 0; i < 45; i++) {
        Credentials c = chain.newAccount(i < 4 ? 1 : 0);
        pool.add(c.getAddress());
        if (i < 4) {
          selfClaimers.put(c.getAddress(), c);
        }
      }
      int datasetCount = 2 + rng.nextInt(2);
      for (int d = 0; d < datasetCount; d++) {
        listDataset(pool);
      }
      int buyerCount = 6 + rng.nextInt(5);
      for (int b = 0; b < buyerCount; b++) {
        Credentials buyer = m.buyer(MarketplaceFixture.FAUCET_MAX);
        if (rng.nextBoolean()) {
          permitBuyers.add(buyer.getAddress());
        } else {
          m.token(buyer).approve(m.marketAddress(), ONE.shiftLeft(256).subtract(ONE)).send();
        }
        buyers.add(buyer);
      }
      checkInvariants();
      long t1 = System.nanoTime();

      int stepCount = 25 + rng.nextInt(16);
      for (int s = 0; s < stepCount; s++) {
        int roll = rng.nextInt(100);
        if (roll < 38) {
          purchase();
        } else if (roll < 66) {
          claimOne();
        } else if (roll < 86) {
          claimBatch();
        } else if (roll < 95) {
          withdrawFees();
        } else {
          changeFee();
        }
        checkInvariants();
      }
      long t2 = System.nanoTime();
      everyoneClaims();
      long t3 = System.nanoTime();
      LOG.info("scenario seed={} passed: {} datasets, {} buyers, {} steps ({} sales); setup {} ms, steps {} ms, final claims {} ms",
          seed, datasets.size(), buyers.size(), stepCount, datasets.stream().mapToInt(d -> d.sales.size()).sum(),
          (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
    }

    private void listDataset(List<String> pool) throws Exception {
      int feeBps = rng.nextInt(5) == 0 ? (rng.nextBoolean() ? 0 : 2000) : rng.nextInt(2001);
      m.market().setFeeBps(BigInteger.valueOf(feeBps)).send();
      int leaves = 5 + rng.nextInt(36);
      List<String> accounts = new ArrayList<>(pool);
      Collections.shuffle(accounts, rng);
      accounts = accounts.subList(0, leaves);
      List<BigInteger> shares = new ArrayList<>();
      for (int i = 0; i < leaves; i++) {
        shares.add(BigInteger.valueOf(1 + rng.nextInt(1_000_000)));
      }
      SharesTree tree = SharesTree.of(accounts, shares);
      BigInteger price = randomPrice();
      BigInteger id = m.list(tree, price);
      datasets.add(new DatasetModel(id, tree, feeBps, price));
      steps.add("list #" + id + " fee=" + feeBps + " leaves=" + leaves + " total=" + tree.totalShares()
          + " price=" + price);
    }

    private void purchase() throws Exception {
      DatasetModel d = pick(datasets);
      List<Credentials> eligible = buyers.stream().filter(b -> !d.licensed.contains(b.getAddress())).toList();
      if (eligible.isEmpty()) {
        steps.add("purchase #" + d.id + ": every buyer already licensed");
        return;
      }
      if (rng.nextInt(10) < 3) {
        d.price = randomPrice();
        m.market().reprice(d.id, d.price).send();
        steps.add("reprice #" + d.id + " to " + d.price);
      }
      Credentials buyer = pick(eligible);
      BigInteger grossBefore = d.gross();
      TransactionReceipt receipt;
      if (permitBuyers.contains(buyer.getAddress())) {
        BigInteger maxPrice = d.price.add(BigInteger.valueOf(rng.nextInt(3)));
        Permits.Permit permit = Permits.sign(Permits.testTokenDomain(chain.chainId(), m.tokenAddress()), buyer,
            m.marketAddress(), maxPrice, m.token().nonces(buyer.getAddress()).send(),
            BigInteger.valueOf(chain.latestTimestamp() + 3600));
        receipt = m.market(buyer).purchaseWithPermit(d.id, maxPrice, permit.deadline(), permit.v(), permit.r(),
            permit.s()).send();
      } else {
        receipt = m.market(buyer).purchase(d.id, d.price).send();
      }
      d.sales.add(d.price);
      d.licensed.add(buyer.getAddress());
      steps.add("purchase #" + d.id + " at " + d.price + (permitBuyers.contains(buyer.getAddress()) ? " (permit)" : ""));
      var event = DataMarketplace.getDatasetPurchasedEvents(receipt).get(0);
      assertThat(event.price).isEqualTo(d.price);
      assertThat(event.fee).as("this sale's fee: growth of the cumulative fee")
          .isEqualTo(d.fee(d.gross()).subtract(d.fee(grossBefore)));
    }

    private void claimOne() throws Exception {
      DatasetModel d = pick(datasets);
      int index = rng.nextInt(d.tree.size());
      String account = d.tree.leaf(index).account();
      BigInteger owed = d.owed(index);
      if (owed.signum() == 0) {
        chain.expectRevert(pick(buyers).getAddress(), m.marketAddress(), MarketCalls.claim(d.id, d.tree, index),
            "DataMarketplaceNothingToClaim");
        steps.add("claim #" + d.id + "[" + index + "]: nothing owed, refused");
        return;
      }
      Credentials submitter = selfClaimers.containsKey(account) && rng.nextBoolean()
          ? selfClaimers.get(account) : pick(buyers);
      BigInteger accountBefore = m.balance(account);
      BigInteger submitterBefore = m.balance(submitter.getAddress());
      SharesTree.Leaf leaf = d.tree.leaf(index);
      m.market(submitter).claim(d.id, BigInteger.valueOf(index), account, leaf.shares(), d.tree.proof(index)).send();
      d.claimed[index] = d.claimed[index].add(owed);
      steps.add("claim #" + d.id + "[" + index + "] " + owed
          + (submitter.getAddress().equals(account) ? " by itself" : " by a third party"));
      assertThat(m.balance(account)).as("account paid").isEqualTo(accountBefore.add(owed));
      if (!submitter.getAddress().equals(account)) {
        assertThat(m.balance(submitter.getAddress())).as("submitter paid nothing").isEqualTo(submitterBefore);
      }
    }

    private void claimBatch() throws Exception {
      int size = 1 + rng.nextInt(8);
      List<ClaimParams> items = new ArrayList<>();
      Map<String, BigInteger> expected = new LinkedHashMap<>();
      int transfers = 0;
      String runAccount = null;
      String previous = null;
      for (int k = 0; k < size; k++) {
        DatasetModel d = pick(datasets);
        int index = rng.nextInt(d.tree.size());
        if (previous != null && rng.nextInt(10) < 4) {
          // Often the previous account's leaf in some dataset follows, as a wallet batches its claims.
          List<int[]> same = new ArrayList<>();
          for (int j = 0; j < datasets.size(); j++) {
            for (SharesTree.Leaf leaf : datasets.get(j).tree.leaves()) {
              if (leaf.account().equals(previous)) {
                same.add(new int[] {j, leaf.index()});
              }
            }
          }
          int[] chosen = pick(same);
          d = datasets.get(chosen[0]);
          index = chosen[1];
        }
        items.add(d.tree.claimParams(d.id, index));
        String account = d.tree.leaf(index).account();
        previous = account;
        BigInteger owed = d.owed(index);
        d.claimed[index] = d.claimed[index].add(owed);
        expected.merge(account, owed, BigInteger::add);
        if (owed.signum() > 0 && !account.equals(runAccount)) {
          transfers++;
          runAccount = account;
        }
      }
      Map<String, BigInteger> before = new HashMap<>();
      for (String account : expected.keySet()) {
        before.put(account, m.balance(account));
      }
      TransactionReceipt receipt = m.market(pick(buyers)).claimMany(items).send();
      steps.add("claimMany of " + size + " items, " + transfers + " transfers");
      for (var e : expected.entrySet()) {
        assertThat(m.balance(e.getKey())).as("paid by claimMany").isEqualTo(before.get(e.getKey()).add(e.getValue()));
      }
      assertThat(TestToken.getTransferEvents(receipt)).as("one transfer per run of the same account")
          .hasSize(transfers);
    }

    private void withdrawFees() throws Exception {
      List<DatasetModel> chosen = new ArrayList<>(datasets);
      Collections.shuffle(chosen, rng);
      chosen = chosen.subList(0, 1 + rng.nextInt(chosen.size()));
      BigInteger expected = ZERO;
      for (DatasetModel d : chosen) {
        expected = expected.add(d.fee().subtract(d.withdrawn));
        d.withdrawn = d.fee();
      }
      String treasury = m.treasury().getAddress();
      BigInteger before = m.balance(treasury);
      m.market(m.treasury()).withdrawFees(chosen.stream().map(d -> d.id).toList(), treasury).send();
      steps.add("withdrawFees of " + chosen.size() + " datasets: " + expected);
      assertThat(m.balance(treasury)).as("fees withdrawn").isEqualTo(before.add(expected));
    }

    private void changeFee() throws Exception {
      int feeBps = rng.nextInt(2001);
      m.market().setFeeBps(BigInteger.valueOf(feeBps)).send();
      steps.add("setFeeBps " + feeBps + " (listed datasets keep theirs)");
    }

    /** The money invariants, read from the chain, and the chain against the model. */
    private void checkInvariants() {
      BigInteger stillOwed = ZERO;
      for (DatasetModel d : datasets) {
        DatasetInfo info = m.dataset(d.id);
        assertThat(info.paidOut.add(d.withdrawn).add(info.feesAccrued)).as("#%s paid out + fees <= paid in", d.id)
            .isLessThanOrEqualTo(info.gross);
        assertThat(info.paidOut).as("#%s paid out <= revenue", d.id).isLessThanOrEqualTo(info.revenue);
        stillOwed = stillOwed.add(info.revenue.subtract(info.paidOut)).add(info.feesAccrued);

        assertThat(info.feeBps).as("#%s fee snapshotted at listing", d.id).isEqualTo(d.feeBps);
        assertThat(info.gross).as("#%s gross", d.id).isEqualTo(d.gross());
        assertThat(info.revenue).as("#%s revenue", d.id).isEqualTo(d.revenue());
        assertThat(info.paidOut).as("#%s paid out", d.id).isEqualTo(d.paidOut());
        assertThat(info.feesAccrued).as("#%s fees accrued", d.id).isEqualTo(d.fee().subtract(d.withdrawn));
      }
      BigInteger held = m.balance(m.marketAddress());
      assertThat(held).as("tokens held >= everything still owed").isGreaterThanOrEqualTo(stillOwed);
      // Nothing else ever sends this marketplace tokens, so it holds exactly what it owes.
      assertThat(held).as("tokens held == everything still owed").isEqualTo(stillOwed);
    }

    /** Everyone claims everything (claimMany, one account's leaves together), the treasury withdraws. */
    private void everyoneClaims() throws Exception {
      List<ClaimParams> all = new ArrayList<>();
      for (DatasetModel d : datasets) {
        for (int i = 0; i < d.tree.size(); i++) {
          all.add(d.tree.claimParams(d.id, i));
        }
      }
      all.sort(Comparator.comparing(c -> c.account));
      for (int from = 0; from < all.size(); from += 15) {
        m.market(pick(buyers)).claimMany(all.subList(from, Math.min(all.size(), from + 15))).send();
      }
      m.market(m.treasury()).withdrawFees(datasets.stream().map(d -> d.id).toList(), m.treasury().getAddress())
          .send();
      steps.add("everyone claims (" + all.size() + " leaves), treasury withdraws");
      for (DatasetModel d : datasets) {
        for (int i = 0; i < d.tree.size(); i++) {
          d.claimed[i] = d.entitled(i);
        }
        d.withdrawn = d.fee();
      }

      // Recomputed from the prices paid only, not from the step-by-step model.
      Map<String, BigInteger> due = new HashMap<>();
      BigInteger fees = ZERO;
      BigInteger dust = ZERO;
      for (DatasetModel d : datasets) {
        BigInteger gross = d.sales.stream().reduce(ZERO, BigInteger::add);
        BigInteger fee = gross.multiply(BigInteger.valueOf(d.feeBps)).divide(BPS);
        BigInteger revenue = gross.subtract(fee);
        fees = fees.add(fee);
        BigInteger paid = ZERO;
        for (SharesTree.Leaf leaf : d.tree.leaves()) {
          BigInteger share = revenue.multiply(leaf.shares()).divide(d.tree.totalShares());
          due.merge(leaf.account(), share, BigInteger::add);
          paid = paid.add(share);
        }
        BigInteger left = revenue.subtract(paid);
        assertThat(left).as("#%s dust is at most leaves - 1", d.id).isLessThan(BigInteger.valueOf(d.tree.size()));
        dust = dust.add(left);
      }
      Set<String> accounts = new LinkedHashSet<>(due.keySet());
      for (String account : accounts) {
        assertThat(m.balance(account)).as("total received by %s", account).isEqualTo(due.get(account));
      }
      assertThat(m.balance(m.treasury().getAddress())).as("treasury received exactly the fees").isEqualTo(fees);
      assertThat(m.balance(m.marketAddress())).as("only rounding dust stays").isEqualTo(dust);
      checkInvariants();
    }

    private BigInteger randomPrice() {
      BigInteger bound = switch (rng.nextInt(3)) {
        case 0 -> BigInteger.valueOf(10_000);
        case 1 -> BigInteger.TEN.pow(18);
        default -> BigInteger.TEN.pow(21);
      };
      return new BigInteger(bound.bitLength() + 8, rng).mod(bound).add(ONE);
    }

    private <T> T pick(List<T> from) {
      return from.get(rng.nextInt(from.size()));
    }
  }
}
