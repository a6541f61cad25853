package io.labelledger.market;

import static java.math.BigInteger.ZERO;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.RevertDecoder;
import io.labelledger.chain.RevertDecoder.ContractError;
import io.labelledger.chain.contracts.HostileToken;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.MarketCalls;
import io.labelledger.testsupport.MarketplaceFixture;
import io.labelledger.testsupport.SharesTree;
import io.labelledger.testsupport.TestChain;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * Reentrancy from a payment token's callback (HostileToken replays configured calldata at the
 * marketplace in the middle of every transfer and records how the reentrant call failed; the
 * outer call then completes). purchase and withdrawFees share one lock, pause/unpause refuse to
 * run under it, and claims take no lock but book before they transfer.
 */
@ExtendWith(ChainExtension.class)
class DataMarketplaceReentrancyIT {
  private static final String REENTRANT_CALL = RevertDecoder.selector("DataMarketplaceReentrantCall()");
  private static final BigInteger PRICE = BigInteger.valueOf(1000);
  private static final byte[] TREASURY_ROLE = Hash.sha3("TREASURY_ROLE".getBytes());
  private static final byte[] PAUSER_ROLE = Hash.sha3("PAUSER_ROLE".getBytes());

  private TestChain chain;
  private MarketplaceFixture m;
  private HostileToken hostile;
  private Credentials someone;
  private BigInteger first;
  private BigInteger second;
  private SharesTree tree;

  @BeforeEach
  void deploy(TestChain testChain) throws Exception {
    chain = testChain;
    m = MarketplaceFixture.deploy(chain, 1000);
    hostile = HostileToken.deploy(chain.web3j(), m.txManager(m.admin()), chain.gas()).send();
    someone = chain.newAccount(1);
    tree = SharesTree.of(List.of(chain.newAccount(0).getAddress(), chain.newAccount(0).getAddress()), 1, 3);
    first = m.list(m.listing(tree, tree.totalShares(), hostile.getContractAddress(), PRICE, ZERO));
    second = m.list(m.listing(tree, tree.totalShares(), hostile.getContractAddress(), PRICE, ZERO));
  }

  @Test
  void selectorMatchesHostileTokensDocumentation() {
    assertThat(REENTRANT_CALL).isEqualTo("0xc29f25f9");
  }

  @Test
  void purchaseReenteredFromTheTokenIsRefused() throws Exception {
    hostileCalls(MarketCalls.purchase(second, PRICE));
    Credentials buyer = buyer();

    m.market(buyer).purchase(first, PRICE).send();

    assertReentryRefusedWith("DataMarketplaceReentrantCall");
    assertThat(m.market().hasLicence(first, buyer.getAddress()).send()).isTrue();
    assertThat(m.market().hasLicence(second, hostile.getContractAddress()).send()).isFalse();
    assertThat(m.dataset(second).gross).isZero();
    assertThat(hostile.balanceOf(m.marketAddress()).send()).isEqualTo(PRICE);
  }

  @Test
  void withdrawFeesReenteredFromTheTokenIsRefused() throws Exception {
    m.market(buyer()).purchase(first, PRICE).send();
    // Only a TREASURY_ROLE holder gets past onlyRole to the lock, so the token is made one.
    m.market().grantRole(TREASURY_ROLE, hostile.getContractAddress()).send();
    Credentials thief = chain.newAccount(0);
    hostileCalls(MarketCalls.withdrawFees(List.of(first), thief.getAddress()));

    m.market(m.treasury()).withdrawFees(List.of(first), m.treasury().getAddress()).send();

    assertReentryRefusedWith("DataMarketplaceReentrantCall");
    assertThat(hostile.balanceOf(m.treasury().getAddress()).send()).isEqualTo(100);
    assertThat(hostile.balanceOf(thief.getAddress()).send()).isZero();
    assertThat(m.market().feesAccruedOf(first).send()).isZero();
  }

