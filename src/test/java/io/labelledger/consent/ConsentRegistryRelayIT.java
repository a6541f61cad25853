package io.labelledger.consent;

import static io.labelledger.testsupport.ConsentFixture.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.Eip712;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.ConsentFixture;
import io.labelledger.testsupport.ConsentFixture.SignedGrant;
import io.labelledger.testsupport.ConsentFixture.SignedRevocation;
import io.labelledger.testsupport.TestChain;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * ConsentRegistry: Consent and Revocation messages signed in Java by the contributor (as a wallet
 * signs them) and relayed one at a time by another account; every reason a relay is refused.
 */
@ExtendWith(ChainExtension.class)
class ConsentRegistryRelayIT {
  private static final long DAY = 86_400;
  private static TestChain chain;
  private static ConsentFixture consent;
  private static Credentials relayer;

  @BeforeAll
  static void deploy(TestChain testChain) {
    chain = testChain;
    consent = ConsentFixture.deploy(chain);
    relayer = chain.newAccount(10);
  }

  // ------------------------------------------------------------------ happy paths

  @Test
  void relayerSubmitsAConsentSignedByAContributorWithoutEther() throws Exception {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    long expiresAt = chain.latestTimestamp() + 90 * DAY;
    SignedGrant signed = consent.signGrant(contributor, terms, expiresAt, 0, chain.latestTimestamp() + 3600);

    var receipt = consent.as(relayer).grantWithSig(signed.grant(), signed.signature()).send();
    long grantedAt = consent.blockTime(receipt);

    assertThat(ConsentRegistry.getConsentGrantedEvents(receipt)).singleElement().satisfies(event -> {
      assertThat(event.contributor).isEqualTo(contributor.getAddress());
      assertThat(hex(event.termsHash)).isEqualTo(hex(terms));
      assertThat(event.grantedAt).isEqualTo(grantedAt);
      assertThat(event.expiresAt).isEqualTo(expiresAt);
      assertThat(event.nonce).isZero();
      assertThat(event.by).isEqualTo(relayer.getAddress());
    });
    var record = consent.consentOf(contributor, terms);
    assertThat(record.grantedAt).isEqualTo(grantedAt);
    assertThat(record.expiresAt).isEqualTo(expiresAt);
    assertThat(record.nonce).isOne();
    assertThat(consent.registry().isValid(contributor.getAddress(), terms).send()).isTrue();
    assertThat(chain.web3j().ethGetBalance(contributor.getAddress(), DefaultBlockParameterName.LATEST).send()
        .getBalance()).isZero();
  }

  @Test
  void relayerSubmitsARevocationSignedByTheContributor() throws Exception {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    grantBySignature(contributor, terms);
    SignedRevocation signed = consent.signRevocation(contributor, terms, 1, chain.latestTimestamp() + 3600);

    var receipt = consent.as(relayer).revokeWithSig(signed.revocation(), signed.signature()).send();
    long revokedAt = consent.blockTime(receipt);

    assertThat(ConsentRegistry.getConsentRevokedEvents(receipt)).singleElement().satisfies(event -> {
      assertThat(event.contributor).isEqualTo(contributor.getAddress());
      assertThat(hex(event.termsHash)).isEqualTo(hex(terms));
      assertThat(event.revokedAt).isEqualTo(revokedAt);
      assertThat(event.nonce).isOne();
      assertThat(event.by).isEqualTo(relayer.getAddress());
    });
    assertThat(consent.consentOf(contributor, terms).revokedAt).isEqualTo(revokedAt);
    assertThat(consent.nonceOf(contributor, terms)).isEqualTo(2);
    assertThat(consent.registry().isValid(contributor.getAddress(), terms).send()).isFalse();
  }

  // ------------------------------------------------------------------ refused consents

