package io.labelledger.signing;

import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import io.labelledger.chain.Hex;
import org.web3j.utils.Numeric;

/**
 * 65-byte (r, s, v) signatures of EIP-712 digests, as they arrive over HTTP: parsed and checked
 * here, failures turned into API errors. Recovery is CPU only (native libsecp256k1, ~60 µs);
 * callers on the hot path still run it on a worker thread.
 */
public final class Signatures {
  private Signatures() {}

  /** The signature's bytes, with v normalised to 27/28; SIGNATURE_INVALID when malformed. */
  public static byte[] parse(String signature) {
    if (!Hex.isHex(signature, 130)) {
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

  /**
   * The lower-case address whose key signed {@code digest}, by the contracts' own rules (see
   * {@link io.labelledger.chain.Signatures}); SIGNATURE_INVALID when none is acceptable, e.g. the
   * malleable high-s twin of a valid signature, which the chain would refuse.
   */
  public static String recover(byte[] digest, byte[] signature) {
    return io.labelledger.chain.Signatures.recover(digest, signature).orElseThrow(() ->
        new ApiException(ErrorCode.SIGNATURE_INVALID, "no acceptable signer can be recovered from it"));
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
