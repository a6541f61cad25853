package io.labelledger.audit;

import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import io.labelledger.contribution.ContributionMessage;
import io.labelledger.provenance.StandardMerkleTree;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The audit bundle of one listed dataset, format version 1: public and content-free JSON that lets
 * anyone check, with nothing but an RPC endpoint, that the dataset is made of contributions signed
 * by their contributors, anchored on-chain, covered by valid consent, and paid for as promised.
 * Documented by {@code frontend-api/audit-bundle.schema.json}; written by {@link AuditBundleWriter},
 * read by {@link AuditBundleReader}, checked by {@link AuditVerifier}.
 *
 * <p>Members appear in this order, so that a bundle of any size is written and read in one pass:
 * {@code format}, {@code version}, {@code chain}, {@code dataset}, {@code sharesRule}, then the
 * {@code contributions} array, then the {@code shares} array.
 *
 * <p>Conventions: addresses and hashes are lower-case {@code 0x} hex; uint256 values that may
 * exceed 2^53 (campaign and item ids, dataset id, shares) are decimal strings; times are unix
 * seconds. The answer is never in a bundle: {@code answerHash} = keccak256 of its UTF-8 bytes is
 * what EIP-712 hashes a {@code string} field to, so the signed digest is recomputed from it.
 *
 * <p>Roots: a contribution's leaf is {@code keccak256(keccak256(abi.encode(digest)))} (OpenZeppelin
 * StandardMerkleTree, value type {@code bytes32}), the leaf anchored in its batch; the dataset's
 * content root is the StandardMerkleTree root over the leaves of all its contributions; its shares
 * root is the StandardMerkleTree root over {@code (uint256 index, address account, uint256 shares)}
 * ({@link io.labelledger.market.SharesTree}).
 */
public final class AuditBundle {
  /** Value of the {@code format} member. */
  public static final String FORMAT = "labelledger-audit-bundle";
  /** Value of the {@code version} member written by this code and the only one it reads. */
  public static final int VERSION = 1;

  private AuditBundle() {}

  /** The on-chain ids the bundle is about. */
  public record Chain(long chainId, String consentRegistry, String provenanceRegistry, String marketplace,
      String paymentToken) {
    public Chain {
      if (chainId <= 0) {
        throw new IllegalArgumentException("chainId must be positive: " + chainId);
      }
      consentRegistry = address(consentRegistry, "consentRegistry");
      provenanceRegistry = address(provenanceRegistry, "provenanceRegistry");
      marketplace = address(marketplace, "marketplace");
      paymentToken = address(paymentToken, "paymentToken");
    }

    /** The ids of a deployment (what the service records in {@code deployment.json}). */
    public static Chain of(io.labelledger.chain.Deployment d) {
      return new Chain(d.chainId(), d.consentRegistry(), d.provenanceRegistry(), d.marketplace(), d.paymentToken());
    }

    /** The EIP-712 domain contributions are signed under (ProvenanceRegistry on this chain). */
    public Eip712.Domain contributionDomain() {
      return ContributionMessage.domain(chainId, provenanceRegistry);
    }
  }

  /**
   * The listed dataset, as the bundle states it (the verifier compares every field with the chain).
   *
   * @param contributionCount how many contributions the {@code contributions} array holds
   */
  public record Dataset(BigInteger id, byte[] contentRoot, byte[] sharesRoot, BigInteger totalShares,
      byte[] termsHash, long contributionCount) {
    public Dataset {
      if (id == null || id.signum() <= 0) {
        throw new IllegalArgumentException("dataset id must be positive: " + id);
      }
      bytes32(contentRoot, "contentRoot");
      bytes32(sharesRoot, "sharesRoot");
      bytes32(termsHash, "termsHash");
      if (totalShares == null || totalShares.signum() < 0) {
        throw new IllegalArgumentException("totalShares must be non-negative: " + totalShares);
      }
      if (contributionCount < 0) {
        throw new IllegalArgumentException("contributionCount must be non-negative: " + contributionCount);
      }
    }
  }

