package io.labelledger.market;

import static io.labelledger.testsupport.MarketplaceFixture.call;
import static io.labelledger.testsupport.MarketplaceFixture.succeeded;
import static java.math.BigInteger.ONE;
import static java.math.BigInteger.ZERO;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labelledger.chain.contracts.DataMarketplace;
import io.labelledger.chain.contracts.DataMarketplace.ClaimParams;
import io.labelledger.chain.contracts.DataMarketplace.DatasetInfo;
import io.labelledger.chain.contracts.DataMarketplace.ListingParams;
import io.labelledger.chain.contracts.HostileToken;
import io.labelledger.chain.contracts.TestToken;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MarketCalls;
import io.labelledger.testsupport.MarketplaceFixture;
import io.labelledger.testsupport.Permits;
import io.labelledger.testsupport.SharesTree;
import io.labelledger.testsupport.TestChain;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * DataMarketplace on a real chain: the happy path of every function and every revert path, each
 * custom error by a named test (see {@link #everyCustomErrorHasANamedTest()} for the index).
 * Reentrancy lives in {@link DataMarketplaceReentrancyIT}, the money invariants under random
 * schedules in {@link DataMarketplacePropertiesIT}.
 */
@ExtendWith(ChainExtension.class)
class DataMarketplaceIT {
  private static final BigInteger TOKENS = MarketplaceFixture.ONE;
  private static final BigInteger MAX_UINT128 = ONE.shiftLeft(128).subtract(ONE);
  private static final byte[] DEFAULT_ADMIN_ROLE = new byte[32];
  private static final byte[] CURATOR_ROLE = Hash.sha3("CURATOR_ROLE".getBytes());
  private static final byte[] TREASURY_ROLE = Hash.sha3("TREASURY_ROLE".getBytes());
  private static final byte[] PAUSER_ROLE = Hash.sha3("PAUSER_ROLE".getBytes());

  private static TestChain chain;
  /** Shared by tests that only add datasets; tests that pause or count ids deploy their own. */
  private static MarketplaceFixture shared;
  private static Credentials someone;

  @BeforeAll
  static void deploy(TestChain testChain) {
    chain = testChain;
    shared = MarketplaceFixture.deploy(chain, 500);
    someone = chain.newAccount(5);
  }

  /**
   * The index of which test triggers which DataMarketplace custom error; fails when the contract
   * gains an error no test is named for, or a named test disappears.
   */
  static final Map<String, String> ERROR_TESTS = new TreeMap<>(Map.ofEntries(
      Map.entry("DataMarketplaceFeeTooHigh", "DataMarketplaceIT#constructorRejectsFeeAboveTwentyPercent"
          + ",DataMarketplaceIT#setFeeBpsRejectsFeeAboveTwentyPercent"),
      Map.entry("DataMarketplaceZeroAddress", "DataMarketplaceIT#constructorRejectsZeroAdminOrTreasury"
          + ",DataMarketplaceIT#withdrawFeesToTheZeroAddressIsRejected"),
      Map.entry("DataMarketplaceInvalidPaymentToken", "DataMarketplaceIT#listRejectsAPaymentTokenThatIsNotAContract"),
      Map.entry("DataMarketplaceZeroRoot", "DataMarketplaceIT#listRejectsZeroRoots"),
      Map.entry("DataMarketplaceZeroTotalShares", "DataMarketplaceIT#listRejectsZeroTotalShares"),
      Map.entry("DataMarketplaceZeroPrice", "DataMarketplaceIT#listRejectsZeroPrice"
          + ",DataMarketplaceIT#repriceRejectsZeroPrice"),
      Map.entry("DataMarketplaceUnknownParent", "DataMarketplaceIT#listRejectsAParentThatDoesNotExist"),
      Map.entry("DataMarketplaceUnknownDataset", "DataMarketplaceIT#everyDatasetFunctionRejectsAnUnknownDataset"),
      Map.entry("DataMarketplaceDatasetDelisted", "DataMarketplaceIT#delistStopsSalesAndRepricingButNotClaims"
          + ",DataMarketplaceIT#delistTwiceIsRejected"),
      Map.entry("DataMarketplacePriceAboveMax", "DataMarketplaceIT#purchaseAboveTheBuyersMaximumIsRejected"),
      Map.entry("DataMarketplaceAlreadyLicensed", "DataMarketplaceIT#secondPurchaseBySameBuyerIsRejected"),
      Map.entry("DataMarketplaceInvalidProof", "DataMarketplaceIT#claimWithAProofOfAnotherLeafIsRejected"
          + ",DataMarketplaceIT#claimWithWrongSharesIsRejected,DataMarketplaceIT#claimForAnotherAccountIsRejected"
          + ",DataMarketplaceIT#claimAtAnotherIndexIsRejected"
          + ",DataMarketplaceIT#claimManyRevertsWhollyOnOneInvalidProof"),
      Map.entry("DataMarketplaceNothingToClaim", "DataMarketplaceIT#claimWithNothingOwedIsRejected"
          + ",DataMarketplaceReentrancyIT#claimReenteredDuringItsTransferGainsNothing"),
      Map.entry("DataMarketplaceSharesExceedTotal", "DataMarketplaceIT#claimOfALeafWithMoreSharesThanTheTotalIsRejected"),
      Map.entry("DataMarketplacePayoutExceedsRevenue",
          "DataMarketplaceIT#treeSummingToTwiceTheTotalCannotPayOutMoreThanItsRevenue"),
      Map.entry("DataMarketplaceRevenueOverflow", "DataMarketplaceIT#purchaseThatWouldOverflowTheCumulativeGrossIsRejected"),
      Map.entry("DataMarketplacePaused", "DataMarketplaceIT#pauseStopsListingAndPurchasesButNothingElse"),
      Map.entry("DataMarketplaceNotPaused", "DataMarketplaceIT#unpauseWhenNotPausedIsRejected"),
      Map.entry("DataMarketplaceReentrantCall", "DataMarketplaceReentrancyIT#purchaseReenteredFromTheTokenIsRefused"
          + ",DataMarketplaceReentrancyIT#withdrawFeesReenteredFromTheTokenIsRefused"
          + ",DataMarketplaceReentrancyIT#purchaseReenteredDuringWithdrawFeesIsRefused"
          + ",DataMarketplaceReentrancyIT#pauseAndUnpauseReenteredDuringAPurchaseAreRefused"),
      Map.entry("AccessControlUnauthorizedAccount", "DataMarketplaceIT#setFeeBpsIsAdminOnly"
          + ",DataMarketplaceIT#listRepriceAndDelistAreCuratorOnly,DataMarketplaceIT#withdrawFeesIsTreasuryOnly"
          + ",DataMarketplaceIT#pauseAndUnpauseArePauserOnly,DataMarketplaceIT#rolesAreGrantedAndRevokedOnlyByTheAdmin"),
      Map.entry("AccessControlBadConfirmation", "DataMarketplaceIT#renouncingARoleForAnotherAccountIsRejected"),
      // Raised by SafeERC20 only for a token that returns false or returns nothing without code; list()
      // requires code, and neither TestToken nor HostileToken ever returns false.
      Map.entry("SafeERC20FailedOperation", "unreachable with the project's tokens")));

  @Test
  void everyCustomErrorHasANamedTest() throws Exception {
    TreeSet<String> abiErrors = new TreeSet<>();
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("contracts/DataMarketplace.abi")) {
      for (JsonNode entry : new ObjectMapper().readTree(in)) {
        if ("error".equals(entry.path("type").asText())) {
          abiErrors.add(entry.path("name").asText());
        }
      }
    }
    assertThat(ERROR_TESTS.keySet()).containsExactlyInAnyOrderElementsOf(abiErrors);
    for (String tests : ERROR_TESTS.values()) {
      if (!tests.contains("#")) {
        continue;
      }
      for (String test : tests.split(",")) {
        String[] parts = test.split("#");
        Class<?> type = Class.forName("io.labelledger.market." + parts[0]);
        assertThat(Arrays.stream(type.getDeclaredMethods()).map(java.lang.reflect.Method::getName))
            .as("test named for an error").contains(parts[1]);
      }
    }
  }

  // ------------------------------------------------------------------ constructor and fee

  @Test
  void constructorGrantsTheRolesAndAnnouncesTheFee() throws Exception {
    Credentials admin = chain.newAccount(10);
    Credentials treasury = chain.newAccount(0);
    DataMarketplace market = DataMarketplace.deploy(chain.web3j(), shared.txManager(admin), chain.gas(),
        admin.getAddress(), treasury.getAddress(), BigInteger.valueOf(250)).send();

    assertThat(market.hasRole(DEFAULT_ADMIN_ROLE, admin.getAddress()).send()).isTrue();
    assertThat(market.hasRole(CURATOR_ROLE, admin.getAddress()).send()).isTrue();
    assertThat(market.hasRole(PAUSER_ROLE, admin.getAddress()).send()).isTrue();
    assertThat(market.hasRole(TREASURY_ROLE, admin.getAddress()).send()).isFalse();
    assertThat(market.hasRole(TREASURY_ROLE, treasury.getAddress()).send()).isTrue();
    assertThat(market.hasRole(DEFAULT_ADMIN_ROLE, treasury.getAddress()).send()).isFalse();
    assertThat(market.CURATOR_ROLE().send()).isEqualTo(CURATOR_ROLE);
    assertThat(market.TREASURY_ROLE().send()).isEqualTo(TREASURY_ROLE);
    assertThat(market.PAUSER_ROLE().send()).isEqualTo(PAUSER_ROLE);
    assertThat(market.feeBps().send()).isEqualTo(250);
    assertThat(market.MAX_FEE_BPS().send()).isEqualTo(2000);
    assertThat(market.datasetCount().send()).isZero();
    assertThat(market.paused().send()).isFalse();
    var events = DataMarketplace.getFeeBpsChangedEvents(market.getTransactionReceipt().orElseThrow());
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.oldFeeBps).isZero();
      assertThat(e.newFeeBps).isEqualTo(250);
    });
  }

  @Test
  void constructorRejectsFeeAboveTwentyPercent() throws Exception {
    var error = chain.revertOf(someone.getAddress(), null, deployData(someone.getAddress(), someone.getAddress(), 2001));
    assertThat(error.name()).isEqualTo("DataMarketplaceFeeTooHigh");
    assertThat(error.args()).containsExactly(BigInteger.valueOf(2001), BigInteger.valueOf(2000));
    // The maximum itself is allowed.
    DataMarketplace atMax = DataMarketplace.deploy(chain.web3j(), shared.txManager(someone), chain.gas(),
        someone.getAddress(), someone.getAddress(), BigInteger.valueOf(2000)).send();
    assertThat(atMax.feeBps().send()).isEqualTo(2000);
  }

  @Test
  void constructorRejectsZeroAdminOrTreasury() {
    String zero = Address.DEFAULT.getValue();
    assertThat(chain.revertOf(someone.getAddress(), null, deployData(zero, someone.getAddress(), 100)).name())
        .isEqualTo("DataMarketplaceZeroAddress");
    assertThat(chain.revertOf(someone.getAddress(), null, deployData(someone.getAddress(), zero, 100)).name())
        .isEqualTo("DataMarketplaceZeroAddress");
  }

  @Test
  void setFeeBpsAppliesOnlyToLaterListings() throws Exception {
    MarketplaceFixture m = MarketplaceFixture.deploy(chain, 500);
    SharesTree tree = SharesTree.of(List.of(someone.getAddress()), 1);
    BigInteger before = m.list(tree, TOKENS);

    TransactionReceipt changed = m.market().setFeeBps(BigInteger.valueOf(1000)).send();
    assertThat(DataMarketplace.getFeeBpsChangedEvents(changed)).singleElement().satisfies(e -> {
      assertThat(e.oldFeeBps).isEqualTo(500);
      assertThat(e.newFeeBps).isEqualTo(1000);
    });
    assertThat(m.market().feeBps().send()).isEqualTo(1000);
    BigInteger after = m.list(tree, TOKENS);

    m.newBuyerBuys(before);
    m.newBuyerBuys(after);
    assertThat(m.dataset(before).feeBps).isEqualTo(500);
    assertThat(m.dataset(after).feeBps).isEqualTo(1000);
    assertThat(m.market().feesAccruedOf(before).send()).isEqualTo(TOKENS.divide(BigInteger.valueOf(20)));
    assertThat(m.market().feesAccruedOf(after).send()).isEqualTo(TOKENS.divide(BigInteger.TEN));
  }

  @Test
  void setFeeBpsRejectsFeeAboveTwentyPercent() {
    var error = chain.expectRevert(shared.admin().getAddress(), shared.marketAddress(), MarketCalls.setFeeBps(2001),
        "DataMarketplaceFeeTooHigh");
    assertThat(error.args()).containsExactly(BigInteger.valueOf(2001), BigInteger.valueOf(2000));
  }

  // ------------------------------------------------------------------ list, reprice, delist

  @Test
  void listAssignsSequentialIdsAndRecordsEveryField() throws Exception {
    MarketplaceFixture m = MarketplaceFixture.deploy(chain, 300);
    SharesTree tree = SharesTree.of(List.of(someone.getAddress(), m.treasury().getAddress()), 3, 7);
    ListingParams first = m.listing(tree, BigInteger.TEN, m.tokenAddress(), TOKENS, ZERO);
    TransactionReceipt receipt = m.market().list(first).send();
    ListingParams second = m.listing(tree, BigInteger.TEN, m.tokenAddress(), TOKENS.add(ONE), ONE);
    BigInteger secondId = m.list(second);

    var listed = DataMarketplace.getDatasetListedEvents(receipt);
    assertThat(listed).singleElement().satisfies(e -> {
      assertThat(e.datasetId).isEqualTo(ONE);
      assertThat(e.curator).isEqualToIgnoringCase(m.admin().getAddress());
      assertThat(e.paymentToken).isEqualToIgnoringCase(m.tokenAddress());
      assertThat(e.contentRoot).isEqualTo(first.contentRoot);
      assertThat(e.sharesRoot).isEqualTo(tree.root());
      assertThat(e.totalShares).isEqualTo(BigInteger.TEN);
      assertThat(e.price).isEqualTo(TOKENS);
      assertThat(e.feeBps).isEqualTo(300);
      assertThat(e.termsHash).isEqualTo(first.termsHash);
      assertThat(e.parentId).isZero();
    });
    assertThat(secondId).isEqualTo(BigInteger.TWO);
    assertThat(m.market().datasetCount().send()).isEqualTo(BigInteger.TWO);

    DatasetInfo info = m.dataset(ONE);
    assertThat(info.contentRoot).isEqualTo(first.contentRoot);
    assertThat(info.sharesRoot).isEqualTo(tree.root());
    assertThat(info.totalShares).isEqualTo(BigInteger.TEN);
    assertThat(info.paymentToken).isEqualToIgnoringCase(m.tokenAddress());
    assertThat(info.price).isEqualTo(TOKENS);
    assertThat(info.feeBps).isEqualTo(300);
    assertThat(info.status).isEqualTo(1); // Listed
    assertThat(info.parentId).isZero();
    assertThat(info.listedAt).isEqualTo(blockTime(receipt));
    assertThat(info.termsHash).isEqualTo(first.termsHash);
    assertThat(info.curator).isEqualToIgnoringCase(m.admin().getAddress());
    assertThat(List.of(info.gross, info.revenue, info.paidOut, info.feesAccrued)).containsOnly(ZERO);
    DatasetInfo child = m.dataset(secondId);
    assertThat(child.parentId).isEqualTo(ONE);
    assertThat(child.price).isEqualTo(TOKENS.add(ONE));
    assertThat(child.termsHash).isEqualTo(second.termsHash).isNotEqualTo(first.termsHash);
  }

  @Test
  void sharesLeafOnChainMatchesTheJavaTree() throws Exception {
    SharesTree tree = SharesTree.of(List.of(someone.getAddress(), shared.admin().getAddress()), 5, 1_000_000);
    for (SharesTree.Leaf leaf : tree.leaves()) {
      assertThat(shared.market().sharesLeaf(BigInteger.valueOf(leaf.index()), leaf.account(), leaf.shares()).send())
          .isEqualTo(SharesTree.leafHash(leaf.index(), leaf.account(), leaf.shares()));
    }
  }

  @Test
  void listRejectsZeroRoots() {
    SharesTree tree = smallTree();
    ListingParams p = shared.listing(tree, TOKENS);
    ListingParams noContent = new ListingParams(new byte[32], p.sharesRoot, p.totalShares, p.paymentToken,
        p.price, p.termsHash, p.parentId);
    ListingParams noShares = new ListingParams(p.contentRoot, new byte[32], p.totalShares, p.paymentToken,
        p.price, p.termsHash, p.parentId);
    chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.list(noContent), "DataMarketplaceZeroRoot");
    chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.list(noShares), "DataMarketplaceZeroRoot");
  }

  @Test
  void listRejectsZeroTotalShares() {
    ListingParams p = shared.listing(smallTree(), ZERO, shared.tokenAddress(), TOKENS, ZERO);
    chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.list(p), "DataMarketplaceZeroTotalShares");
  }

  @Test
  void listRejectsAPaymentTokenThatIsNotAContract() {
    String zero = Address.DEFAULT.getValue();
    ListingParams toZero = shared.listing(smallTree(), BigInteger.TEN, zero, TOKENS, ZERO);
    var error = chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.list(toZero),
        "DataMarketplaceInvalidPaymentToken");
    assertThat(error.args()).containsExactly(zero);
    ListingParams toAccount = shared.listing(smallTree(), BigInteger.TEN, someone.getAddress(), TOKENS, ZERO);
    error = chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.list(toAccount),
        "DataMarketplaceInvalidPaymentToken");
    assertThat((String) error.args().get(0)).isEqualToIgnoringCase(someone.getAddress());
  }

  @Test
  void listRejectsZeroPrice() {
    ListingParams p = shared.listing(smallTree(), ZERO);
    chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.list(p), "DataMarketplaceZeroPrice");
  }

  @Test
  void listRejectsAParentThatDoesNotExist() throws Exception {
    BigInteger next = shared.market().datasetCount().send().add(ONE);
    ListingParams p = shared.listing(smallTree(), BigInteger.TEN, shared.tokenAddress(), TOKENS, next);
    var error = chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.list(p),
        "DataMarketplaceUnknownParent");
    assertThat(error.args()).containsExactly(next);
  }

  @Test
  void repriceChangesThePriceOfLaterPurchases() throws Exception {
    BigInteger id = shared.list(smallTree(), TOKENS);
    TransactionReceipt receipt = shared.market().reprice(id, TOKENS.multiply(BigInteger.TWO)).send();
    assertThat(DataMarketplace.getDatasetRepricedEvents(receipt)).singleElement().satisfies(e -> {
      assertThat(e.datasetId).isEqualTo(id);
      assertThat(e.oldPrice).isEqualTo(TOKENS);
      assertThat(e.newPrice).isEqualTo(TOKENS.multiply(BigInteger.TWO));
    });
    Credentials buyer = shared.newBuyerBuys(id);
    assertThat(shared.balance(buyer.getAddress())).isZero();
    assertThat(shared.dataset(id).gross).isEqualTo(TOKENS.multiply(BigInteger.TWO));
  }

  @Test
  void repriceRejectsZeroPrice() {
    BigInteger id = shared.list(smallTree(), TOKENS);
    chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.reprice(id, ZERO), "DataMarketplaceZeroPrice");
  }

  @Test
  void delistStopsSalesAndRepricingButNotClaims() throws Exception {
    Credentials contributor = chain.newAccount(0);
    SharesTree tree = SharesTree.of(List.of(contributor.getAddress()), 1);
    BigInteger id = shared.list(tree, TOKENS);
    shared.newBuyerBuys(id);

    TransactionReceipt receipt = shared.market().delist(id).send();
    assertThat(DataMarketplace.getDatasetDelistedEvents(receipt)).singleElement()
        .satisfies(e -> assertThat(e.datasetId).isEqualTo(id));
    assertThat(shared.dataset(id).status).isEqualTo(2); // Delisted

    Credentials late = shared.buyer(TOKENS);
    call(() -> shared.token(late).approve(shared.marketAddress(), TOKENS).send());
    var error = chain.expectRevert(late.getAddress(), shared.marketAddress(), MarketCalls.purchase(id, TOKENS),
        "DataMarketplaceDatasetDelisted");
    assertThat(error.args()).containsExactly(id);
    chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.reprice(id, TOKENS),
        "DataMarketplaceDatasetDelisted");

    // Revenue earned before delisting is still paid.
    shared.market(someone).claim(id, ZERO, contributor.getAddress(), ONE, tree.proof(0)).send();
    assertThat(shared.balance(contributor.getAddress())).isEqualTo(net(TOKENS, 500));
  }

  @Test
  void delistTwiceIsRejected() throws Exception {
    BigInteger id = shared.list(smallTree(), TOKENS);
    shared.market().delist(id).send();
    var error = chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.delist(id),
        "DataMarketplaceDatasetDelisted");
    assertThat(error.args()).containsExactly(id);
  }

  @Test
  void everyDatasetFunctionRejectsAnUnknownDataset() throws Exception {
    BigInteger unknown = shared.market().datasetCount().send().add(BigInteger.valueOf(1000));
    Credentials buyer = shared.buyer(TOKENS);
    String market = shared.marketAddress();
    String treasury = shared.treasury().getAddress();
    Permits.Permit permit = Permits.sign(Permits.testTokenDomain(chain.chainId(), shared.tokenAddress()), buyer,
        market, TOKENS, ZERO, BigInteger.valueOf(chain.latestTimestamp() + 3600));
    SharesTree tree = smallTree();

    var errors = List.of(
        chain.expectRevert(buyer.getAddress(), market, MarketCalls.purchase(unknown, TOKENS),
            "DataMarketplaceUnknownDataset"),
        chain.expectRevert(buyer.getAddress(), market, MarketCalls.purchaseWithPermit(unknown, permit),
            "DataMarketplaceUnknownDataset"),
        chain.expectRevert(someone.getAddress(), market, MarketCalls.claim(unknown, tree, 0),
            "DataMarketplaceUnknownDataset"),
        chain.expectRevert(someone.getAddress(), market, MarketCalls.claimMany(List.of(tree.claimParams(unknown, 0))),
            "DataMarketplaceUnknownDataset"),
        chain.expectRevert(someone.getAddress(), market, MarketCalls.dataset(unknown),
            "DataMarketplaceUnknownDataset"),
        chain.expectRevert(treasury, market, MarketCalls.withdrawFees(List.of(unknown), treasury),
            "DataMarketplaceUnknownDataset"),
        chain.expectRevert(adminAddress(), market, MarketCalls.reprice(unknown, TOKENS),
            "DataMarketplaceUnknownDataset"),
        chain.expectRevert(adminAddress(), market, MarketCalls.delist(unknown), "DataMarketplaceUnknownDataset"));
    assertThat(errors).allSatisfy(e -> assertThat(e.args()).containsExactly(unknown));
    // dataset 0 is never assigned
    chain.expectRevert(someone.getAddress(), market, MarketCalls.dataset(ZERO), "DataMarketplaceUnknownDataset");
  }

  // ------------------------------------------------------------------ purchase

  @Test
  void purchaseMovesTheMoneyAndRecordsTheLicence() throws Exception {
    BigInteger price = TOKENS.multiply(BigInteger.valueOf(40));
    BigInteger id = shared.list(smallTree(), price);
    Credentials buyer = shared.buyer(price.add(TOKENS));
    BigInteger marketBefore = shared.balance(shared.marketAddress());
    assertThat(shared.market().hasLicence(id, buyer.getAddress()).send()).isFalse();
    assertThat(shared.market().licensedAt(id, buyer.getAddress()).send()).isZero();

    shared.token(buyer).approve(shared.marketAddress(), price).send();
    TransactionReceipt receipt = shared.market(buyer).purchase(id, price).send();

    BigInteger fee = price.multiply(BigInteger.valueOf(500)).divide(BigInteger.valueOf(10_000)); // 2 tokens
    assertThat(shared.balance(buyer.getAddress())).isEqualTo(TOKENS);
    assertThat(shared.balance(shared.marketAddress())).isEqualTo(marketBefore.add(price));
    assertThat(shared.market().hasLicence(id, buyer.getAddress()).send()).isTrue();
    assertThat(shared.market().licensedAt(id, buyer.getAddress()).send()).isEqualTo(blockTime(receipt));
    assertThat(DataMarketplace.getDatasetPurchasedEvents(receipt)).singleElement().satisfies(e -> {
      assertThat(e.datasetId).isEqualTo(id);
      assertThat(e.buyer).isEqualToIgnoringCase(buyer.getAddress());
      assertThat(e.price).isEqualTo(price);
      assertThat(e.fee).isEqualTo(fee);
    });
    assertThat(shared.market().revenueOf(id).send()).isEqualTo(price.subtract(fee));
    assertThat(shared.market().feesAccruedOf(id).send()).isEqualTo(fee);
    DatasetInfo info = shared.dataset(id);
    assertThat(info.gross).isEqualTo(price);
    assertThat(info.revenue).isEqualTo(price.subtract(fee));
    assertThat(info.feesAccrued).isEqualTo(fee);
    assertThat(info.paidOut).isZero();
  }

  @Test
  void perSaleFeesAddUpToTheCumulativeFee() throws Exception {
    MarketplaceFixture m = MarketplaceFixture.deploy(chain, 250);
    BigInteger id = m.list(smallTree(), BigInteger.valueOf(999));
    // 999 * 2.5 % = 24.975: the first sale's fee rounds down to 24, the second makes the
    // cumulative fee floor(1998 * 2.5 %) = 49, so it takes 25; the fees never drift from it.
    TransactionReceipt first = m.buy(m.buyer(BigInteger.valueOf(999)), id);
    TransactionReceipt second = m.buy(m.buyer(BigInteger.valueOf(999)), id);
    assertThat(DataMarketplace.getDatasetPurchasedEvents(first).get(0).fee).isEqualTo(24);
    assertThat(DataMarketplace.getDatasetPurchasedEvents(second).get(0).fee).isEqualTo(25);
    assertThat(m.market().feesAccruedOf(id).send()).isEqualTo(49);
    assertThat(m.market().revenueOf(id).send()).isEqualTo(1998 - 49);
  }

  @Test
  void purchaseAboveTheBuyersMaximumIsRejected() throws Exception {
    BigInteger id = shared.list(smallTree(), TOKENS);
    Credentials buyer = shared.buyer(TOKENS.multiply(BigInteger.TWO));
    shared.token(buyer).approve(shared.marketAddress(), TOKENS.multiply(BigInteger.TWO)).send();
    // The curator reprices between the buyer's quote and the purchase.
    shared.market().reprice(id, TOKENS.multiply(BigInteger.TWO)).send();
    var error = chain.expectRevert(buyer.getAddress(), shared.marketAddress(), MarketCalls.purchase(id, TOKENS),
        "DataMarketplacePriceAboveMax");
    assertThat(error.args()).containsExactly(id, TOKENS.multiply(BigInteger.TWO), TOKENS);
  }

  @Test
  void secondPurchaseBySameBuyerIsRejected() throws Exception {
    BigInteger id = shared.list(smallTree(), TOKENS);
    Credentials buyer = shared.buyer(TOKENS.multiply(BigInteger.TWO));
    shared.buy(buyer, id);
    shared.token(buyer).approve(shared.marketAddress(), TOKENS).send();
    var error = chain.expectRevert(buyer.getAddress(), shared.marketAddress(), MarketCalls.purchase(id, TOKENS),
        "DataMarketplaceAlreadyLicensed");
    assertThat(error.args().get(0)).isEqualTo(id);
    assertThat((String) error.args().get(1)).isEqualToIgnoringCase(buyer.getAddress());
  }

  @Test
  void purchaseWithoutAllowanceOrFundsFailsInTheToken() throws Exception {
    BigInteger id = shared.list(smallTree(), TOKENS);
    Credentials unapproved = shared.buyer(TOKENS);
    var error = chain.expectRevert(unapproved.getAddress(), shared.marketAddress(), MarketCalls.purchase(id, TOKENS),
        "ERC20InsufficientAllowance");
    assertThat(error.args().subList(1, 3)).containsExactly(ZERO, TOKENS);

    Credentials broke = shared.buyer(TOKENS.subtract(ONE));
    shared.token(broke).approve(shared.marketAddress(), TOKENS).send();
    error = chain.expectRevert(broke.getAddress(), shared.marketAddress(), MarketCalls.purchase(id, TOKENS),
        "ERC20InsufficientBalance");
    assertThat(error.args().subList(1, 3)).containsExactly(TOKENS.subtract(ONE), TOKENS);
  }

  @Test
  void purchaseThatWouldOverflowTheCumulativeGrossIsRejected() throws Exception {
    // TestToken's faucet mints at most 10^24 per call, so 2^128 (~3.4 * 10^38) of it would take
    // ~3.4 * 10^14 calls; HostileToken (left unconfigured, a plain ERC-20) mints any amount.
    MarketplaceFixture m = MarketplaceFixture.deploy(chain, 2000);
    HostileToken big = HostileToken.deploy(chain.web3j(), m.txManager(m.admin()), chain.gas()).send();
    BigInteger id = m.list(m.listing(smallTree(), BigInteger.TEN, big.getContractAddress(), MAX_UINT128, ZERO));
    Credentials whale = chain.newAccount(1);
    big.mint(whale.getAddress(), MAX_UINT128).send();
    HostileToken asWhale = HostileToken.load(big.getContractAddress(), chain.web3j(), m.txManager(whale), chain.gas());
    asWhale.approve(m.marketAddress(), MAX_UINT128).send();
    TransactionReceipt receipt = m.market(whale).purchase(id, MAX_UINT128).send();

    // The largest possible gross is taken, and the fee arithmetic does not overflow at it.
    BigInteger fee = MAX_UINT128.multiply(BigInteger.valueOf(2000)).divide(BigInteger.valueOf(10_000));
    assertThat(DataMarketplace.getDatasetPurchasedEvents(receipt).get(0).fee).isEqualTo(fee);
    assertThat(m.dataset(id).gross).isEqualTo(MAX_UINT128);
    assertThat(m.dataset(id).revenue).isEqualTo(MAX_UINT128.subtract(fee));

    m.market().reprice(id, ONE).send();
    Credentials next = chain.newAccount(1);
    big.mint(next.getAddress(), ONE).send();
    HostileToken.load(big.getContractAddress(), chain.web3j(), m.txManager(next), chain.gas())
        .approve(m.marketAddress(), ONE).send();
    var error = chain.expectRevert(next.getAddress(), m.marketAddress(), MarketCalls.purchase(id, ONE),
        "DataMarketplaceRevenueOverflow");
    assertThat(error.args()).containsExactly(id);
  }

  // ------------------------------------------------------------------ purchaseWithPermit

  @Test
  void purchaseWithPermitBuysInOneTransactionWithoutApprove() throws Exception {
    BigInteger price = TOKENS.multiply(BigInteger.valueOf(3));
    BigInteger maxPrice = price.add(TOKENS);
    BigInteger id = shared.list(smallTree(), price);
    Credentials buyer = shared.buyer(maxPrice);
    TestToken token = shared.token(buyer);
    assertThat(token.allowance(buyer.getAddress(), shared.marketAddress()).send()).isZero();
    assertThat(token.DOMAIN_SEPARATOR().send())
        .isEqualTo(Permits.testTokenDomain(chain.chainId(), shared.tokenAddress()).separator());

    Permits.Permit permit = Permits.sign(Permits.testTokenDomain(chain.chainId(), shared.tokenAddress()), buyer,
        shared.marketAddress(), maxPrice, token.nonces(buyer.getAddress()).send(),
        BigInteger.valueOf(chain.latestTimestamp() + 3600));
    BigInteger nonceBefore = chain.web3j().ethGetTransactionCount(buyer.getAddress(),
        org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getTransactionCount();
    TransactionReceipt receipt = shared.market(buyer)
        .purchaseWithPermit(id, maxPrice, permit.deadline(), permit.v(), permit.r(), permit.s()).send();

    BigInteger nonceAfter = chain.web3j().ethGetTransactionCount(buyer.getAddress(),
        org.web3j.protocol.core.DefaultBlockParameterName.LATEST).send().getTransactionCount();
    assertThat(nonceAfter.subtract(nonceBefore)).as("transactions the buyer sent").isEqualTo(ONE);
    assertThat(shared.market().hasLicence(id, buyer.getAddress()).send()).isTrue();
    assertThat(DataMarketplace.getDatasetPurchasedEvents(receipt).get(0).price).isEqualTo(price);
    assertThat(shared.balance(buyer.getAddress())).isEqualTo(TOKENS);
    // The permit was for maxPrice; only the price was pulled.
    assertThat(token.allowance(buyer.getAddress(), shared.marketAddress()).send()).isEqualTo(TOKENS);
    assertThat(token.nonces(buyer.getAddress()).send()).isEqualTo(ONE);
  }

  @Test
  void purchaseWithPermitSucceedsWhenThePermitWasFrontRun() throws Exception {
    BigInteger id = shared.list(smallTree(), TOKENS);
    Credentials buyer = shared.buyer(TOKENS);
    Permits.Permit permit = Permits.sign(Permits.testTokenDomain(chain.chainId(), shared.tokenAddress()), buyer,
        shared.marketAddress(), TOKENS, ZERO, BigInteger.valueOf(chain.latestTimestamp() + 3600));
    // Someone copies the permit from the mempool and submits it first: the nonce is spent.
    Credentials frontRunner = chain.newAccount(1);
    succeeded(shared.send(frontRunner, shared.tokenAddress(), MarketCalls.permit(permit)));
    assertThat(shared.token().nonces(buyer.getAddress()).send()).isEqualTo(ONE);

    TransactionReceipt receipt = shared.market(buyer)
        .purchaseWithPermit(id, TOKENS, permit.deadline(), permit.v(), permit.r(), permit.s()).send();

    assertThat(receipt.isStatusOK()).isTrue();
    assertThat(shared.market().hasLicence(id, buyer.getAddress()).send()).isTrue();
    assertThat(shared.balance(buyer.getAddress())).isZero();
  }

  @Test
  void purchaseWithABadPermitAndNoAllowanceFailsInTheToken() throws Exception {
    BigInteger id = shared.list(smallTree(), TOKENS);
    Credentials buyer = shared.buyer(TOKENS);
    var domain = Permits.testTokenDomain(chain.chainId(), shared.tokenAddress());
    Permits.Permit expired = Permits.sign(domain, buyer, shared.marketAddress(), TOKENS, ZERO,
        BigInteger.valueOf(chain.latestTimestamp() - 1));
    Permits.Permit wrongSigner = Permits.sign(domain, someone, shared.marketAddress(), TOKENS, ZERO,
        BigInteger.valueOf(chain.latestTimestamp() + 3600));
    Permits.Permit forgedOwner = new Permits.Permit(buyer.getAddress(), wrongSigner.spender(), wrongSigner.value(),
        wrongSigner.nonce(), wrongSigner.deadline(), wrongSigner.v(), wrongSigner.r(), wrongSigner.s());

    // What the marketplace swallows...
    chain.expectRevert(someone.getAddress(), shared.tokenAddress(), MarketCalls.permit(expired),
        "ERC2612ExpiredSignature");
    chain.expectRevert(someone.getAddress(), shared.tokenAddress(), MarketCalls.permit(forgedOwner),
        "ERC2612InvalidSigner");
    // ...leaves no allowance, so the transfer is what fails.
    chain.expectRevert(buyer.getAddress(), shared.marketAddress(), MarketCalls.purchaseWithPermit(id, expired),
        "ERC20InsufficientAllowance");
    chain.expectRevert(buyer.getAddress(), shared.marketAddress(), MarketCalls.purchaseWithPermit(id, wrongSigner),
        "ERC20InsufficientAllowance");
  }

  // ------------------------------------------------------------------ claim and claimMany

  @Test
  void claimPaysTheAccountEvenWhenSubmittedBySomeoneElse() throws Exception {
    Credentials alice = chain.newAccount(0);
    Credentials bob = chain.newAccount(0);
    SharesTree tree = SharesTree.of(List.of(alice.getAddress(), bob.getAddress()), 1, 3);
    BigInteger price = TOKENS.multiply(BigInteger.valueOf(8));
    BigInteger id = shared.list(tree, price);
    shared.newBuyerBuys(id);
    BigInteger revenue = net(price, 500);
    BigInteger aliceShare = revenue.divide(BigInteger.valueOf(4));
    assertThat(shared.market().owed(id, ZERO, ONE).send()).isEqualTo(aliceShare);

    Credentials relayer = chain.newAccount(1);
    BigInteger relayerBefore = shared.balance(relayer.getAddress());
    TransactionReceipt receipt = shared.market(relayer).claim(id, ZERO, alice.getAddress(), ONE, tree.proof(0)).send();

    assertThat(shared.balance(alice.getAddress())).isEqualTo(aliceShare);
    assertThat(shared.balance(relayer.getAddress())).isEqualTo(relayerBefore);
    assertThat(DataMarketplace.getClaimedEvents(receipt)).singleElement().satisfies(e -> {
      assertThat(e.datasetId).isEqualTo(id);
      assertThat(e.index).isZero();
      assertThat(e.account).isEqualToIgnoringCase(alice.getAddress());
      assertThat(e.amount).isEqualTo(aliceShare);
    });
    assertThat(shared.market().claimedOf(id, ZERO).send()).isEqualTo(aliceShare);
    assertThat(shared.market().claimedOf(id, ONE).send()).isZero();
    assertThat(shared.market().owed(id, ZERO, ONE).send()).isZero();
    assertThat(shared.market().owed(id, ONE, BigInteger.valueOf(3)).send()).isEqualTo(revenue.subtract(aliceShare));
    assertThat(shared.dataset(id).paidOut).isEqualTo(aliceShare);
  }

  @Test
  void claimWithAProofOfAnotherLeafIsRejected() {
    Fixture f = soldTwoLeafDataset();
    var error = chain.expectRevert(someone.getAddress(), shared.marketAddress(),
        MarketCalls.claim(f.id, ZERO, f.tree.leaf(0).account(), f.tree.leaf(0).shares(), f.tree.proof(1)),
        "DataMarketplaceInvalidProof");
    assertThat(error.args()).containsExactly(f.id, ZERO);
  }

  @Test
  void claimWithWrongSharesIsRejected() {
    Fixture f = soldTwoLeafDataset();
    var error = chain.expectRevert(someone.getAddress(), shared.marketAddress(),
        MarketCalls.claim(f.id, ZERO, f.tree.leaf(0).account(), f.tree.leaf(0).shares().add(ONE), f.tree.proof(0)),
        "DataMarketplaceInvalidProof");
    assertThat(error.args()).containsExactly(f.id, ZERO);
  }

  @Test
  void claimForAnotherAccountIsRejected() {
    Fixture f = soldTwoLeafDataset();
    // The thief keeps leaf 0's index, shares and proof but names itself as the account.
    var error = chain.expectRevert(someone.getAddress(), shared.marketAddress(),
        MarketCalls.claim(f.id, ZERO, someone.getAddress(), f.tree.leaf(0).shares(), f.tree.proof(0)),
        "DataMarketplaceInvalidProof");
    assertThat(error.args()).containsExactly(f.id, ZERO);
  }

  @Test
  void claimAtAnotherIndexIsRejected() {
    Fixture f = soldTwoLeafDataset();
    var error = chain.expectRevert(someone.getAddress(), shared.marketAddress(),
        MarketCalls.claim(f.id, ONE, f.tree.leaf(0).account(), f.tree.leaf(0).shares(), f.tree.proof(0)),
        "DataMarketplaceInvalidProof");
    assertThat(error.args()).containsExactly(f.id, ONE);
  }

  @Test
  void claimWithNothingOwedIsRejected() throws Exception {
    SharesTree tree = smallTree();
    BigInteger id = shared.list(tree, TOKENS);
    // Before any sale...
    var error = chain.expectRevert(someone.getAddress(), shared.marketAddress(), MarketCalls.claim(id, tree, 0),
        "DataMarketplaceNothingToClaim");
    assertThat(error.args()).containsExactly(id, ZERO);
    // ...and after the leaf took everything it is owed.
    shared.newBuyerBuys(id);
    succeeded(shared.send(someone, shared.marketAddress(), MarketCalls.claim(id, tree, 0)));
    chain.expectRevert(someone.getAddress(), shared.marketAddress(), MarketCalls.claim(id, tree, 0),
        "DataMarketplaceNothingToClaim");
  }

  @Test
  void claimOfALeafWithMoreSharesThanTheTotalIsRejected() {
    Credentials greedy = chain.newAccount(0);
    SharesTree tree = SharesTree.of(List.of(greedy.getAddress(), someone.getAddress()), 200, 1);
    BigInteger id = shared.list(shared.listing(tree, BigInteger.valueOf(100), shared.tokenAddress(), TOKENS, ZERO));
    shared.newBuyerBuys(id);
    var error = chain.expectRevert(someone.getAddress(), shared.marketAddress(), MarketCalls.claim(id, tree, 0),
        "DataMarketplaceSharesExceedTotal");
    assertThat(error.args()).containsExactly(id, ZERO, BigInteger.valueOf(200), BigInteger.valueOf(100));
  }

  @Test
  void treeSummingToTwiceTheTotalCannotPayOutMoreThanItsRevenue() throws Exception {
    MarketplaceFixture m = MarketplaceFixture.deploy(chain, 500);
    Credentials a = chain.newAccount(0);
    Credentials b = chain.newAccount(0);
    Credentials c = chain.newAccount(0);
    Credentials d = chain.newAccount(0);
    // Malformed: both leaves claim the whole dataset (200 shares against a declared total of 100).
    SharesTree malicious = SharesTree.of(List.of(a.getAddress(), b.getAddress()), 100, 100);
    BigInteger bad = m.list(m.listing(malicious, BigInteger.valueOf(100), m.tokenAddress(), BigInteger.valueOf(1000), ZERO));
    SharesTree honest = SharesTree.of(List.of(c.getAddress(), d.getAddress()), 1, 3);
    BigInteger good = m.list(honest, BigInteger.valueOf(2000));
    m.newBuyerBuys(bad);
    m.newBuyerBuys(good);
    assertThat(m.balance(m.marketAddress())).isEqualTo(3000);

    succeeded(m.send(someone, m.marketAddress(), MarketCalls.claim(bad, malicious, 0)));
    assertThat(m.balance(a.getAddress())).isEqualTo(950);
    var error = chain.expectRevert(someone.getAddress(), m.marketAddress(), MarketCalls.claim(bad, malicious, 1),
        "DataMarketplacePayoutExceedsRevenue");
    assertThat(error.args()).containsExactly(bad, BigInteger.valueOf(1900), BigInteger.valueOf(950));
    // claimMany does not get around the cap either.
    chain.expectRevert(someone.getAddress(), m.marketAddress(),
        MarketCalls.claimMany(List.of(malicious.claimParams(bad, 1))), "DataMarketplacePayoutExceedsRevenue");

    // The honest dataset's contributors and the treasury still get every unit they are owed.
    m.market(someone).claimMany(List.of(honest.claimParams(good, 0), honest.claimParams(good, 1))).send();
    assertThat(m.balance(c.getAddress())).isEqualTo(475);
    assertThat(m.balance(d.getAddress())).isEqualTo(1425);
    m.market(m.treasury()).withdrawFees(List.of(bad, good), m.treasury().getAddress()).send();
    assertThat(m.balance(m.treasury().getAddress())).isEqualTo(150);
    assertThat(m.balance(m.marketAddress())).isZero();
    assertThat(m.dataset(bad).paidOut).isEqualTo(m.dataset(bad).revenue);
  }

  @Test
  void roundingLeavesDustThatTheNextSaleRedistributes() throws Exception {
    MarketplaceFixture m = MarketplaceFixture.deploy(chain, 0);
    List<Credentials> three = List.of(chain.newAccount(0), chain.newAccount(0), chain.newAccount(0));
    SharesTree tree = SharesTree.of(three.stream().map(Credentials::getAddress).toList(), 1, 1, 1);
    BigInteger id = m.list(tree, BigInteger.valueOf(100));
    m.newBuyerBuys(id);
    m.market(someone).claimMany(List.of(tree.claimParams(id, 0), tree.claimParams(id, 1), tree.claimParams(id, 2)))
        .send();
    // floor(100 * 1 / 3) = 33 each; the 1 unit of dust stays in the contract, owed to no one yet.
    assertThat(three).allSatisfy(c -> assertThat(m.balance(c.getAddress())).isEqualTo(33));
    assertThat(m.balance(m.marketAddress())).isEqualTo(1);
    assertThat(m.dataset(id).revenue.subtract(m.dataset(id).paidOut)).isEqualTo(1);

    // Entitlement is cumulative: after a sale of 101 each is owed floor(201 / 3) = 67 in total,
    // 34 more, so the earlier dust is paid out instead of compounding.
    m.market().reprice(id, BigInteger.valueOf(101)).send();
    m.newBuyerBuys(id);
    TransactionReceipt receipt = m.market(someone)
        .claimMany(List.of(tree.claimParams(id, 0), tree.claimParams(id, 1), tree.claimParams(id, 2))).send();
    assertThat(DataMarketplace.getClaimedEvents(receipt)).extracting(e -> e.amount).containsOnly(BigInteger.valueOf(34));
    assertThat(three).allSatisfy(c -> assertThat(m.balance(c.getAddress())).isEqualTo(67));
    assertThat(m.balance(m.marketAddress())).isZero();
  }

  @Test
  void claimManyPaysOneAccountAcrossDatasetsWithOneTransfer() throws Exception {
    Credentials carol = chain.newAccount(0);
    Credentials other = chain.newAccount(0);
    List<ClaimParams> claims = new ArrayList<>();
    BigInteger expected = ZERO;
    for (int i = 1; i <= 3; i++) {
      SharesTree tree = SharesTree.of(List.of(other.getAddress(), carol.getAddress()), 4, i);
      BigInteger price = TOKENS.multiply(BigInteger.valueOf(i));
      BigInteger id = shared.list(tree, price);
      shared.newBuyerBuys(id);
      claims.add(tree.claimParams(id, 1));
      expected = expected.add(net(price, 500).multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(4 + i)));
    }
    Credentials relayer = chain.newAccount(1);
    TransactionReceipt receipt = shared.market(relayer).claimMany(claims).send();

    BigInteger total = expected;
    assertThat(shared.balance(carol.getAddress())).isEqualTo(total);
    assertThat(DataMarketplace.getClaimedEvents(receipt)).hasSize(3);
    var transfers = TestToken.getTransferEvents(receipt);
    assertThat(transfers).singleElement().satisfies(t -> {
      assertThat(t.from).isEqualToIgnoringCase(shared.marketAddress());
      assertThat(t.to).isEqualToIgnoringCase(carol.getAddress());
      assertThat(t.value).isEqualTo(total);
    });
  }

  @Test
  void claimManyPaysEachRunOfAccountsAndSkipsItemsOwedNothing() throws Exception {
    Credentials x = chain.newAccount(0);
    Credentials y = chain.newAccount(0);
    SharesTree tree = SharesTree.of(List.of(x.getAddress(), y.getAddress()), 1, 1);
    BigInteger id = shared.list(tree, BigInteger.valueOf(2000));
    shared.newBuyerBuys(id);
    // x, then y, then x again (already paid within this call): two transfers, the repeat skipped.
    TransactionReceipt receipt = shared.market(someone).claimMany(List.of(
        tree.claimParams(id, 0), tree.claimParams(id, 1), tree.claimParams(id, 0))).send();
    assertThat(TestToken.getTransferEvents(receipt)).extracting(t -> t.value)
        .containsExactly(BigInteger.valueOf(950), BigInteger.valueOf(950));
    assertThat(DataMarketplace.getClaimedEvents(receipt)).hasSize(2);
    // Nothing owed at all: the call succeeds and pays nothing.
    TransactionReceipt empty = shared.market(someone).claimMany(List.of(tree.claimParams(id, 0))).send();
    assertThat(TestToken.getTransferEvents(empty)).isEmpty();
    assertThat(shared.balance(x.getAddress())).isEqualTo(950);
  }

  @Test
  void claimManyRevertsWhollyOnOneInvalidProof() {
    Fixture f = soldTwoLeafDataset();
    ClaimParams good = f.tree.claimParams(f.id, 0);
    ClaimParams bad = new ClaimParams(f.id, ONE, f.tree.leaf(1).account(), f.tree.leaf(1).shares(), f.tree.proof(0));
    var error = chain.expectRevert(someone.getAddress(), shared.marketAddress(), MarketCalls.claimMany(List.of(good, bad)),
        "DataMarketplaceInvalidProof");
    assertThat(error.args()).containsExactly(f.id, ONE);
  }

  // ------------------------------------------------------------------ withdrawFees

  @Test
  void withdrawFeesPaysExactlyTheAccruedFeesOnce() throws Exception {
    MarketplaceFixture m = MarketplaceFixture.deploy(chain, 1000);
    BigInteger first = m.list(smallTree(), BigInteger.valueOf(1234));
    BigInteger second = m.list(smallTree(), BigInteger.valueOf(5678));
    BigInteger unsold = m.list(smallTree(), BigInteger.valueOf(5678));
    m.newBuyerBuys(first);
    m.newBuyerBuys(second);
    Credentials vault = chain.newAccount(0);

    TransactionReceipt receipt = m.market(m.treasury())
        .withdrawFees(List.of(first, second, unsold), vault.getAddress()).send();

    assertThat(m.balance(vault.getAddress())).isEqualTo(123 + 567);
    assertThat(DataMarketplace.getFeesWithdrawnEvents(receipt)).extracting(e -> e.datasetId, e -> e.amount)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(first, BigInteger.valueOf(123)),
            org.assertj.core.groups.Tuple.tuple(second, BigInteger.valueOf(567)));
    assertThat(DataMarketplace.getFeesWithdrawnEvents(receipt))
        .allSatisfy(e -> assertThat(e.to).isEqualToIgnoringCase(vault.getAddress()));
    assertThat(TestToken.getTransferEvents(receipt)).as("one transfer per token").hasSize(1);
    assertThat(m.market().feesAccruedOf(first).send()).isZero();
    assertThat(m.market().revenueOf(first).send()).isEqualTo(1234 - 123);
    assertThat(m.balance(m.marketAddress())).isEqualTo((1234 - 123) + (5678 - 567));

    TransactionReceipt again = m.market(m.treasury()).withdrawFees(List.of(first, second), vault.getAddress()).send();
    assertThat(TestToken.getTransferEvents(again)).isEmpty();
    assertThat(m.balance(vault.getAddress())).isEqualTo(123 + 567);
  }

  @Test
  void withdrawFeesToTheZeroAddressIsRejected() {
    BigInteger id = shared.list(smallTree(), TOKENS);
    shared.newBuyerBuys(id);
    chain.expectRevert(shared.treasury().getAddress(), shared.marketAddress(),
        MarketCalls.withdrawFees(List.of(id), Address.DEFAULT.getValue()), "DataMarketplaceZeroAddress");
  }

  // ------------------------------------------------------------------ pause

  @Test
  void pauseStopsListingAndPurchasesButNothingElse() throws Exception {
    MarketplaceFixture m = MarketplaceFixture.deploy(chain, 500);
    Credentials contributor = chain.newAccount(0);
    SharesTree tree = SharesTree.of(List.of(contributor.getAddress()), 1);
    BigInteger id = m.list(tree, BigInteger.valueOf(1000));
    BigInteger other = m.list(tree, BigInteger.valueOf(1000));
    m.newBuyerBuys(id);
    Credentials buyer = m.buyer(BigInteger.valueOf(1000));
    m.token(buyer).approve(m.marketAddress(), BigInteger.valueOf(1000)).send();
    Permits.Permit permit = Permits.sign(Permits.testTokenDomain(chain.chainId(), m.tokenAddress()), buyer,
        m.marketAddress(), BigInteger.valueOf(1000), ZERO, BigInteger.valueOf(chain.latestTimestamp() + 3600));

    TransactionReceipt paused = m.market().pause().send();
    assertThat(DataMarketplace.getPausedEvents(paused)).singleElement()
        .satisfies(e -> assertThat(e.account).isEqualToIgnoringCase(m.admin().getAddress()));
    assertThat(m.market().paused().send()).isTrue();

    String market = m.marketAddress();
    chain.expectRevert(m.admin().getAddress(), market, MarketCalls.list(m.listing(tree, TOKENS)), "DataMarketplacePaused");
    chain.expectRevert(buyer.getAddress(), market, MarketCalls.purchase(id, BigInteger.valueOf(1000)),
        "DataMarketplacePaused");
    chain.expectRevert(buyer.getAddress(), market, MarketCalls.purchaseWithPermit(id, permit), "DataMarketplacePaused");
    chain.expectRevert(m.admin().getAddress(), market, MarketCalls.pause(), "DataMarketplacePaused");

    // Money owed always goes out: claims and fee withdrawals work while paused, and so does curation.
    succeeded(m.send(someone, market, MarketCalls.claim(id, tree, 0)));
    assertThat(m.balance(contributor.getAddress())).isEqualTo(950);
    m.market(m.treasury()).withdrawFees(List.of(id), m.treasury().getAddress()).send();
    assertThat(m.balance(m.treasury().getAddress())).isEqualTo(50);
    m.market().reprice(other, BigInteger.valueOf(999)).send();
    m.market().delist(other).send();

    TransactionReceipt unpaused = m.market().unpause().send();
    assertThat(DataMarketplace.getUnpausedEvents(unpaused)).singleElement()
        .satisfies(e -> assertThat(e.account).isEqualToIgnoringCase(m.admin().getAddress()));
    assertThat(m.market().paused().send()).isFalse();
    m.market(buyer).purchase(id, BigInteger.valueOf(1000)).send();
    assertThat(m.market().hasLicence(id, buyer.getAddress()).send()).isTrue();
  }

  @Test
  void unpauseWhenNotPausedIsRejected() {
    chain.expectRevert(adminAddress(), shared.marketAddress(), MarketCalls.unpause(), "DataMarketplaceNotPaused");
  }

  // ------------------------------------------------------------------ access control

  @Test
  void setFeeBpsIsAdminOnly() {
    expectUnauthorized(someone, MarketCalls.setFeeBps(100), DEFAULT_ADMIN_ROLE);
    expectUnauthorized(shared.treasury(), MarketCalls.setFeeBps(100), DEFAULT_ADMIN_ROLE);
  }

  @Test
  void listRepriceAndDelistAreCuratorOnly() {
    BigInteger id = shared.list(smallTree(), TOKENS);
    for (Credentials outsider : List.of(someone, shared.treasury())) {
      expectUnauthorized(outsider, MarketCalls.list(shared.listing(smallTree(), TOKENS)), CURATOR_ROLE);
      expectUnauthorized(outsider, MarketCalls.reprice(id, TOKENS.add(ONE)), CURATOR_ROLE);
      expectUnauthorized(outsider, MarketCalls.delist(id), CURATOR_ROLE);
    }
  }

  @Test
  void withdrawFeesIsTreasuryOnly() {
    BigInteger id = shared.list(smallTree(), TOKENS);
    shared.newBuyerBuys(id);
    expectUnauthorized(someone, MarketCalls.withdrawFees(List.of(id), someone.getAddress()), TREASURY_ROLE);
    // Not even the admin: fees go out only through the treasury's key.
    expectUnauthorized(shared.admin(), MarketCalls.withdrawFees(List.of(id), adminAddress()), TREASURY_ROLE);
  }

  @Test
  void pauseAndUnpauseArePauserOnly() {
    expectUnauthorized(someone, MarketCalls.pause(), PAUSER_ROLE);
    expectUnauthorized(someone, MarketCalls.unpause(), PAUSER_ROLE);
    expectUnauthorized(shared.treasury(), MarketCalls.pause(), PAUSER_ROLE);
  }

  @Test
  void rolesAreGrantedAndRevokedOnlyByTheAdmin() throws Exception {
    expectUnauthorized(someone, MarketCalls.grantRole(CURATOR_ROLE, someone.getAddress()), DEFAULT_ADMIN_ROLE);
    expectUnauthorized(shared.treasury(), MarketCalls.grantRole(TREASURY_ROLE, someone.getAddress()),
        DEFAULT_ADMIN_ROLE);
    expectUnauthorized(someone, MarketCalls.revokeRole(TREASURY_ROLE, shared.treasury().getAddress()),
        DEFAULT_ADMIN_ROLE);
    // The admin can, and the new curator may then list.
    MarketplaceFixture m = MarketplaceFixture.deploy(chain, 0);
    Credentials curator = chain.newAccount(1);
    m.market().grantRole(CURATOR_ROLE, curator.getAddress()).send();
    succeeded(m.send(curator, m.marketAddress(), MarketCalls.list(m.listing(smallTree(), TOKENS))));
    m.market().revokeRole(CURATOR_ROLE, curator.getAddress()).send();
    chain.expectRevert(curator.getAddress(), m.marketAddress(), MarketCalls.list(m.listing(smallTree(), TOKENS)),
        "AccessControlUnauthorizedAccount");
  }

  @Test
  void renouncingARoleForAnotherAccountIsRejected() {
    chain.expectRevert(someone.getAddress(), shared.marketAddress(),
        MarketCalls.renounceRole(TREASURY_ROLE, shared.treasury().getAddress()), "AccessControlBadConfirmation");
  }

  // ------------------------------------------------------------------ helpers

  /** A sold dataset of the shared marketplace with two contributors (1 and 3 shares). */
  private record Fixture(BigInteger id, SharesTree tree) {}

  private static Fixture soldTwoLeafDataset() {
    SharesTree tree = SharesTree.of(List.of(chain.newAccount(0).getAddress(), chain.newAccount(0).getAddress()), 1, 3);
    BigInteger id = shared.list(tree, TOKENS);
    shared.newBuyerBuys(id);
    return new Fixture(id, tree);
  }

  private static SharesTree smallTree() {
    return SharesTree.of(List.of(someone.getAddress()), 10);
  }

  private static String adminAddress() {
    return shared.admin().getAddress();
  }

  private static void expectUnauthorized(Credentials caller, org.web3j.abi.datatypes.Function function, byte[] role) {
    var error = chain.expectRevert(caller.getAddress(), shared.marketAddress(), function,
        "AccessControlUnauthorizedAccount");
    assertThat((String) error.args().get(0)).isEqualToIgnoringCase(caller.getAddress());
    assertThat(error.args().get(1)).isEqualTo(Numeric.toHexString(role));
  }

  /** Creation calldata of a DataMarketplace, for simulating a constructor that must revert. */
  private static String deployData(String admin, String treasury, long feeBps) {
    return "0x" + DataMarketplace.BINARY + FunctionEncoder.encodeConstructor(List.of(
        new Address(admin), new Address(treasury), new Uint16(feeBps)));
  }

  private static BigInteger net(BigInteger gross, int feeBps) {
    return gross.subtract(gross.multiply(BigInteger.valueOf(feeBps)).divide(BigInteger.valueOf(10_000)));
  }

  private static BigInteger blockTime(TransactionReceipt receipt) {
    return call(() -> chain.web3j().ethGetBlockByHash(receipt.getBlockHash(), false).send().getBlock().getTimestamp());
  }
}
