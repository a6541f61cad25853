package io.labelledger.testsupport;

import io.labelledger.chain.contracts.DataMarketplace.ClaimParams;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The service's {@link io.labelledger.market.SharesTree} with the conveniences tests want: leaf i is
 * {@code (uint256 i, address account, uint256 shares)}, hashed as OpenZeppelin's StandardMerkleTree
 * does, so its root lists on-chain and its proofs verify in {@code claim}.
 *
 * <p>{@link #totalShares()} is the sum of the leaves; a listing may deliberately declare another
 * total (a malformed tree), which is why the tree does not pin it.
 */
public final class SharesTree {
  /** One leaf: its index in the tree, the account paid, and its shares. */
  public record Leaf(int index, String account, BigInteger shares) {}

  private final List<Leaf> leaves;
  private final io.labelledger.market.SharesTree tree;

  private SharesTree(List<Leaf> leaves) {
    this.leaves = List.copyOf(leaves);
    this.tree = io.labelledger.market.SharesTree.of(leaves.stream()
        .map(l -> new io.labelledger.market.SharesTree.Entry(l.account(), l.shares())).toList());
  }

  /** Leaf i of the tree gets the i-th (account, shares) pair. */
  public static SharesTree of(List<String> accounts, List<BigInteger> shares) {
    if (accounts.size() != shares.size()) {
      throw new IllegalArgumentException(accounts.size() + " accounts but " + shares.size() + " share counts");
    }
    List<Leaf> leaves = new ArrayList<>();
    for (int i = 0; i < accounts.size(); i++) {
      leaves.add(new Leaf(i, accounts.get(i), shares.get(i)));
    }
    return new SharesTree(leaves);
  }

  /** Convenience for small trees: {@code SharesTree.of(List.of(a, b), 1, 2)}. */
  public static SharesTree of(List<String> accounts, long... shares) {
    List<BigInteger> big = new ArrayList<>();
    for (long s : shares) {
      big.add(BigInteger.valueOf(s));
    }
    return of(accounts, big);
  }

  /** {@code keccak256(bytes.concat(keccak256(abi.encode(index, account, shares))))}, as {@code sharesLeaf}. */
  public static byte[] leafHash(long index, String account, BigInteger shares) {
    return io.labelledger.market.SharesTree.leaf(index, account, shares);
  }

  public byte[] root() {
    return tree.root();
  }

  public int size() {
    return leaves.size();
  }

  public List<Leaf> leaves() {
    return leaves;
  }

  public Leaf leaf(int index) {
    return leaves.get(index);
  }

  public BigInteger totalShares() {
    return leaves.stream().map(Leaf::shares).reduce(BigInteger.ZERO, BigInteger::add);
  }

  public List<byte[]> proof(int index) {
    return tree.proof(index);
  }

  /** The claimMany item for leaf {@code index} of this tree listed as {@code datasetId}. */
  public ClaimParams claimParams(BigInteger datasetId, int index) {
    Leaf leaf = leaves.get(index);
    return new ClaimParams(datasetId, BigInteger.valueOf(index), leaf.account(), leaf.shares(), proof(index));
  }
}
