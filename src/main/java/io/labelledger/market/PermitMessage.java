package io.labelledger.market;

import io.labelledger.chain.Abi;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import java.math.BigInteger;

/**
 * An EIP-2612 permit: the token holder's signature that lets {@code spender} pull {@code value},
 * so a buyer pays the marketplace in one transaction with no prior approve.
 */
public record PermitMessage(String owner, String spender, BigInteger value, BigInteger nonce, long deadline) {
  private static final byte[] TYPEHASH =
      Eip712.keccak("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");

  public PermitMessage {
    Hex.requireAddress(owner);
    Hex.requireAddress(spender);
  }

  public byte[] digest(Eip712.Domain tokenDomain) {
    return Eip712.digest(tokenDomain.separator(), Eip712.keccak(Abi.concat(TYPEHASH, Abi.address(owner),
        Abi.address(spender), Abi.uint(value), Abi.uint(nonce), Abi.uint(deadline))));
  }
}
