package io.labelledger.consent;

import static io.labelledger.testsupport.ConsentFixture.hex;
import static io.labelledger.testsupport.ConsentFixture.selector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.labelledger.chain.Eip712;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.ConsentRegistry.ConsentGrant;
import io.labelledger.chain.contracts.ConsentRegistry.ConsentRevocation;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.ConsentFixture;
import io.labelledger.testsupport.ConsentFixture.SignedGrant;
import io.labelledger.testsupport.ConsentFixture.SignedRevocation;
import io.labelledger.testsupport.TestChain;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/**
 * ConsentRegistry batches: valid items are applied, each invalid item is skipped with the
 * selector of the error its single relay would revert with, and the batch never reverts for it.
 */
@ExtendWith(ChainExtension.class)
class ConsentRegistryBatchIT {
  private static final long DAY = 86_400;
  private static final String INVALID_SIGNATURE = selector("ConsentRegistryInvalidSignature(address)");
  private static final String DEADLINE_EXPIRED = selector("ConsentRegistryDeadlineExpired(uint256)");
  private static final String TERMS_NOT_REGISTERED = selector("ConsentRegistryTermsNotRegistered(bytes32)");
  private static final String INVALID_EXPIRY = selector("ConsentRegistryInvalidExpiry(uint256)");
  private static final String WRONG_NONCE = selector("ConsentRegistryWrongNonce(address,bytes32,uint256,uint256)");
  private static final String NO_ACTIVE_CONSENT = selector("ConsentRegistryNoActiveConsent(address,bytes32)");

  private static TestChain chain;
  private static ConsentFixture consent;
  private static Credentials relayer;

  @BeforeAll
  static void deploy(TestChain testChain) {
    chain = testChain;
    consent = ConsentFixture.deploy(chain);
    relayer = chain.newAccount(10);
  }

  @Test
  void grantBatchAppliesValidConsentsAndSkipsEachInvalidOneWithItsReason() throws Exception {
    byte[] terms = consent.newTerms();
    byte[] unregistered = Eip712.keccak("unregistered " + UUID.randomUUID());
    long now = chain.latestTimestamp();
    long expiresAt = now + 30 * DAY;
    long deadline = now + 3600;
    Credentials a = chain.newAccount(0);
    Credentials b = chain.newAccount(0);
    Credentials c = chain.newAccount(0);
    Credentials forgedFor = chain.newAccount(0);
    Credentials late = chain.newAccount(0);
    Credentials noTerms = chain.newAccount(0);
    Credentials expired = chain.newAccount(0);
    Credentials ahead = chain.newAccount(0);

    SignedGrant validA = consent.signGrant(a, terms, expiresAt, 0, deadline);
    List<SignedGrant> items = List.of(
        validA,
        ConsentFixture.signGrant(consent.domain(), chain.newAccount(0), forgedFor.getAddress(), terms, expiresAt, 0,
            deadline),
        consent.signGrant(b, terms, expiresAt, 0, deadline),
        consent.signGrant(late, terms, expiresAt, 0, now - 1),
        consent.signGrant(noTerms, unregistered, expiresAt, 0, deadline),
        consent.signGrant(c, terms, expiresAt, 0, deadline),
        consent.signGrant(expired, terms, now - 1, 0, deadline),
        consent.signGrant(ahead, terms, expiresAt, 3, deadline),
        validA); // the same signed item twice in one batch: the second is a replay
    List<ConsentGrant> grants = items.stream().map(SignedGrant::grant).toList();
    List<byte[]> signatures = items.stream().map(SignedGrant::signature).toList();

    var applied = consent.simulate(relayer.getAddress(), ConsentFixture.grantBatchCall(grants, signatures));
    assertThat(applied.get(0).getValue()).isEqualTo(BigInteger.valueOf(3));

    var receipt = consent.as(relayer).grantBatchWithSig(grants, signatures).send();

    assertThat(ConsentRegistry.getConsentGrantedEvents(receipt))
        .extracting(e -> e.contributor, e -> hex(e.termsHash), e -> e.nonce, e -> e.expiresAt, e -> e.by)
        .containsExactly(
            tuple(a.getAddress(), hex(terms), BigInteger.ZERO, BigInteger.valueOf(expiresAt), relayer.getAddress()),
            tuple(b.getAddress(), hex(terms), BigInteger.ZERO, BigInteger.valueOf(expiresAt), relayer.getAddress()),
            tuple(c.getAddress(), hex(terms), BigInteger.ZERO, BigInteger.valueOf(expiresAt), relayer.getAddress()));
    assertThat(ConsentRegistry.getConsentRelaySkippedEvents(receipt))
        .extracting(e -> e.contributor, e -> hex(e.termsHash), e -> e.nonce, e -> hex(e.reason))
        .containsExactly(
            tuple(forgedFor.getAddress(), hex(terms), BigInteger.ZERO, INVALID_SIGNATURE),
            tuple(late.getAddress(), hex(terms), BigInteger.ZERO, DEADLINE_EXPIRED),
            tuple(noTerms.getAddress(), hex(unregistered), BigInteger.ZERO, TERMS_NOT_REGISTERED),
            tuple(expired.getAddress(), hex(terms), BigInteger.ZERO, INVALID_EXPIRY),
            tuple(ahead.getAddress(), hex(terms), BigInteger.valueOf(3), WRONG_NONCE),
            tuple(a.getAddress(), hex(terms), BigInteger.ZERO, WRONG_NONCE));
    for (Credentials granted : List.of(a, b, c)) {
      assertThat(consent.registry().isValid(granted.getAddress(), terms).send()).as("valid for %s", granted.getAddress())
          .isTrue();
      assertThat(consent.nonceOf(granted, terms)).isOne();
    }
    for (Credentials skipped : List.of(forgedFor, late, expired, ahead)) {
      assertThat(consent.registry().isValid(skipped.getAddress(), terms).send()).isFalse();
      assertThat(consent.nonceOf(skipped, terms)).isZero();
    }
    assertThat(consent.nonceOf(noTerms, unregistered)).isZero();
  }

