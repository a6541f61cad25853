package io.labelledger.market;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.audit.AuditBundle;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The payout arithmetic under the weighted rule, off-chain and without I/O: random campaigns with random
 * weights, random contributors and contributions, random sales with random fees. Shares are what the
 * rule gives ({@link AuditBundle.SharesRule#sharesOf}, summed per account as the builder and the verifier
 * do), checked against a count made here; every account's cumulative payout is exactly
 * floor(revenue × shares / totalShares) (the existing rule's rounding), claims never go backwards, their
 * sum never exceeds what was paid in, and less than one unit per account is left behind.
 *
 * <p>Seeded like {@code DataMarketplacePropertiesIT}: fresh seeds each run, each scenario named by its seed
 * ({@code -Dlabelledger.payouts.seed=<seed>} replays one, {@code -Dlabelledger.payouts.scenarios=<n>} sets
 * how many run).
 */
class WeightedPayoutsPropertiesTest {
  private static final BigInteger BPS = BigInteger.valueOf(10_000);

  @TestFactory
  Stream<DynamicTest> weightedPayoutsAreExactAndNeverExceedWhatWasPaidIn() {
    Long replay = Long.getLong("labelledger.payouts.seed");
    int scenarios = Integer.getInteger("labelledger.payouts.scenarios", 300);
    Random seeds = new Random();
    List<Long> chosen = replay != null ? List.of(replay)
        : IntStream.range(0, scenarios).mapToObj(i -> seeds.nextLong()).toList();
    return chosen.stream().map(seed -> DynamicTest.dynamicTest("scenario seed=" + seed, () -> {
      try {
        scenario(new Random(seed));
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("scenario failed; replay with -Dlabelledger.payouts.seed=" + seed, e);
      }
    }));
  }

  private static void scenario(Random random) {
    int campaigns = 1 + random.nextInt(4);
    Map<Long, Long> weights = new TreeMap<>();
    for (int c = 0; c < campaigns; c++) {
      long weight = random.nextBoolean() ? 1 + random.nextInt(20)
          : 1 + (long) random.nextInt((int) AuditBundle.SharesRule.MAX_WEIGHT);
      weights.put(100L + c, weight);
    }
    AuditBundle.SharesRule rule = AuditBundle.SharesRule.weighted(weights);
    int contributors = 1 + random.nextInt(40);
    int contributions = contributors + random.nextInt(500);
    Map<String, BigInteger> shares = new TreeMap<>();
    Map<String, Map<Long, Long>> counted = new HashMap<>();
    for (int i = 0; i < contributions; i++) {
      // every contributor has at least one contribution, the rest at random
      String account = account(i < contributors ? i : random.nextInt(contributors));
      long campaign = 100L + random.nextInt(campaigns);
      shares.merge(account, BigInteger.valueOf(rule.sharesOf(BigInteger.valueOf(campaign))), BigInteger::add);
      counted.computeIfAbsent(account, a -> new HashMap<>()).merge(campaign, 1L, Long::sum);
    }
    // the rule's shares are the weights times the counts, per account
    counted.forEach((account, byCampaign) -> {
      long expected = 0;
      for (var e : byCampaign.entrySet()) {
        expected += weights.get(e.getKey()) * e.getValue();
      }
      assertThat(shares.get(account)).as(account).isEqualTo(BigInteger.valueOf(expected));
    });
    List<SharesTree.Entry> entries = new ArrayList<>();
    shares.forEach((a, s) -> entries.add(new SharesTree.Entry(a, s)));
    SharesTree tree = SharesTree.of(entries);
    BigInteger total = tree.totalShares();
    assertThat(total).isEqualTo(shares.values().stream().reduce(BigInteger.ZERO, BigInteger::add));

    BigInteger gross = BigInteger.ZERO;
    int feeBps = random.nextInt(2001);
    Map<String, BigInteger> claimed = new HashMap<>();
    int sales = 1 + random.nextInt(20);
    for (int sale = 0; sale < sales; sale++) {
      BigInteger price = new BigInteger(1 + random.nextInt(80), random).add(BigInteger.ONE);
      gross = gross.add(price);
      BigInteger fee = gross.multiply(BigInteger.valueOf(feeBps)).divide(BPS);
      BigInteger revenue = gross.subtract(fee);
      BigInteger paid = BigInteger.ZERO;
      for (SharesTree.Entry e : tree.entries()) {
        BigInteger owed = Payouts.owed(revenue, e.shares(), total);
        // exact rounding: owed is the floor of revenue x shares / total
        assertThat(owed.multiply(total)).isLessThanOrEqualTo(revenue.multiply(e.shares()));
        assertThat(owed.add(BigInteger.ONE).multiply(total)).isGreaterThan(revenue.multiply(e.shares()));
        BigInteger before = claimed.getOrDefault(e.account(), BigInteger.ZERO);
        // claims only at some sales: what is owed accumulates, never shrinks
        if (random.nextInt(3) > 0 || sale == sales - 1) {
          BigInteger now = Payouts.claimable(revenue, e.shares(), total, before);
          assertThat(now.signum()).isGreaterThanOrEqualTo(0);
          claimed.put(e.account(), before.add(now));
        }
        assertThat(claimed.getOrDefault(e.account(), BigInteger.ZERO)).isLessThanOrEqualTo(owed);
        paid = paid.add(owed);
      }
      assertThat(paid).as("sum of payouts").isLessThanOrEqualTo(revenue);
      assertThat(revenue.subtract(paid)).as("dust").isLessThan(BigInteger.valueOf(tree.size()));
      assertThat(paid.add(fee)).as("paid out + fee").isLessThanOrEqualTo(gross);
    }
    BigInteger revenue = gross.subtract(gross.multiply(BigInteger.valueOf(feeBps)).divide(BPS));
    BigInteger claimedSum = claimed.values().stream().reduce(BigInteger.ZERO, BigInteger::add);
    assertThat(claimedSum).isLessThanOrEqualTo(revenue);
    for (SharesTree.Entry e : tree.entries()) {
      assertThat(claimed.get(e.account())).isEqualTo(Payouts.owed(revenue, e.shares(), total));
    }
  }

  private static String account(int i) {
    return String.format("0x%040x", 0x1000 + i);
  }

  @Test
  void scalingEveryWeightChangesNoPayout() {
    Random random = new Random(7);
    for (int round = 0; round < 1000; round++) {
      long s = 1 + random.nextInt(1000);
      long t = s + random.nextInt(100_000);
      long k = 1 + random.nextInt((int) AuditBundle.SharesRule.MAX_WEIGHT);
      BigInteger revenue = new BigInteger(1 + random.nextInt(100), random);
      assertThat(Payouts.owed(revenue, BigInteger.valueOf(s * k), BigInteger.valueOf(t * k)))
          .isEqualTo(Payouts.owed(revenue, BigInteger.valueOf(s), BigInteger.valueOf(t)));
    }
  }

  @Test
  void oneSharePerContributionIsTheWeightedRuleWithEveryWeightOne() {
    AuditBundle.SharesRule one = AuditBundle.SharesRule.ONE_SHARE_PER_CONTRIBUTION;
    AuditBundle.SharesRule weighted = AuditBundle.SharesRule.weighted(Map.of(5L, 1L, 6L, 1L));
    for (long campaign : new long[] {5, 6}) {
      assertThat(weighted.sharesOf(BigInteger.valueOf(campaign))).isEqualTo(one.sharesOf(BigInteger.valueOf(campaign)));
    }
    assertThat(weighted.sharesOf(BigInteger.valueOf(7))).as("a campaign the rule does not weigh").isZero();
    assertThat(one.sharesOf(BigInteger.valueOf(7))).isEqualTo(1);
    assertThat(Payouts.owed(BigInteger.TEN, BigInteger.ONE, BigInteger.ZERO)).isZero();
  }
}
