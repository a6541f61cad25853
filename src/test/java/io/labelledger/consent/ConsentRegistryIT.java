package io.labelledger.consent;

import static io.labelledger.testsupport.ConsentFixture.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.chain.contracts.ConsentRegistry;
import io.labelledger.chain.contracts.ConsentRegistry.ConsentGrant;
import io.labelledger.chain.contracts.ConsentRegistry.ConsentRevocation;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.ConsentFixture;
import io.labelledger.testsupport.TestChain;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;

/** ConsentRegistry: terms registration, the contributor's own grant and revoke, and the EIP-712 digests. */
@ExtendWith(ChainExtension.class)
class ConsentRegistryIT {
  private static final BigInteger UINT48_LIMIT = BigInteger.ONE.shiftLeft(48);
  private static TestChain chain;
  private static ConsentFixture consent;

  @BeforeAll
  static void deploy(TestChain testChain) {
    chain = testChain;
    consent = ConsentFixture.deploy(chain);
  }

  // ------------------------------------------------------------------ terms

  @Test
  void registeringTermsPublishesTheirUriAndAnnouncesThem() throws Exception {
    byte[] terms = Eip712.keccak("terms text " + UUID.randomUUID());
    var receipt = consent.registry().registerTerms(terms, "ipfs://bafy-terms-v1").send();

    assertThat(ConsentRegistry.getTermsRegisteredEvents(receipt)).singleElement().satisfies(event -> {
      assertThat(hex(event.termsHash)).isEqualTo(hex(terms));
      assertThat(event.uri).isEqualTo("ipfs://bafy-terms-v1");
      assertThat(event.by).isEqualTo(consent.admin().getAddress());
    });
    assertThat(consent.registry().isTermsRegistered(terms).send()).isTrue();
    assertThat(consent.registry().termsUri(terms).send()).isEqualTo("ipfs://bafy-terms-v1");
  }

  @Test
  void unregisteredTermsAreReportedAsSuchWithNoUri() throws Exception {
    byte[] terms = Eip712.keccak("never registered " + UUID.randomUUID());
    assertThat(consent.registry().isTermsRegistered(terms).send()).isFalse();
    assertThat(consent.registry().termsUri(terms).send()).isEmpty();
  }

  @Test
  void onlyTermsAdminsRegisterTerms() throws Exception {
    Credentials outsider = chain.newAccount(1);
    byte[] terms = Eip712.keccak("outsider's terms " + UUID.randomUUID());
    byte[] role = consent.registry().TERMS_ADMIN_ROLE().send();

    var error = chain.expectRevert(outsider.getAddress(), consent.address(),
        ConsentFixture.registerTermsCall(terms, "https://outsider.example"), "AccessControlUnauthorizedAccount");
    assertThat(error.args()).containsExactly(outsider.getAddress(), hex(role));

    consent.registry().grantRole(role, outsider.getAddress()).send();
    consent.as(outsider).registerTerms(terms, "https://outsider.example").send();
    assertThat(consent.registry().isTermsRegistered(terms).send()).isTrue();
  }

  @Test
  void refusesToRegisterTheZeroTermsHash() {
    var error = chain.expectRevert(consent.admin().getAddress(), consent.address(),
        ConsentFixture.registerTermsCall(new byte[32], "https://zero.example"), "ConsentRegistryZeroTermsHash");
    assertThat(error.args()).isEmpty();
  }

  @Test
  void refusesToRegisterTheSameTermsTwice() throws Exception {
    byte[] terms = consent.newTerms();
    String uri = consent.registry().termsUri(terms).send();

    var error = chain.expectRevert(consent.admin().getAddress(), consent.address(),
        ConsentFixture.registerTermsCall(terms, "https://elsewhere.example"), "ConsentRegistryTermsAlreadyRegistered");
    assertThat(error.args()).containsExactly(hex(terms));
    assertThat(consent.registry().termsUri(terms).send()).isEqualTo(uri);
  }

  // ------------------------------------------------------------------ direct grant and revoke