  @Test
  void refusesAConsentSignedByAnotherKey() {
    Credentials contributor = chain.newAccount(0);
    Credentials impostor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    SignedGrant forged = ConsentFixture.signGrant(consent.domain(), impostor, contributor.getAddress(), terms,
        chain.latestTimestamp() + DAY, 0, chain.latestTimestamp() + 3600);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(forged), "ConsentRegistryInvalidSignature");
    assertThat(error.args()).containsExactly(contributor.getAddress());
  }

  @Test
  void refusesTheMalleableHighSTwinOfAValidSignature() {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    SignedGrant signed = consent.signGrant(contributor, terms, chain.latestTimestamp() + DAY, 0,
        chain.latestTimestamp() + 3600);
    byte[] twin = signed.signature().clone();
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(twin, 32, 64));
    byte[] highS = org.web3j.utils.Numeric.toBytesPadded(org.web3j.crypto.Sign.CURVE_PARAMS.getN().subtract(s), 32);
    System.arraycopy(highS, 0, twin, 32, 32);
    twin[64] = (byte) (twin[64] == 27 ? 28 : 27); // same signer, other parity: what ecrecover alone would accept

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(new SignedGrant(signed.grant(), twin)), "ConsentRegistryInvalidSignature");
    assertThat(error.args()).containsExactly(contributor.getAddress());
  }

  @Test
  void refusesAConsentWhoseSignatureIsNot65Bytes() {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    SignedGrant signed = consent.signGrant(contributor, terms, chain.latestTimestamp() + DAY, 0,
        chain.latestTimestamp() + 3600);
    SignedGrant truncated = new SignedGrant(signed.grant(), Arrays.copyOf(signed.signature(), 64));

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(truncated), "ConsentRegistryInvalidSignature");
    assertThat(error.args()).containsExactly(contributor.getAddress());
    consent.simulate(relayer.getAddress(), ConsentFixture.grantWithSigCall(signed));
  }

  @Test
  void refusesAConsentSignedForAnotherChain() {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    var otherChain = new Eip712.Domain(ConsentMessages.DOMAIN_NAME, ConsentMessages.DOMAIN_VERSION,
        chain.chainId() + 1, consent.address());
    long expiresAt = chain.latestTimestamp() + DAY;
    long deadline = chain.latestTimestamp() + 3600;
    SignedGrant elsewhere = ConsentFixture.signGrant(otherChain, contributor, contributor.getAddress(), terms,
        expiresAt, 0, deadline);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(elsewhere), "ConsentRegistryInvalidSignature");
    assertThat(error.args()).containsExactly(contributor.getAddress());
    // the same message signed for this chain is accepted: only the chain id was wrong
    consent.simulate(relayer.getAddress(),
        ConsentFixture.grantWithSigCall(consent.signGrant(contributor, terms, expiresAt, 0, deadline)));
  }

  @Test
  void refusesAConsentSignedForAnotherRegistry() throws Exception {
    ConsentFixture otherRegistry = ConsentFixture.deploy(chain);
    String termsText = "shared terms " + UUID.randomUUID();
    byte[] terms = consent.registerTerms(termsText);
    otherRegistry.registerTerms(termsText);
    Credentials contributor = chain.newAccount(0);
    SignedGrant forOther = otherRegistry.signGrant(contributor, terms, chain.latestTimestamp() + DAY, 0,
        chain.latestTimestamp() + 3600);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(forOther), "ConsentRegistryInvalidSignature");
    assertThat(error.args()).containsExactly(contributor.getAddress());
    otherRegistry.as(relayer).grantWithSig(forOther.grant(), forOther.signature()).send();
    assertThat(otherRegistry.registry().isValid(contributor.getAddress(), terms).send()).isTrue();
    assertThat(consent.registry().isValid(contributor.getAddress(), terms).send()).isFalse();
  }

  @Test
  void refusesAConsentPastItsDeadline() {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    long deadline = chain.latestTimestamp() - 1;
    SignedGrant late = consent.signGrant(contributor, terms, chain.latestTimestamp() + DAY, 0, deadline);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(late), "ConsentRegistryDeadlineExpired");
    assertThat(error.args()).containsExactly(BigInteger.valueOf(deadline));
  }

  @Test
  void refusesAReplayedConsent() throws Exception {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    SignedGrant signed = consent.signGrant(contributor, terms, chain.latestTimestamp() + DAY, 0,
        chain.latestTimestamp() + 3600);
    consent.as(relayer).grantWithSig(signed.grant(), signed.signature()).send();

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(signed), "ConsentRegistryWrongNonce");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms), BigInteger.ONE, BigInteger.ZERO);
  }

  @Test
  void refusesAConsentWithANonceFromTheFuture() {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    SignedGrant ahead = consent.signGrant(contributor, terms, chain.latestTimestamp() + DAY, 5,
        chain.latestTimestamp() + 3600);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(ahead), "ConsentRegistryWrongNonce");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms), BigInteger.ZERO,
        BigInteger.valueOf(5));
  }

  @Test
  void refusesARelayedConsentToUnregisteredTerms() {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = Eip712.keccak("unregistered " + UUID.randomUUID());
    SignedGrant signed = consent.signGrant(contributor, terms, chain.latestTimestamp() + DAY, 0,
        chain.latestTimestamp() + 3600);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(signed), "ConsentRegistryTermsNotRegistered");
    assertThat(error.args()).containsExactly(hex(terms));
  }

  @Test
  void refusesARelayedConsentThatHasAlreadyExpired() {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    long expiresAt = chain.latestTimestamp() - 1;
    SignedGrant signed = consent.signGrant(contributor, terms, expiresAt, 0, chain.latestTimestamp() + 3600);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(signed), "ConsentRegistryInvalidExpiry");
    assertThat(error.args()).containsExactly(BigInteger.valueOf(expiresAt));
  }

  /**
   * Consent safety: once the contributor revokes on-chain by themselves, no Consent the service
   * still holds (signed earlier, never relayed) can bring the consent back, alone or in a batch.
   */
  @Test
  void directRevocationMakesConsentSignaturesTheServiceStillHoldsUnusable() throws Exception {
    Credentials contributor = chain.newAccount(1);
    byte[] terms = consent.newTerms();
    grantBySignature(contributor, terms);
    // a renewal the contributor signed for the next nonce; the service keeps it for later
    SignedGrant heldRenewal = consent.signGrant(contributor, terms, chain.latestTimestamp() + 365 * DAY, 1,
        chain.latestTimestamp() + 30 * DAY);
    consent.simulate(relayer.getAddress(), ConsentFixture.grantWithSigCall(heldRenewal));

    consent.as(contributor).revoke(terms).send();

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(heldRenewal), "ConsentRegistryWrongNonce");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms), BigInteger.TWO, BigInteger.ONE);
    var receipt = consent.as(relayer)
        .grantBatchWithSig(List.of(heldRenewal.grant()), List.of(heldRenewal.signature())).send();
    assertThat(ConsentRegistry.getConsentGrantedEvents(receipt)).isEmpty();
    assertThat(ConsentRegistry.getConsentRelaySkippedEvents(receipt)).singleElement()
        .satisfies(skipped -> assertThat(hex(skipped.reason))
            .isEqualTo(ConsentFixture.selector("ConsentRegistryWrongNonce(address,bytes32,uint256,uint256)")));
    assertThat(consent.registry().isValid(contributor.getAddress(), terms).send()).isFalse();
    assertThat(consent.nonceOf(contributor, terms)).isEqualTo(2);
  }

  // ------------------------------------------------------------------ refused revocations

  @Test
  void refusesARevocationSignedByAnotherKey() throws Exception {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    grantBySignature(contributor, terms);
    SignedRevocation forged = ConsentFixture.signRevocation(consent.domain(), chain.newAccount(0),
        contributor.getAddress(), terms, 1, chain.latestTimestamp() + 3600);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.revokeWithSigCall(forged), "ConsentRegistryInvalidSignature");
    assertThat(error.args()).containsExactly(contributor.getAddress());
    assertThat(consent.registry().isValid(contributor.getAddress(), terms).send()).isTrue();
  }

  @Test
  void refusesARevocationSignedForAnotherChain() throws Exception {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    grantBySignature(contributor, terms);
    var otherChain = new Eip712.Domain(ConsentMessages.DOMAIN_NAME, ConsentMessages.DOMAIN_VERSION,
        chain.chainId() + 1, consent.address());
    SignedRevocation elsewhere = ConsentFixture.signRevocation(otherChain, contributor, contributor.getAddress(),
        terms, 1, chain.latestTimestamp() + 3600);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.revokeWithSigCall(elsewhere), "ConsentRegistryInvalidSignature");
    assertThat(error.args()).containsExactly(contributor.getAddress());
  }

  @Test
  void refusesARevocationPastItsDeadline() throws Exception {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    grantBySignature(contributor, terms);
    long deadline = chain.latestTimestamp() - 1;
    SignedRevocation late = consent.signRevocation(contributor, terms, 1, deadline);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.revokeWithSigCall(late), "ConsentRegistryDeadlineExpired");
    assertThat(error.args()).containsExactly(BigInteger.valueOf(deadline));
  }

  @Test
  void refusesAReplayedRevocation() throws Exception {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    grantBySignature(contributor, terms);
    SignedRevocation signed = consent.signRevocation(contributor, terms, 1, chain.latestTimestamp() + 3600);
    consent.as(relayer).revokeWithSig(signed.revocation(), signed.signature()).send();

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.revokeWithSigCall(signed), "ConsentRegistryWrongNonce");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms), BigInteger.TWO, BigInteger.ONE);
  }

  @Test
  void refusesARelayedRevocationWithoutActiveConsent() {
    Credentials contributor = chain.newAccount(0);
    byte[] terms = consent.newTerms();
    SignedRevocation signed = consent.signRevocation(contributor, terms, 0, chain.latestTimestamp() + 3600);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.revokeWithSigCall(signed), "ConsentRegistryNoActiveConsent");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms));
  }

  /** Relays a one-year Consent at nonce 0 so that the pair is active with nonce 1. */
  private static void grantBySignature(Credentials contributor, byte[] terms) throws Exception {
    SignedGrant signed = consent.signGrant(contributor, terms, chain.latestTimestamp() + 365 * DAY, 0,
        chain.latestTimestamp() + 3600);
    consent.as(relayer).grantWithSig(signed.grant(), signed.signature()).send();
  }
}
