package io.labelledger.consent;

import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.ConsentFixture;
import io.labelledger.testsupport.TestChain;
import java.math.BigInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple2;

/**
 * ConsentRegistry history: "was the consent valid at t" for any past t, at the exact edges of
 * every interval, after grant → expiry → re-grant → revoke → re-grant → renewal while active.
 */
@ExtendWith(ChainExtension.class)
class ConsentRegistryHistoryIT {
  private static TestChain chain;
  private static ConsentFixture consent;
  private static Credentials contributor;
  private static byte[] terms;
  // interval 1 ends by expiry, 2 by revocation, 3 by renewal; 4 is the current one
  private static long granted1;
  private static long expires1;
  private static long granted2;
  private static long revoked2;
  private static long granted3;
  private static long granted4;
  private static long expires4;

  @BeforeAll
  static void liveThroughEveryKindOfIntervalEnd(TestChain testChain) throws Exception {
    chain = testChain;
    consent = ConsentFixture.deploy(chain);
    contributor = chain.newAccount(1);
    terms = consent.newTerms();
    ConsentRegistry registry = consent.as(contributor);

    expires1 = chain.latestTimestamp() + 200;
    granted1 = grantedAt(registry.grant(terms, BigInteger.valueOf(expires1)).send());
    chain.increaseTime(300); // lapses

    granted2 = grantedAt(registry.grant(terms, BigInteger.valueOf(chain.latestTimestamp() + 10 * 86_400)).send());
    chain.increaseTime(100);
    revoked2 = ConsentRegistry.getConsentRevokedEvents(registry.revoke(terms).send()).get(0).revokedAt
        .longValueExact();
    chain.increaseTime(50);

    granted3 = grantedAt(registry.grant(terms, BigInteger.valueOf(chain.latestTimestamp() + 10 * 86_400)).send());
    chain.increaseTime(100);
    expires4 = chain.latestTimestamp() + 5_000;
    granted4 = grantedAt(registry.grant(terms, BigInteger.valueOf(expires4)).send()); // renewal while active
  }

  private static long grantedAt(TransactionReceipt receipt) {
    return ConsentRegistry.getConsentGrantedEvents(receipt).get(0).grantedAt.longValueExact();
  }

  @Test
  void intervalThatLapsedIsValidFromItsGrantUpToButExcludingItsExpiry() throws Exception {
    assertThat(wasValidAt(0)).isFalse();
    assertThat(wasValidAt(granted1 - 1)).isFalse();
    assertThat(wasValidAt(granted1)).isTrue();
    assertThat(wasValidAt(expires1 - 1)).isTrue();
    assertThat(wasValidAt(expires1)).isFalse();
  }

  @Test
  void revokedIntervalIsValidFromItsGrantUpToButExcludingItsRevocation() throws Exception {
    assertThat(granted2).isGreaterThan(expires1);
    assertThat(wasValidAt(granted2 - 1)).isFalse();
    assertThat(wasValidAt(granted2)).isTrue();
    assertThat(wasValidAt(revoked2 - 1)).isTrue();
    assertThat(wasValidAt(revoked2)).isFalse();
  }

  @Test
  void renewalWhileActiveLeavesNoGapBetweenTheTwoIntervals() throws Exception {
    assertThat(granted3).isGreaterThan(revoked2);
    assertThat(wasValidAt(granted3 - 1)).isFalse();
    assertThat(wasValidAt(granted3)).isTrue();
    assertThat(wasValidAt(granted4 - 1)).isTrue();
    assertThat(wasValidAt(granted4)).isTrue();
  }

  @Test
  void currentIntervalIsValidUpToButExcludingItsExpiry() throws Exception {
    assertThat(wasValidAt(expires4 - 1)).isTrue();
    assertThat(wasValidAt(expires4)).isFalse();
    assertThat(consent.registry().isValid(contributor.getAddress(), terms).send()).isTrue();
    var record = consent.consentOf(contributor, terms);
    assertThat(record.grantedAt).isEqualTo(granted4);
    assertThat(record.expiresAt).isEqualTo(expires4);
    assertThat(record.revokedAt).isZero();
    assertThat(record.nonce).isEqualTo(5); // grant, grant, revoke, grant, grant
    assertThat(record.historyLength).isEqualTo(3);
  }

  @Test
  void historyListsTheClosedIntervalsOldestFirstWithTheirActualEnds() throws Exception {
    assertThat(historyAt(0)).isEqualTo(new Tuple2<>(BigInteger.valueOf(granted1), BigInteger.valueOf(expires1)));
    assertThat(historyAt(1)).isEqualTo(new Tuple2<>(BigInteger.valueOf(granted2), BigInteger.valueOf(revoked2)));
    assertThat(historyAt(2)).isEqualTo(new Tuple2<>(BigInteger.valueOf(granted3), BigInteger.valueOf(granted4)));
  }

  @Test
  void historyIndexPastTheEndIsRefused() {
    var error = chain.expectRevert(contributor.getAddress(), consent.address(),
        ConsentFixture.historyAtCall(contributor.getAddress(), terms, 3), "ConsentRegistryHistoryIndexOutOfRange");
    assertThat(error.args()).containsExactly(BigInteger.valueOf(3), BigInteger.valueOf(3));
  }

  @Test
  void pairThatNeverConsentedHasNoHistoryAndWasNeverValid() throws Exception {
    Credentials stranger = chain.newAccount(0);
    var error = chain.expectRevert(stranger.getAddress(), consent.address(),
        ConsentFixture.historyAtCall(stranger.getAddress(), terms, 0), "ConsentRegistryHistoryIndexOutOfRange");
    assertThat(error.args()).containsExactly(BigInteger.ZERO, BigInteger.ZERO);
    assertThat(consent.registry().wasValidAt(stranger.getAddress(), terms, BigInteger.valueOf(granted4)).send())
        .isFalse();
  }

  @Test
  void consentIsNoLongerValidOnceItHasExpired() throws Exception {
    Credentials someone = chain.newAccount(1);
    byte[] otherTerms = consent.newTerms();
    long expiresAt = chain.latestTimestamp() + 100;
    consent.as(someone).grant(otherTerms, BigInteger.valueOf(expiresAt)).send();
    assertThat(consent.registry().isValid(someone.getAddress(), otherTerms).send()).isTrue();

    chain.increaseTime(101);

    assertThat(chain.latestTimestamp()).isGreaterThanOrEqualTo(expiresAt);
    assertThat(consent.registry().isValid(someone.getAddress(), otherTerms).send()).isFalse();
    assertThat(consent.registry().wasValidAt(someone.getAddress(), otherTerms, BigInteger.valueOf(expiresAt - 1))
        .send()).isTrue();
    var record = consent.consentOf(someone, otherTerms);
    assertThat(record.expiresAt).isEqualTo(expiresAt);
    assertThat(record.revokedAt).isZero();
  }

  private static boolean wasValidAt(long t) throws Exception {
    return consent.registry().wasValidAt(contributor.getAddress(), terms, BigInteger.valueOf(t)).send();
  }

  private static Tuple2<BigInteger, BigInteger> historyAt(long index) throws Exception {
    return consent.registry().historyAt(contributor.getAddress(), terms, BigInteger.valueOf(index)).send();
  }
}
