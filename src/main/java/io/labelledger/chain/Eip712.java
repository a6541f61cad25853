package io.labelledger.chain;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.jcajce.provider.digest.Keccak;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;

/**
 * EIP-712 hashing without the JSON round trip of web3j's StructuredDataEncoder: struct hashes are
 * computed directly from their ABI encoding, which is what makes signature checks cheap enough
 * for thousands of signed requests a second. Every type built on this is cross-checked against
 * StructuredDataEncoder and against the contracts in the tests.
 */
public final class Eip712 {
  private static final byte[] DOMAIN_TYPEHASH = keccak(
      "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");

  private Eip712() {}

  /** An EIP-712 domain as the contracts declare it (name, version, chain id, verifying contract). */
  public record Domain(String name, String version, long chainId, String verifyingContract) {
    public Domain {
      if (name == null || version == null || verifyingContract == null) {
        throw new IllegalArgumentException("domain fields are required");
      }
      Hex.requireAddress(verifyingContract);
      verifyingContract = verifyingContract.toLowerCase();
    }

    /** The domain separator; computed once per domain (a service has two), then copied from a cache. */
    public byte[] separator() {
      return SEPARATORS.computeIfAbsent(this, d -> keccak(Abi.concat(
          DOMAIN_TYPEHASH,
          keccak(d.name()),
          keccak(d.version()),
          Abi.uint(BigInteger.valueOf(d.chainId())),
          Abi.address(d.verifyingContract())))).clone();
    }
  }

  private static final java.util.concurrent.ConcurrentHashMap<Domain, byte[]> SEPARATORS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** {@code keccak256("\x19\x01" ‖ domainSeparator ‖ structHash)}. */
  public static byte[] digest(byte[] domainSeparator, byte[] structHash) {
    Keccak.Digest256 k = new Keccak.Digest256();
    k.update(new byte[] {0x19, 0x01});
    k.update(domainSeparator);
    k.update(structHash);
    return k.digest();
  }

  /** A 65-byte {@code r ‖ s ‖ v} signature (v = 27 or 28) of a digest, as wallets produce. */
  public static byte[] sign(byte[] digest, Credentials signer) {
    Sign.SignatureData sig = Sign.signMessage(digest, signer.getEcKeyPair(), false);
    return Abi.concat(sig.getR(), sig.getS(), sig.getV());
  }

  public static byte[] keccak(String text) {
    return keccak(text.getBytes(StandardCharsets.UTF_8));
  }

  public static byte[] keccak(byte[] data) {
    return new Keccak.Digest256().digest(data);
  }
}