  /**
   * The rule that turned contributions into shares: {@link #ONE_SHARE_PER_CONTRIBUTION_ID} (every
   * contribution one share; every version built before weighted rules existed) or
   * {@link #WEIGHTED_BY_CAMPAIGN_ID} (a contribution to campaign c earns {@code weights[c]} shares, e.g. an
   * accepted recording 10 and an accepted validation of one 1). Either way an account's shares are the
   * sum over its contributions in the bundle, so a verifier recomputes them from the bundle alone. Any
   * other id is reported as a rule the verifier cannot check.
   *
   * @param weights campaign id to shares per contribution, for the weighted rule; empty otherwise
   */
  public record SharesRule(String id, String description, java.util.SortedMap<BigInteger, Long> weights) {
    public static final String ONE_SHARE_PER_CONTRIBUTION_ID = "one-share-per-contribution";
    public static final String WEIGHTED_BY_CAMPAIGN_ID = "weighted-by-campaign";
    public static final SharesRule ONE_SHARE_PER_CONTRIBUTION = new SharesRule(ONE_SHARE_PER_CONTRIBUTION_ID,
        "Every accepted contribution in the dataset earns its contributor one share; an account's shares"
            + " are the number of its contributions listed in this bundle.");
    /** The largest weight a rule may state: shares stay far below 2^63 for any realistic bundle. */
    public static final long MAX_WEIGHT = 1_000_000;

    public SharesRule(String id, String description) {
      this(id, description, java.util.Collections.emptySortedMap());
    }

