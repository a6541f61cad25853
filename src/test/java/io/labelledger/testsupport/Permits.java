package io.labelledger.testsupport;

import io.labelledger.chain.Abi;
import io.labelledger.chain.Eip712;
import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Sign;

/** EIP-2612 permits signed in Java, as a wallet's {@code eth_signTypedData_v4} would sign them. */
public final class Permits {
  private static final byte[] PERMIT_TYPEHASH =
      Eip712.keccak("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

  private Permits() {}

  /** A signed permit: the arguments {@code permit} and {@code purchaseWithPermit} take. */
  public record Permit(String owner, String spender, BigInteger value, BigInteger nonce, BigInteger deadline,
      BigInteger v, byte[] r, byte[] s) {}

  /**
   * Signs {@code Permit(owner, spender, value, nonce, deadline)} for a token's EIP-712 domain
   * (for TestToken: name "LabelLedger Test USD", version "1").
   */
  public static Permit sign(Eip712.Domain domain, Credentials owner, String spender, BigInteger value,
      BigInteger nonce, BigInteger deadline) {
    byte[] structHash = Eip712.keccak(Abi.concat(
        PERMIT_TYPEHASH,
        Abi.address(owner.getAddress()),
        Abi.address(spender),
        Abi.uint(value),
        Abi.uint(nonce),
        Abi.uint(deadline)));
    byte[] digest = Eip712.digest(domain.separator(), structHash);
    Sign.SignatureData sig = Sign.signMessage(digest, owner.getEcKeyPair(), false);
    return new Permit(owner.getAddress(), spender, value, nonce, deadline,
        BigInteger.valueOf(Byte.toUnsignedInt(sig.getV()[0])), sig.getR(), sig.getS());
  }

  /** The TestToken domain on a chain. */
  public static Eip712.Domain testTokenDomain(long chainId, String token) {
    return new Eip712.Domain("LabelLedger Test USD", "1", chainId, token);
  }
}
