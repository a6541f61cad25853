package io.labelledger.chain;

import fr.acinq.secp256k1.Secp256k1;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Recovers the signer of a 65-byte {@code r ‖ s ‖ v} signature over a 32-byte digest with the
 * same acceptance rules as OpenZeppelin's {@code ECDSA.tryRecover}, so the service never accepts
 * a signature the contracts would refuse: {@code v} is 27 or 28 (0 and 1 are normalised, as
 * wallets emit both), {@code s} is in the lower half of the curve order (no malleable twins), and
 * {@code r}, {@code s} are non-zero.
 *
 * <p>Recovery runs in native libsecp256k1 (≈ 4× web3j's pure-Java recovery; the ceiling on
 * signed-request throughput), falling back to web3j where the native library cannot load.
 * Thread-safe; no I/O.
 */
public final class Signatures {
  private static final Logger LOG = LoggerFactory.getLogger(Signatures.class);
  private static final BigInteger HALF_ORDER = Sign.CURVE_PARAMS.getN().shiftRight(1);
  private static final byte[] HALF_ORDER_BYTES = Numeric.toBytesPadded(HALF_ORDER, 32);
  private static final byte[] ORDER_BYTES = Numeric.toBytesPadded(Sign.CURVE_PARAMS.getN(), 32);
  private static final Secp256k1 NATIVE = loadNative();

  private Signatures() {}

  /** The recovering signer as a lower-case 0x address, or empty when the signature is not acceptable. */
  public static Optional<String> recover(byte[] digest, byte[] signature) {
    byte[] publicKey = recoverPublicKey(digest, signature);
    return publicKey == null ? Optional.empty() : Optional.of(addressOfPublicKey(publicKey));
  }

  /**
   * The signer's uncompressed public key ({@code 0x04 ‖ x ‖ y}, 65 bytes), under the same rules as
   * {@link #recover}, or null when the signature is not acceptable: for bulk checks that compare
   * keys of signers they already know instead of hashing each key into an address.
   */
  public static byte[] recoverPublicKey(byte[] digest, byte[] signature) {
    if (digest == null || digest.length != 32 || signature == null || signature.length != 65) {
      return null;
    }
    int v = signature[64] & 0xff;
    int recId = v >= 27 ? v - 27 : v;
    if (recId != 0 && recId != 1) {
      return null;
    }
    if (!acceptableScalars(signature)) {
      return null;
    }
    try {
      return NATIVE != null
          ? NATIVE.ecdsaRecover(Arrays.copyOfRange(signature, 0, 64), digest, recId)
          : web3jRecover(digest, signature, recId);
    } catch (RuntimeException invalid) {
      return null;
    }
  }

  /**
   * Whether r is in [1, n) and s in [1, n/2] (OpenZeppelin's low-s rule): the 32-byte big-endian
   * words compared as they are, without a BigInteger each (this runs for every signature checked).
   */
  static boolean acceptableScalars(byte[] signature) {
    return !isZero(signature, 0) && !isZero(signature, 32)
        && Arrays.compareUnsigned(signature, 32, 64, HALF_ORDER_BYTES, 0, 32) <= 0
        && Arrays.compareUnsigned(signature, 0, 32, ORDER_BYTES, 0, 32) < 0;
  }

  private static boolean isZero(byte[] bytes, int from) {
    int any = 0;
    for (int i = from; i < from + 32; i++) {
      any |= bytes[i];
    }
    return any == 0;
  }

  /** The lower-case 0x address of an uncompressed public key from {@link #recoverPublicKey}. */
  public static String addressOfPublicKey(byte[] uncompressed65) {
    return addressOf(uncompressed65);
  }

  /**
   * Signs a digest as {@link Eip712#sign} does (RFC 6979 nonces, low s, v = 27 or 28), natively
   * when possible: for tools that sign in bulk (benchmarks, simulations), not for keys of users.
   */
  public static byte[] sign(byte[] digest, org.web3j.crypto.Credentials signer) {
    if (NATIVE == null) {
      return Eip712.sign(digest, signer);
    }
    byte[] key = Numeric.toBytesPadded(signer.getEcKeyPair().getPrivateKey(), 32);
    byte[] compact = NATIVE.sign(digest, key);
    String expected = address(signer);
    for (int recId = 0; recId < 2; recId++) {
      byte[] candidate = java.util.Arrays.copyOf(compact, 65);
      candidate[64] = (byte) (27 + recId);
      if (recover(digest, candidate).filter(expected::equals).isPresent()) {
        return candidate;
      }
    }
    throw new IllegalStateException("native signature does not recover to its signer");
  }

  /** Whether recovery is native here (reported by benchmarks). */
  public static boolean isNative() {
    return NATIVE != null;
  }

  private static String addressOf(byte[] uncompressed65) {
    byte[] hash = Eip712.keccak(Arrays.copyOfRange(uncompressed65, 1, 65));
    return Numeric.toHexString(Arrays.copyOfRange(hash, 12, 32));
  }

  private static byte[] web3jRecover(byte[] digest, byte[] signature, int recId) {
    var data = new Sign.SignatureData((byte) (27 + recId), Arrays.copyOfRange(signature, 0, 32),
        Arrays.copyOfRange(signature, 32, 64));
    try {
      BigInteger key = Sign.signedMessageHashToKey(digest, data);
      byte[] raw = Numeric.toBytesPadded(key, 64);
      byte[] out = new byte[65];
      out[0] = 4;
      System.arraycopy(raw, 0, out, 1, 64);
      return out;
    } catch (java.security.SignatureException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static Secp256k1 loadNative() {
    try {
      Secp256k1 lib = Secp256k1.get();
      lib.pubkeyCreate(Numeric.toBytesPadded(BigInteger.ONE, 32)); // forces the JNI library to load
      return lib;
    } catch (Throwable unavailable) {
      LOG.warn("native secp256k1 unavailable ({}); recovering signatures in pure Java", unavailable.toString());
      return null;
    }
  }

  /** For callers that hold a web3j key: its address in the form {@link #recover} returns. */
  public static String address(org.web3j.crypto.Credentials credentials) {
    return Numeric.prependHexPrefix(Keys.getAddress(credentials.getEcKeyPair().getPublicKey())).toLowerCase();
  }
}