    public SharesRule {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("sharesRule.id is required");
      }
      description = description == null ? "" : description;
      weights = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(
          weights == null ? java.util.Map.of() : weights));
      if (WEIGHTED_BY_CAMPAIGN_ID.equals(id) && weights.isEmpty()) {
        throw new IllegalArgumentException("sharesRule.weights must name at least one campaign");
      }
      if (!WEIGHTED_BY_CAMPAIGN_ID.equals(id) && !weights.isEmpty()) {
        throw new IllegalArgumentException("sharesRule.weights belongs to the rule " + WEIGHTED_BY_CAMPAIGN_ID);
      }
      for (var w : weights.entrySet()) {
        uint256(w.getKey(), "sharesRule.weights campaign id");
        if (w.getValue() == null || w.getValue() < 1 || w.getValue() > MAX_WEIGHT) {
          throw new IllegalArgumentException("sharesRule.weights of campaign " + w.getKey() + " must be from 1 to "
              + MAX_WEIGHT + ": " + w.getValue());
        }
      }
    }

    /** The weighted rule with {@code weights} (campaign id to shares per contribution). */
    public static SharesRule weighted(java.util.Map<Long, Long> weights) {
      java.util.TreeMap<BigInteger, Long> byCampaign = new java.util.TreeMap<>();
      weights.forEach((campaign, w) -> byCampaign.put(BigInteger.valueOf(campaign), w));
      StringBuilder text = new StringBuilder("Every accepted contribution in the dataset earns its contributor the"
          + " shares of its campaign:");
      byCampaign.forEach((campaign, w) -> text.append(" campaign ").append(campaign).append(' ').append(w)
          .append(w == 1 ? " share;" : " shares;"));
      text.append(" an account's shares are the sum over its contributions listed in this bundle.");
      return new SharesRule(WEIGHTED_BY_CAMPAIGN_ID, text.toString(), byCampaign);
    }

    /** Whether a verifier of this code can check the rule. */
    public boolean known() {
      return ONE_SHARE_PER_CONTRIBUTION_ID.equals(id) || WEIGHTED_BY_CAMPAIGN_ID.equals(id);
    }

    /**
     * The shares one contribution to {@code campaignId} earns under this rule; 0 when the weighted rule
     * states no weight for the campaign (a contribution the rule does not pay for: a failure to report).
     */
    public long sharesOf(BigInteger campaignId) {
      if (ONE_SHARE_PER_CONTRIBUTION_ID.equals(id)) {
        return 1;
      }
      Long w = weights.get(campaignId);
      return w == null ? 0 : w;
    }
  }

  /** Everything before the contributions. */
  public record Header(Chain chain, Dataset dataset, SharesRule sharesRule) {
    public Header {
      Objects.requireNonNull(chain, "chain");
      Objects.requireNonNull(dataset, "dataset");
      Objects.requireNonNull(sharesRule, "sharesRule");
    }
  }

  /**
   * One contribution: the fields its contributor signed (the answer as its keccak256), the
   * signature, the anchored leaf, the on-chain batch and the StandardMerkleTree proof of the leaf
   * in that batch.
   *
   * @param id the service's own identifier of the contribution, or null (informational: failures
   *     name it)
   * @param submittedAt the signed {@code submittedAt}, unix seconds
   * @param signature 65 bytes {@code r ‖ s ‖ v}
   */
  public record Contribution(String id, String contributor, BigInteger campaignId, BigInteger itemId,
      byte[] answerHash, byte[] termsHash, long submittedAt, byte[] signature, byte[] leaf, long batchId,
      List<byte[]> proof) {
    public Contribution {
      contributor = address(contributor, "contributor");
      uint256(campaignId, "campaignId");
      uint256(itemId, "itemId");
      bytes32(answerHash, "answerHash");
      bytes32(termsHash, "termsHash");
      if (submittedAt < 0) {
        throw new IllegalArgumentException("submittedAt must be non-negative: " + submittedAt);
      }
      if (signature == null || signature.length != 65) {
        throw new IllegalArgumentException("signature must be 65 bytes");
      }
      bytes32(leaf, "leaf");
      if (batchId <= 0) {
        throw new IllegalArgumentException("batchId must be positive: " + batchId);
      }
      Objects.requireNonNull(proof, "proof");
      for (byte[] node : proof) {
        bytes32(node, "proof node");
      }
      proof = List.copyOf(proof);
    }

    /**
     * A contribution whose leaf is computed from its signed fields under {@code chain}'s
     * contribution domain: what a writer that holds the fields, not the leaf, should use.
     */
    public static Contribution withComputedLeaf(Chain chain, String id, String contributor, BigInteger campaignId,
        BigInteger itemId, byte[] answerHash, byte[] termsHash, long submittedAt, byte[] signature, long batchId,
        List<byte[]> proof) {
      byte[] digest = digest(chain.contributionDomain().separator(), contributor, campaignId, itemId, answerHash,
          termsHash, submittedAt);
      return new Contribution(id, contributor, campaignId, itemId, answerHash, termsHash, submittedAt, signature,
          leafOf(digest), batchId, proof);
    }
  }

  /** One leaf of the shares tree: {@code (index, account, shares)}. */
  public record Share(long index, String account, BigInteger shares) {
    public Share {
      if (index < 0) {
        throw new IllegalArgumentException("index must be non-negative: " + index);
      }
      account = address(account, "account");
      uint256(shares, "shares");
    }
  }

  // ------------------------------------------------------------------ the hashes a bundle rests on

  /** {@code keccak256(bytes(answer))}: what a bundle carries instead of the answer. */
  public static byte[] answerHash(String answer) {
    return Eip712.keccak(answer.getBytes(StandardCharsets.UTF_8));
  }

  /** The EIP-712 digest the contributor signed, from the answer's hash. */
  public static byte[] digest(byte[] domainSeparator, String contributor, BigInteger campaignId, BigInteger itemId,
      byte[] answerHash, byte[] termsHash, long submittedAt) {
    return Eip712.digest(domainSeparator, ContributionMessage.structHash(contributor, campaignId, itemId, answerHash,
        Hex.encode(termsHash), submittedAt));
  }

  /** The StandardMerkleTree leaf of a contribution digest, as {@code ProvenanceRegistry.leafOf}. */
  public static byte[] leafOf(byte[] digest) {
    return StandardMerkleTree.leafHash(digest);
  }

  // ------------------------------------------------------------------ validation helpers

  static String address(String value, String what) {
    if (value == null) {
      throw new IllegalArgumentException(what + " is required");
    }
    boolean ok = value.length() == 42 && value.charAt(0) == '0' && value.charAt(1) == 'x';
    boolean lower = true;
    for (int i = 2; ok && i < 42; i++) { // by hand: this runs for every contribution of a bundle
      char c = value.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      boolean small = c >= 'a' && c <= 'f';
      ok = digit || small || (c >= 'A' && c <= 'F');
      lower &= digit || small;
    }
    if (!ok) {
      throw new IllegalArgumentException(what + " is not an address (0x + 40 hex digits): " + value);
    }
    return lower ? value : value.toLowerCase(Locale.ROOT);
  }

  static void bytes32(byte[] value, String what) {
    if (value == null || value.length != 32) {
      throw new IllegalArgumentException(what + " must be 32 bytes");
    }
  }

  static void uint256(BigInteger value, String what) {
    if (value == null || value.signum() < 0 || value.bitLength() > 256) {
      throw new IllegalArgumentException(what + " must be a uint256: " + value);
    }
  }
}