  @Test
  void purchaseReenteredDuringWithdrawFeesIsRefused() throws Exception {
    m.market(buyer()).purchase(first, PRICE).send();
    hostileCalls(MarketCalls.purchase(second, PRICE));

    m.market(m.treasury()).withdrawFees(List.of(first), m.treasury().getAddress()).send();

    // One lock guards both: a purchase cannot slip in while fees are being paid out.
    assertReentryRefusedWith("DataMarketplaceReentrantCall");
    assertThat(m.dataset(second).gross).isZero();
    assertThat(hostile.balanceOf(m.treasury().getAddress()).send()).isEqualTo(100);
  }

  @Test
  void pauseAndUnpauseReenteredDuringAPurchaseAreRefused() throws Exception {
    m.market().grantRole(PAUSER_ROLE, hostile.getContractAddress()).send();
    hostileCalls(MarketCalls.pause());
    m.market(buyer()).purchase(first, PRICE).send();
    assertReentryRefusedWith("DataMarketplaceReentrantCall");
    assertThat(m.market().paused().send()).isFalse();

    // unpause can only be reached under the lock while paused, i.e. from withdrawFees.
    m.market().pause().send();
    hostileCalls(MarketCalls.unpause());
    m.market(m.treasury()).withdrawFees(List.of(first), m.treasury().getAddress()).send();
    assertReentryRefusedWith("DataMarketplaceReentrantCall");
    assertThat(m.market().paused().send()).isTrue();
  }

  @Test
  void claimReenteredDuringItsTransferGainsNothing() throws Exception {
    m.market(buyer()).purchase(first, PRICE).send();
    SharesTree.Leaf leaf = tree.leaf(0);
    BigInteger entitled = BigInteger.valueOf(900 / 4); // revenue 900, 1 of 4 shares
    // During the payout transfer the same leaf is claimed again.
    hostileCalls(MarketCalls.claim(first, tree, 0));

    m.market(someone).claim(first, ZERO, leaf.account(), leaf.shares(), tree.proof(0)).send();

    ContractError error = assertReentryRefusedWith("DataMarketplaceNothingToClaim");
    assertThat(error.args()).containsExactly(first, ZERO);
    assertThat(hostile.balanceOf(leaf.account()).send()).isEqualTo(entitled);
    assertThat(m.market().claimedOf(first, ZERO).send()).isEqualTo(entitled);
    assertThat(m.dataset(first).paidOut).isEqualTo(entitled);
    assertThat(hostile.reentryCount().send()).isEqualTo(BigInteger.ONE);
  }

  private Credentials buyer() throws Exception {
    Credentials buyer = chain.newAccount(1);
    hostile.mint(buyer.getAddress(), PRICE).send();
    HostileToken.load(hostile.getContractAddress(), chain.web3j(), m.txManager(buyer), chain.gas())
        .approve(m.marketAddress(), PRICE.multiply(BigInteger.TWO)).send();
    return buyer;
  }

  /** From now on every transfer of the hostile token calls the marketplace with {@code function}. */
  private void hostileCalls(Function function) throws Exception {
    hostile.configure(m.marketAddress(), Numeric.hexStringToByteArray(FunctionEncoder.encode(function))).send();
  }

  private ContractError assertReentryRefusedWith(String errorName) throws Exception {
    assertThat(hostile.lastReentrySucceeded().send()).as("reentrant call succeeded").isFalse();
    String revertData = Numeric.toHexString(hostile.lastReentryError().send());
    if (errorName.equals("DataMarketplaceReentrantCall")) {
      assertThat(revertData).startsWith(REENTRANT_CALL);
    }
    ContractError error = RevertDecoder.instance().decode(revertData)
        .orElseThrow(() -> new AssertionError("reentry failed without a known error: " + revertData));
    assertThat(error.name()).isEqualTo(errorName);
    return error;
  }
}
