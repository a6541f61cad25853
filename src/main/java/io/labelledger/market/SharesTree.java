package io.labelledger.market;

import io.labelledger.chain.Abi;
import io.labelledger.chain.Hex;
import io.labelledger.provenance.StandardMerkleTree;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The shares tree a dataset is listed with: leaf i = (i, account, shares) in OpenZeppelin's
 * StandardMerkleTree convention with types (uint256, address, uint256), as DataMarketplace checks
 * claims. Indices are positions in the list given, so neighbours share a claimed-amount word.
 */
public final class SharesTree {
  /** One contributor's shares. */
  public record Entry(String account, BigInteger shares) {
    public Entry {
      Hex.requireAddress(account);
      if (shares.signum() <= 0) {
        throw new IllegalArgumentException("shares must be positive: " + shares);
      }
    }
  }

  private final List<Entry> entries;
  private final StandardMerkleTree tree;
  private final BigInteger totalShares;

  private SharesTree(List<Entry> entries, StandardMerkleTree tree, BigInteger totalShares) {
    this.entries = entries;
    this.tree = tree;
    this.totalShares = totalShares;
  }

  public static SharesTree of(List<Entry> entries) {
    List<byte[]> leaves = new ArrayList<>(entries.size());
    BigInteger total = BigInteger.ZERO;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      leaves.add(leaf(i, e.account(), e.shares()));
      total = total.add(e.shares());
    }
    return new SharesTree(List.copyOf(entries), StandardMerkleTree.of(leaves), total);
  }

  /** The leaf hash of (index, account, shares), as {@code DataMarketplace.sharesLeaf} computes it. */
  public static byte[] leaf(long index, String account, BigInteger shares) {
    return StandardMerkleTree.leafHash(Abi.concat(Abi.uint(index), Abi.address(account), Abi.uint(shares)));
  }

  public byte[] root() {
    return tree.root();
  }

  public BigInteger totalShares() {
    return totalShares;
  }

  public int size() {
    return entries.size();
  }

  public List<Entry> entries() {
    return entries;
  }

  public Entry entry(int index) {
    return entries.get(index);
  }

  public List<byte[]> proof(int index) {
    return tree.proof(index);
  }
}
