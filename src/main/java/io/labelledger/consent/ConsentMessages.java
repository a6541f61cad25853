package io.labelledger.consent;

import io.labelledger.chain.Abi;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import java.math.BigInteger;

/**
 * The EIP-712 messages a contributor signs to grant or revoke consent; domain = ConsentRegistry
 * ("LabelLedger ConsentRegistry", version "1"). Nonces count per (contributor, terms) pair.
 */
public final class ConsentMessages {
  public static final String DOMAIN_NAME = "LabelLedger ConsentRegistry";
  public static final String DOMAIN_VERSION = "1";
  public static final String CONSENT_TYPE =
      "Consent(address contributor,bytes32 termsHash,uint256 expiresAt,uint256 nonce,uint256 deadline)";
  public static final String REVOCATION_TYPE =
      "Revocation(address contributor,bytes32 termsHash,uint256 nonce,uint256 deadline)";
  private static final byte[] CONSENT_TYPEHASH = Eip712.keccak(CONSENT_TYPE);
  private static final byte[] REVOCATION_TYPEHASH = Eip712.keccak(REVOCATION_TYPE);

  private ConsentMessages() {}

  /** A grant of consent to the terms {@code termsHash} until {@code expiresAt} (unix seconds). */
  public record Consent(String contributor, String termsHash, long expiresAt, BigInteger nonce, long deadline) {
    public Consent {
      Hex.requireAddress(contributor);
      Hex.requireBytes32(termsHash);
    }

    public byte[] structHash() {
      return Eip712.keccak(Abi.concat(CONSENT_TYPEHASH, Abi.address(contributor),
          Hex.decode(termsHash), Abi.uint(expiresAt), Abi.uint(nonce), Abi.uint(deadline)));
    }

    public byte[] digest(Eip712.Domain domain) {
      return Eip712.digest(domain.separator(), structHash());
    }
  }

  /** A withdrawal of consent to the terms {@code termsHash}. */
  public record Revocation(String contributor, String termsHash, BigInteger nonce, long deadline) {
    public Revocation {
      Hex.requireAddress(contributor);
      Hex.requireBytes32(termsHash);
    }

    public byte[] structHash() {
      return Eip712.keccak(Abi.concat(REVOCATION_TYPEHASH, Abi.address(contributor),
          Hex.decode(termsHash), Abi.uint(nonce), Abi.uint(deadline)));
    }

    public byte[] digest(Eip712.Domain domain) {
      return Eip712.digest(domain.separator(), structHash());
    }
  }

  public static Eip712.Domain domain(long chainId, String consentRegistry) {
    return new Eip712.Domain(DOMAIN_NAME, DOMAIN_VERSION, chainId, consentRegistry);
  }
}