  @Test
  void grantBatchRefusesMismatchedItemAndSignatureCounts() {
    byte[] terms = consent.newTerms();
    long now = chain.latestTimestamp();
    SignedGrant one = consent.signGrant(chain.newAccount(0), terms, now + DAY, 0, now + 3600);
    SignedGrant two = consent.signGrant(chain.newAccount(0), terms, now + DAY, 0, now + 3600);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.grantBatchCall(List.of(one.grant(), two.grant()), List.of(one.signature())),
        "ConsentRegistryLengthMismatch");
    assertThat(error.args()).containsExactly(BigInteger.TWO, BigInteger.ONE);
  }

  @Test
  void revokeBatchAppliesValidRevocationsAndSkipsEachInvalidOneWithItsReason() throws Exception {
    byte[] terms = consent.newTerms();
    Credentials p = chain.newAccount(0);
    Credentials q = chain.newAccount(0);
    Credentials r = chain.newAccount(0);
    Credentials neverConsented = chain.newAccount(0);
    grantAll(terms, List.of(p, q, r));
    long now = chain.latestTimestamp();
    long deadline = now + 3600;

    SignedRevocation validQ = consent.signRevocation(q, terms, 1, deadline);
    List<SignedRevocation> items = List.of(
        consent.signRevocation(p, terms, 1, deadline),
        consent.signRevocation(neverConsented, terms, 0, deadline),
        validQ,
        ConsentFixture.signRevocation(consent.domain(), chain.newAccount(0), r.getAddress(), terms, 1, deadline),
        consent.signRevocation(r, terms, 1, now - 1),
        validQ); // replayed within the batch
    List<ConsentRevocation> revocations = items.stream().map(SignedRevocation::revocation).toList();
    List<byte[]> signatures = items.stream().map(SignedRevocation::signature).toList();

    var applied = consent.simulate(relayer.getAddress(), ConsentFixture.revokeBatchCall(revocations, signatures));
    assertThat(applied.get(0).getValue()).isEqualTo(BigInteger.TWO);

    var receipt = consent.as(relayer).revokeBatchWithSig(revocations, signatures).send();
    long revokedAt = consent.blockTime(receipt);

    assertThat(ConsentRegistry.getConsentRevokedEvents(receipt))
        .extracting(e -> e.contributor, e -> hex(e.termsHash), e -> e.nonce, e -> e.revokedAt, e -> e.by)
        .containsExactly(
            tuple(p.getAddress(), hex(terms), BigInteger.ONE, BigInteger.valueOf(revokedAt), relayer.getAddress()),
            tuple(q.getAddress(), hex(terms), BigInteger.ONE, BigInteger.valueOf(revokedAt), relayer.getAddress()));
    assertThat(ConsentRegistry.getConsentRelaySkippedEvents(receipt))
        .extracting(e -> e.contributor, e -> hex(e.termsHash), e -> e.nonce, e -> hex(e.reason))
        .containsExactly(
            tuple(neverConsented.getAddress(), hex(terms), BigInteger.ZERO, NO_ACTIVE_CONSENT),
            tuple(r.getAddress(), hex(terms), BigInteger.ONE, INVALID_SIGNATURE),
            tuple(r.getAddress(), hex(terms), BigInteger.ONE, DEADLINE_EXPIRED),
            tuple(q.getAddress(), hex(terms), BigInteger.ONE, WRONG_NONCE));
    assertThat(consent.registry().isValid(p.getAddress(), terms).send()).isFalse();
    assertThat(consent.registry().isValid(q.getAddress(), terms).send()).isFalse();
    assertThat(consent.registry().isValid(r.getAddress(), terms).send()).isTrue();
    assertThat(consent.nonceOf(r, terms)).isOne();
  }

  @Test
  void revokeBatchRefusesMismatchedItemAndSignatureCounts() {
    byte[] terms = consent.newTerms();
    SignedRevocation one = consent.signRevocation(chain.newAccount(0), terms, 0, chain.latestTimestamp() + 3600);

    var error = chain.expectRevert(relayer.getAddress(), consent.address(),
        ConsentFixture.revokeBatchCall(List.of(one.revocation()), List.of(one.signature(), one.signature())),
        "ConsentRegistryLengthMismatch");
    assertThat(error.args()).containsExactly(BigInteger.ONE, BigInteger.TWO);
  }

  /** Relays one-year consents (nonce 0) for every contributor in one batch, all of which must apply. */
  private static void grantAll(byte[] terms, List<Credentials> contributors) throws Exception {
    long now = chain.latestTimestamp();
    List<SignedGrant> items = contributors.stream()
        .map(c -> consent.signGrant(c, terms, now + 365 * DAY, 0, now + 3600)).toList();
    var receipt = consent.as(relayer).grantBatchWithSig(items.stream().map(SignedGrant::grant).toList(),
        items.stream().map(SignedGrant::signature).toList()).send();
    assertThat(ConsentRegistry.getConsentGrantedEvents(receipt)).hasSize(contributors.size());
  }
}
