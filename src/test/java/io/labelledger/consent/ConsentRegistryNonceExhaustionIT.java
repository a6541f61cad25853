package io.labelledger.consent;

import static io.labelledger.testsupport.ConsentFixture.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.labelledger.chain.Abi;
import io.labelledger.chain.Eip712;
import io.labelledger.testsupport.ChainExtension;
import io.labelledger.testsupport.ConsentFixture;
import io.labelledger.testsupport.TestChain;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.http.HttpService;
import org.web3j.utils.Numeric;

/**
 * ConsentRegistry refuses a state change that would need a 2^32-th nonce. No contributor can
 * make 2^32 changes, so the pair's record is put at the last nonce by writing the contract's
 * storage (Ganache's {@code evm_setAccountStorageAt}); the slot is located from a real grant
 * rather than assumed, so a change of storage layout fails loudly instead of testing nothing.
 */
@ExtendWith(ChainExtension.class)
class ConsentRegistryNonceExhaustionIT {
  private static final BigInteger LAST_NONCE = BigInteger.ONE.shiftLeft(32).subtract(BigInteger.ONE);
  private static TestChain chain;
  private static ConsentFixture consent;
  private Credentials contributor;
  private byte[] terms;
  private long grantedAt;
  private long expiresAt;

  @BeforeAll
  static void deploy(TestChain testChain) {
    chain = testChain;
    consent = ConsentFixture.deploy(chain);
  }

  @BeforeEach
  void pairActiveAtItsLastNonce() throws Exception {
    contributor = chain.newAccount(1);
    terms = consent.newTerms();
    expiresAt = chain.latestTimestamp() + 86_400;
    var receipt = consent.as(contributor).grant(terms, BigInteger.valueOf(expiresAt)).send();
    grantedAt = consent.blockTime(receipt);

    String slot = recordSlot(packed(grantedAt, expiresAt, 1));
    setStorage(slot, packed(grantedAt, expiresAt, LAST_NONCE.longValueExact()));
    assertThat(consent.nonceOf(contributor, terms)).isEqualTo(LAST_NONCE);
    assertThat(consent.registry().isValid(contributor.getAddress(), terms).send()).isTrue();
  }

  @Test
  void refusesADirectRevocationThatWouldNeedAnotherNonce() {
    var error = chain.expectRevert(contributor.getAddress(), consent.address(), ConsentFixture.revokeCall(terms),
        "ConsentRegistryNonceExhausted");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms));
  }

  @Test
  void refusesADirectGrantThatWouldNeedAnotherNonce() {
    var error = chain.expectRevert(contributor.getAddress(), consent.address(),
        ConsentFixture.grantCall(terms, BigInteger.valueOf(expiresAt + 1000)), "ConsentRegistryNonceExhausted");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms));
  }

  @Test
  void refusesARelayedGrantThatWouldNeedAnotherNonce() {
    var signed = consent.signGrant(contributor, terms, expiresAt + 1000, LAST_NONCE.longValueExact(),
        chain.latestTimestamp() + 3600);
    var error = chain.expectRevert(contributor.getAddress(), consent.address(),
        ConsentFixture.grantWithSigCall(signed), "ConsentRegistryNonceExhausted");
    assertThat(error.args()).containsExactly(contributor.getAddress(), hex(terms));
  }

  @Test
  void aBatchSkipsTheItemAtTheLastNonceAndAppliesTheOthers() throws Exception {
    Credentials relayer = chain.newAccount(1);
    Credentials other = chain.newAccount(0);
    long deadline = chain.latestTimestamp() + 3600;
    var exhausted = consent.signGrant(contributor, terms, expiresAt + 1000, LAST_NONCE.longValueExact(), deadline);
    var fine = consent.signGrant(other, terms, expiresAt, 0, deadline);

    var receipt = consent.as(relayer).grantBatchWithSig(List.of(exhausted.grant(), fine.grant()),
        List.of(exhausted.signature(), fine.signature())).send();

    assertThat(io.labelledger.chain.contracts.ConsentRegistry.getConsentRelaySkippedEvents(receipt))
        .extracting(e -> e.contributor, e -> hex(e.reason))
        .containsExactly(org.assertj.core.groups.Tuple.tuple(contributor.getAddress(),
            ConsentFixture.selector("ConsentRegistryNonceExhausted(address,bytes32)")));
    assertThat(consent.registry().isValid(other.getAddress(), terms).send()).isTrue();
    assertThat(consent.nonceOf(contributor, terms)).isEqualTo(LAST_NONCE);
  }

  /** The record layout the contract documents: grantedAt | expiresAt << 48 | revokedAt << 96 | nonce << 144. */
  private static String packed(long grantedAt, long expiresAt, long nonce) {
    BigInteger value = BigInteger.valueOf(grantedAt)
        .or(BigInteger.valueOf(expiresAt).shiftLeft(48))
        .or(BigInteger.valueOf(nonce).shiftLeft(144));
    return Numeric.toHexStringWithPrefixZeroPadded(value, 64);
  }

  /** The storage slot of {@code _records[contributor][terms]}, found by where the grant's record is. */
  private String recordSlot(String expectedRecord) throws Exception {
    for (int base = 0; base < 32; base++) {
      byte[] inner = Eip712.keccak(Abi.concat(Abi.address(contributor.getAddress()), Abi.uint(base)));
      String slot = Numeric.toHexString(Eip712.keccak(Abi.concat(terms, inner)));
      String value = chain.web3j().ethGetStorageAt(consent.address(), Numeric.toBigInt(slot),
          DefaultBlockParameterName.LATEST).send().getData();
      String digits = value == null ? "" : Numeric.cleanHexPrefix(value);
      BigInteger stored = digits.isEmpty() ? BigInteger.ZERO : new BigInteger(digits, 16);
      if (stored.equals(Numeric.toBigInt(expectedRecord))) {
        return slot;
      }
    }
    throw new AssertionError("no storage slot holds the record " + expectedRecord + ": has the layout changed?");
  }

  private static void setStorage(String slot, String value) throws Exception {
    var response = new Request<>("evm_setAccountStorageAt", List.of(consent.address(), slot, value),
        new HttpService(chain.rpcUrl()), TestChain.RawResponse.class).send();
    assumeTrue(!response.hasError(), "the node cannot write storage: " + (response.hasError()
        ? response.getError().getMessage() : ""));
    assertThat(response.getResult()).isEqualTo(Boolean.TRUE);
  }
}