  @Test
  void contributorGrantsConsentDirectly() throws Exception {
    Credentials contributor = chain.newAccount(1);
    byte[] terms = consent.newTerms();
    long expiresAt = chain.latestTimestamp() + 30 * 86_400;

    var receipt = consent.as(contributor).grant(terms, BigInteger.valueOf(expiresAt)).send();
    long grantedAt = consent.blockTime(receipt);

    assertThat(ConsentRegistry.getConsentGrantedEvents(receipt)).singleElement().satisfies(event -> {
      assertThat(event.contributor).isEqualTo(contributor.getAddress());
      assertThat(hex(event.termsHash)).isEqualTo(hex(terms));
      assertThat(event.grantedAt).isEqualTo(grantedAt);
      assertThat(event.expiresAt).isEqualTo(expiresAt);
      assertThat(event.nonce).isZero();
      assertThat(event.by).isEqualTo(contributor.getAddress());
    });
    var record = consent.consentOf(contributor, terms);
    assertThat(record.grantedAt).isEqualTo(grantedAt);
    assertThat(record.expiresAt).isEqualTo(expiresAt);
    assertThat(record.revokedAt).isZero();
    assertThat(record.nonce).isOne();
    assertThat(record.historyLength).isZero();
    assertThat(consent.nonceOf(contributor, terms)).isOne();
    assertThat(consent.registry().isValid(contributor.getAddress(), terms).send()).isTrue();
  }

  @Test
  void contributorRevokesConsentDirectly() throws Exception {
    Credentials contributor = chain.newAccount(1);
    byte[] terms = consent.newTerms();
    long expiresAt = chain.latestTimestamp() + 86_400;
    consent.as(contributor).grant(terms, BigInteger.valueOf(expiresAt)).send();

    var receipt = consent.as(contributor).revoke(terms).send();
    long revokedAt = consent.blockTime(receipt);

    assertThat(ConsentRegistry.getConsentRevokedEvents(receipt)).singleElement().satisfies(event -> {
      assertThat(event.contributor).isEqualTo(contributor.getAddress());
      assertThat(hex(event.termsHash)).isEqualTo(hex(terms));
      assertThat(event.revokedAt).isEqualTo(revokedAt);
      assertThat(event.nonce).isOne();
      assertThat(event.by).isEqualTo(contributor.getAddress());
    });
    var record = consent.consentOf(contributor, terms);
    assertThat(record.revokedAt).isEqualTo(revokedAt);
    assertThat(record.expiresAt).isEqualTo(expiresAt);
    assertThat(record.nonce).isEqualTo(2);
    assertThat(consent.nonceOf(contributor, terms)).isEqualTo(2);
    assertThat(consent.registry().isValid(contributor.getAddress(), terms).send()).isFalse();
  }

  @Test
  void refusesAnExpiryInThePast() {
    Credentials contributor = chain.newAccount(1);
    byte[] terms = consent.newTerms();
    BigInteger past = BigInteger.valueOf(chain.latestTimestamp() - 1);

    var error = chain.expectRevert(contributor.getAddress(), consent.address(),
        ConsentFixture.grantCall(terms, past), "ConsentRegistryInvalidExpiry");
    assertThat(error.args()).containsExactly(past);
  }

  @Test
  void refusesAnExpiryOfNow() {
    Credentials contributor = chain.newAccount(1);
    byte[] terms = consent.newTerms();
    BigInteger now = BigInteger.valueOf(chain.latestTimestamp());

    var error = chain.expectRevert(contributor.getAddress(), consent.address(),
        ConsentFixture.grantCall(terms, now), "ConsentRegistryInvalidExpiry");
    assertThat(error.args()).containsExactly(now);
  }

  @Test
  void refusesAnExpiryBeyondTheRecordsUint48() {
    Credentials contributor = chain.newAccount(1);
    byte[] terms = consent.newTerms();

    var error = chain.expectRevert(contributor.getAddress(), consent.address(),
        ConsentFixture.grantCall(terms, UINT48_LIMIT), "ConsentRegistryInvalidExpiry");
    assertThat(error.args()).containsExactly(UINT48_LIMIT);
    consent.simulate(contributor.getAddress(), ConsentFixture.grantCall(terms, UINT48_LIMIT.subtract(BigInteger.ONE)));
  }

  @Test
  void refusesConsentToUnregisteredTerms() {
    Credentials contributor = chain.newAccount(1);
    byte[] terms = Eip712.keccak("not registered " + UUID.randomUUID());

    var error = chain.expectRevert(contributor.getAddress(), consent.address(),
        ConsentFixture.grantCall(terms, BigInteger.valueOf(chain.latestTimestamp() + 3600)),
        "ConsentRegistryTermsNotRegistered");
    assertThat(error.args()).containsExactly(hex(terms));
  }

