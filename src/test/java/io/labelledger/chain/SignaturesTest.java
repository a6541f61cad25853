package io.labelledger.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

class SignaturesTest {
  private final Random random = new Random(42);

  private byte[] digest() {
    byte[] d = new byte[32];
    random.nextBytes(d);
    return d;
  }

  @Test
  void recoversTheSignerOfManyKeysNatively() throws Exception {
    assertThat(Signatures.isNative()).as("native libsecp256k1 loads on this platform").isTrue();
    for (int i = 0; i < 200; i++) {
      Credentials signer = Credentials.create(Keys.createEcKeyPair());
      byte[] digest = digest();
      assertThat(Signatures.recover(digest, Eip712.sign(digest, signer)))
          .contains(signer.getAddress().toLowerCase());
    }
  }

  @Test
  void nativeSigningGivesWeb3jsExactSignature() throws Exception {
    for (int i = 0; i < 50; i++) {
      Credentials signer = Credentials.create(Keys.createEcKeyPair());
      byte[] digest = digest();
      assertThat(Signatures.sign(digest, signer)).isEqualTo(Eip712.sign(digest, signer));
    }
  }

  @Test
  void acceptsRecoveryIdsZeroAndOneAsWalletsEmitThem() throws Exception {
    Credentials signer = Credentials.create(Keys.createEcKeyPair());
    byte[] digest = digest();
    byte[] sig = Eip712.sign(digest, signer);
    sig[64] -= 27;
    assertThat(Signatures.recover(digest, sig)).contains(Signatures.address(signer));
  }

  @Test
  void refusesTheMalleableHighSTwinThatOpenZeppelinRefuses() throws Exception {
    Credentials signer = Credentials.create(Keys.createEcKeyPair());
    byte[] digest = digest();
    byte[] sig = Eip712.sign(digest, signer);
    BigInteger s = new BigInteger(1, java.util.Arrays.copyOfRange(sig, 32, 64));
    byte[] highS = Numeric.toBytesPadded(Sign.CURVE_PARAMS.getN().subtract(s), 32);
    System.arraycopy(highS, 0, sig, 32, 32);
    sig[64] = (byte) (sig[64] == 27 ? 28 : 27); // the twin recovers the same key with the other parity
    assertThat(Signatures.recover(digest, sig)).isEmpty();
  }

  @Test
  void refusesMalformedSignatures() throws Exception {
    Credentials signer = Credentials.create(Keys.createEcKeyPair());
    byte[] digest = digest();
    byte[] sig = Eip712.sign(digest, signer);
    byte[] badV = sig.clone();
    badV[64] = 29;
    assertThat(Signatures.recover(digest, badV)).isEmpty();
    assertThat(Signatures.recover(digest, new byte[65])).isEmpty();
    assertThat(Signatures.recover(digest, java.util.Arrays.copyOf(sig, 64))).isEmpty();
    assertThat(Signatures.recover(new byte[31], sig)).isEmpty();
  }

  @Test
  void theScalarRuleIsRInOneToNAndSInOneToHalfNAtEveryBoundary() {
    BigInteger n = Sign.CURVE_PARAMS.getN();
    BigInteger half = n.shiftRight(1);
    BigInteger max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    java.util.List<BigInteger> values = new java.util.ArrayList<>(java.util.List.of(BigInteger.ZERO, BigInteger.ONE,
        half.subtract(BigInteger.ONE), half, half.add(BigInteger.ONE), n.subtract(BigInteger.ONE), n,
        n.add(BigInteger.ONE), max, BigInteger.ONE.shiftLeft(255)));
    for (int i = 0; i < 20; i++) {
      values.add(new BigInteger(256, random));
    }
    for (BigInteger r : values) {
      for (BigInteger s : values) {
        byte[] sig = new byte[65];
        System.arraycopy(Numeric.toBytesPadded(r, 32), 0, sig, 0, 32);
        System.arraycopy(Numeric.toBytesPadded(s, 32), 0, sig, 32, 32);
        boolean expected = r.signum() > 0 && r.compareTo(n) < 0 && s.signum() > 0 && s.compareTo(half) <= 0;
        assertThat(Signatures.acceptableScalars(sig)).as("r=%s s=%s", r.toString(16), s.toString(16))
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void aDifferentDigestRecoversSomeoneElse() throws Exception {
    Credentials signer = Credentials.create(Keys.createEcKeyPair());
    byte[] digest = digest();
    byte[] sig = Eip712.sign(digest, signer);
    assertThat(Signatures.recover(digest(), sig)).isPresent().get().isNotEqualTo(Signatures.address(signer));
  }
}
