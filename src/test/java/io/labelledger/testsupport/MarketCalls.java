package io.labelledger.testsupport;

import io.labelledger.chain.contracts.DataMarketplace.ClaimParams;
import io.labelledger.chain.contracts.DataMarketplace.ListingParams;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint128;
import org.web3j.abi.datatypes.generated.Uint16;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint8;

/**
 * DataMarketplace (and token) calls as web3j {@link Function}s, for what the generated wrapper
 * cannot do: simulating a call that must revert ({@link TestChain#expectRevert}) and encoding the
 * calldata HostileToken replays during a transfer.
 */
public final class MarketCalls {
  private MarketCalls() {}

  public static Function setFeeBps(long feeBps) {
    return fn("setFeeBps", new Uint16(feeBps));
  }

  public static Function list(ListingParams params) {
    return fn("list", params);
  }

  public static Function reprice(BigInteger datasetId, BigInteger newPrice) {
    return fn("reprice", new Uint256(datasetId), new Uint128(newPrice));
  }

  public static Function delist(BigInteger datasetId) {
    return fn("delist", new Uint256(datasetId));
  }

  public static Function purchase(BigInteger datasetId, BigInteger maxPrice) {
    return fn("purchase", new Uint256(datasetId), new Uint256(maxPrice));
  }

  public static Function purchaseWithPermit(BigInteger datasetId, Permits.Permit permit) {
    return fn("purchaseWithPermit", new Uint256(datasetId), new Uint256(permit.value()),
        new Uint256(permit.deadline()), new Uint8(permit.v()), new Bytes32(permit.r()), new Bytes32(permit.s()));
  }

  public static Function claim(BigInteger datasetId, BigInteger index, String account, BigInteger shares,
      List<byte[]> proof) {
    return fn("claim", new Uint256(datasetId), new Uint256(index), new Address(account), new Uint256(shares),
        proof(proof));
  }

  /** Claims leaf {@code index} of {@code tree} listed as {@code datasetId}, with its own proof. */
  public static Function claim(BigInteger datasetId, SharesTree tree, int index) {
    SharesTree.Leaf leaf = tree.leaf(index);
    return claim(datasetId, BigInteger.valueOf(index), leaf.account(), leaf.shares(), tree.proof(index));
  }

  public static Function claimMany(List<ClaimParams> claims) {
    return fn("claimMany", new DynamicArray<>(ClaimParams.class, claims));
  }

  public static Function withdrawFees(List<BigInteger> datasetIds, String to) {
    return fn("withdrawFees",
        new DynamicArray<>(Uint256.class, datasetIds.stream().map(Uint256::new).toList()), new Address(to));
  }

  public static Function pause() {
    return fn("pause");
  }

  public static Function unpause() {
    return fn("unpause");
  }

  public static Function dataset(BigInteger datasetId) {
    return fn("dataset", new Uint256(datasetId));
  }

  public static Function grantRole(byte[] role, String account) {
    return fn("grantRole", new Bytes32(role), new Address(account));
  }

  public static Function revokeRole(byte[] role, String account) {
    return fn("revokeRole", new Bytes32(role), new Address(account));
  }

  public static Function renounceRole(byte[] role, String callerConfirmation) {
    return fn("renounceRole", new Bytes32(role), new Address(callerConfirmation));
  }

  /** ERC-20 {@code transfer}. */
  public static Function transfer(String to, BigInteger amount) {
    return fn("transfer", new Address(to), new Uint256(amount));
  }

  /** EIP-2612 {@code permit}, as anyone who saw the signature can submit it. */
  public static Function permit(Permits.Permit permit) {
    return fn("permit", new Address(permit.owner()), new Address(permit.spender()), new Uint256(permit.value()),
        new Uint256(permit.deadline()), new Uint8(permit.v()), new Bytes32(permit.r()), new Bytes32(permit.s()));
  }

  /** HostileToken's {@code configure(target, data)}: replay {@code data} at {@code target} during transfers. */
  public static Function configure(String target, byte[] data) {
    return fn("configure", new Address(target), new DynamicBytes(data));
  }

  private static DynamicArray<Bytes32> proof(List<byte[]> proof) {
    return new DynamicArray<>(Bytes32.class, proof.stream().map(Bytes32::new).toList());
  }

  @SuppressWarnings("rawtypes")
  private static Function fn(String name, Type... args) {
    return new Function(name, List.of(args), List.of());
  }
}
