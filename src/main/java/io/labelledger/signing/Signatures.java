package io.labelledger.signing;

import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * 65-byte (r, s, v) signatures of EIP-712 digests. Recovery is pure CPU (about 0.25 ms with web3j's
 * BouncyCastle code); callers on the hot path run it on a worker thread.
 */
public final class Signatures {
  private static final Pattern SHAPE = Pattern.compile("0x[0-9a-fA-F]{130}");

  private Signatures() {}

  /** The signature's bytes, with v normalised to 27/28; SIGNATURE_INVALID when malformed. */
  public static byte[] parse(String signature) {
    if (signature == null || !SHAPE.matcher(signature).matches()) {
      throw new ApiException(ErrorCode.SIGNATURE_INVALID, "expected 0x + 130 hex digits");
    }
    byte[] bytes = Numeric.hexStringToByteArray(signature);
    if (bytes[64] == 0 || bytes[64] == 1) {
      bytes[64] += 27; // some signers give the recovery id itself
    }
    if (bytes[64] != 27 && bytes[64] != 28) {
      throw new ApiException(ErrorCode.SIGNATURE_INVALID, "v must be 27 or 28");
    }
    return bytes;
  }

  /** The lower-case address whose key signed {@code digest}; SIGNATURE_INVALID when none can be recovered. */
  public static String recover(byte[] digest, byte[] signature) {
    Sign.SignatureData data = new Sign.SignatureData(signature[64],
        Arrays.copyOfRange(signature, 0, 32), Arrays.copyOfRange(signature, 32, 64));
    try {
      BigInteger key = Sign.signedMessageHashToKey(digest, data);
      return "0x" + Keys.getAddress(key);
    } catch (java.security.SignatureException | RuntimeException e) {
      throw new ApiException(ErrorCode.SIGNATURE_INVALID, "no public key can be recovered from it");
    }
  }

  /** Recovers and compares; SIGNER_MISMATCH names both addresses when another key signed. */
  public static void requireSigner(byte[] digest, byte[] signature, String contributor) {
    String signer = recover(digest, signature);
    if (!signer.equalsIgnoreCase(contributor)) {
      throw new ApiException(ErrorCode.SIGNER_MISMATCH, java.util.Map.of("signer", signer), signer,
          contributor.toLowerCase());
    }
  }
}
