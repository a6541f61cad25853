package io.labelledger.auth;

import io.labelledger.http.ApiException;
import io.labelledger.http.ErrorCode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SignatureException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

/**
 * Checks a parsed SIWE message against this service (domain, chain id, validity window) and its
 * personal_sign (EIP-191) signature. Pure CPU: public-key recovery costs about 0.25 ms, cheap
 * enough for the event loop at login rates. Nonce consumption is the caller's job (it needs the
 * database).
 */
public final class SiweVerifier {
  private static final Pattern SIGNATURE = Pattern.compile("0x[0-9a-fA-F]{130}");

  private final String domain;
  private final long chainId;
  private final Duration clockSkew;
  private final Clock clock;

  public SiweVerifier(String domain, long chainId, Duration clockSkew, Clock clock) {
    this.domain = domain;
    this.chainId = chainId;
    this.clockSkew = clockSkew;
    this.clock = clock;
  }

  /** Parses and checks everything but the nonce; returns the message, whose address signed it. */
  public SiweMessage verify(String message, String signature) {
    SiweMessage siwe;
    try {
      siwe = SiweParser.parse(message);
    } catch (SiweParser.InvalidSiweMessage e) {
      throw new ApiException(ErrorCode.SIWE_MESSAGE_INVALID, e.getMessage());
    }
    if (!domain.equalsIgnoreCase(siwe.domain())) {
      throw new ApiException(ErrorCode.SIWE_DOMAIN_MISMATCH,
          Map.of("expected", domain, "actual", siwe.domain()), siwe.domain(), domain);
    }
    if (siwe.chainId() != chainId) {
      throw new ApiException(ErrorCode.SIWE_CHAIN_MISMATCH,
          Map.of("expected", chainId, "actual", siwe.chainId()), siwe.chainId(), chainId);
    }
    Instant now = clock.instant();
    if (siwe.issuedAt().isAfter(now.plus(clockSkew))) {
      throw new ApiException(ErrorCode.SIWE_ISSUED_IN_FUTURE, siwe.issuedAt());
    }
    if (siwe.expirationTime() != null && !now.isBefore(siwe.expirationTime())) {
      throw new ApiException(ErrorCode.SIWE_EXPIRED, siwe.expirationTime());
    }
    if (siwe.notBefore() != null && now.plus(clockSkew).isBefore(siwe.notBefore())) {
      throw new ApiException(ErrorCode.SIWE_NOT_YET_VALID, siwe.notBefore());
    }
    String signer = recoverPersonalSign(siwe.raw(), signature);
    if (!signer.equalsIgnoreCase(siwe.address())) {
      throw new ApiException(ErrorCode.SIGNATURE_MISMATCH, siwe.address());
    }
    return siwe;
  }

  /** The lower-case address whose key made an EIP-191 personal_sign signature of {@code text}. */
  static String recoverPersonalSign(String text, String signature) {
    if (signature == null || !SIGNATURE.matcher(signature).matches()) {
      throw new ApiException(ErrorCode.SIGNATURE_INVALID, "expected 0x + 130 hex digits");
    }
    byte[] bytes = Numeric.hexStringToByteArray(signature);
    byte v = bytes[64];
    if (v == 0 || v == 1) {
      v += 27; // some signers (hardware wallets) give the recovery id itself
    }
    if (v != 27 && v != 28) {
      throw new ApiException(ErrorCode.SIGNATURE_INVALID, "v must be 27 or 28");
    }
    Sign.SignatureData data = new Sign.SignatureData(v,
        Arrays.copyOfRange(bytes, 0, 32), Arrays.copyOfRange(bytes, 32, 64));
    try {
      BigInteger key = Sign.signedPrefixedMessageToKey(text.getBytes(StandardCharsets.UTF_8), data);
      return "0x" + Keys.getAddress(key);
    } catch (SignatureException | RuntimeException e) {
      throw new ApiException(ErrorCode.SIGNATURE_INVALID, "no public key can be recovered from it");
    }
  }
}