  @Test
  void refusesToRevokeConsentNeverGiven() {
    Credentials contributor = chain.newAccount(1);
    byte[] terms = consent.newTerms();

    var error = chain.expectRevert(contributor.getAddress(), consent.address(),
        ConsentFixture.revokeCall(terms), "ConsentRegistryNoActiveConsent");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms));
  }

  @Test
  void refusesToRevokeConsentTwice() throws Exception {
    Credentials contributor = chain.newAccount(1);
    byte[] terms = consent.newTerms();
    consent.as(contributor).grant(terms, BigInteger.valueOf(chain.latestTimestamp() + 3600)).send();
    consent.as(contributor).revoke(terms).send();

    var error = chain.expectRevert(contributor.getAddress(), consent.address(),
        ConsentFixture.revokeCall(terms), "ConsentRegistryNoActiveConsent");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms));
  }

  @Test
  void refusesToRevokeConsentThatHasExpired() throws Exception {
    Credentials contributor = chain.newAccount(1);
    byte[] terms = consent.newTerms();
    consent.as(contributor).grant(terms, BigInteger.valueOf(chain.latestTimestamp() + 60)).send();
    chain.increaseTime(61);

    var error = chain.expectRevert(contributor.getAddress(), consent.address(),
        ConsentFixture.revokeCall(terms), "ConsentRegistryNoActiveConsent");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms));
  }

  // ------------------------------------------------------------------ digests: ours and the contract's agree

  @Test
  void onChainConsentDigestEqualsOurs() throws Exception {
    String contributor = chain.newAccount(0).getAddress();
    for (long[] fields : List.of(
        new long[] {1_700_000_000L, 0, 1_700_000_600L},
        new long[] {Long.MAX_VALUE, 4_294_967_295L, Long.MAX_VALUE},
        new long[] {0, 7, 0})) {
      byte[] terms = Eip712.keccak("digest terms " + fields[1]);
      var ours = new ConsentMessages.Consent(contributor, Hex.encode(terms), fields[0],
          BigInteger.valueOf(fields[1]), fields[2]).digest(consent.domain());
      var theirs = consent.registry().consentDigest(new ConsentGrant(contributor, terms,
          BigInteger.valueOf(fields[0]), BigInteger.valueOf(fields[1]), BigInteger.valueOf(fields[2]))).send();
      assertThat(hex(theirs)).isEqualTo(hex(ours));
    }
  }

  @Test
  void onChainRevocationDigestEqualsOurs() throws Exception {
    String contributor = chain.newAccount(0).getAddress();
    for (long[] fields : List.of(new long[] {0, 1_700_000_600L}, new long[] {4_294_967_295L, Long.MAX_VALUE})) {
      byte[] terms = Eip712.keccak("revocation terms " + fields[0]);
      var ours = new ConsentMessages.Revocation(contributor, Hex.encode(terms), BigInteger.valueOf(fields[0]),
          fields[1]).digest(consent.domain());
      var theirs = consent.registry().revocationDigest(new ConsentRevocation(contributor, terms,
          BigInteger.valueOf(fields[0]), BigInteger.valueOf(fields[1]))).send();
      assertThat(hex(theirs)).isEqualTo(hex(ours));
    }
  }

  @Test
  void typehashesAreTheKeccakOfOurTypeStrings() throws Exception {
    assertThat(hex(consent.registry().CONSENT_TYPEHASH().send()))
        .isEqualTo(hex(Eip712.keccak(ConsentMessages.CONSENT_TYPE)));
    assertThat(hex(consent.registry().REVOCATION_TYPEHASH().send()))
        .isEqualTo(hex(Eip712.keccak(ConsentMessages.REVOCATION_TYPE)));
  }

  @Test
  void eip712DomainIsTheOneOurMessagesAreSignedFor() throws Exception {
    var domain = consent.registry().eip712Domain().send();
    assertThat(domain.component2()).isEqualTo(ConsentMessages.DOMAIN_NAME);
    assertThat(domain.component3()).isEqualTo(ConsentMessages.DOMAIN_VERSION);
    assertThat(domain.component4()).isEqualTo(chain.chainId());
    assertThat(domain.component5()).isEqualTo(consent.address());
  }
}
