package io.labelledger.contribution;

import io.labelledger.chain.Abi;
import io.labelledger.chain.Eip712;
import io.labelledger.chain.Hex;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The EIP-712 message a contributor signs for one answer; domain = ProvenanceRegistry
 * ("LabelLedger Provenance", version "1"). {@code answer} is the exact answer string, so the
 * wallet shows what is signed; EIP-712 hashes it, which is what lets an audit bundle carry only
 * {@code keccak256(answer)} and still reproduce the digest.
 */
public record ContributionMessage(
    String contributor, BigInteger campaignId, BigInteger itemId, String answer, String termsHash,
    long submittedAt) {
  public static final String DOMAIN_NAME = "LabelLedger Provenance";
  public static final String DOMAIN_VERSION = "1";
  public static final String TYPE =
      "Contribution(address contributor,uint256 campaignId,uint256 itemId,string answer,bytes32 termsHash,uint256 submittedAt)";
  private static final byte[] TYPEHASH = Eip712.keccak(TYPE);

  public ContributionMessage {
    Hex.requireAddress(contributor);
    Hex.requireBytes32(termsHash);
    if (answer == null) {
      throw new IllegalArgumentException("answer is required");
    }
  }

  public byte[] answerHash() {
    return Eip712.keccak(answer.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] structHash() {
    return structHash(contributor, campaignId, itemId, answerHash(), termsHash, submittedAt);
  }

  /** The struct hash from the answer's hash alone: what an auditor recomputes from a bundle. */
  public static byte[] structHash(String contributor, BigInteger campaignId, BigInteger itemId,
      byte[] answerHash, String termsHash, long submittedAt) {
    return Eip712.keccak(Abi.concat(TYPEHASH, Abi.address(contributor), Abi.uint(campaignId),
        Abi.uint(itemId), Abi.bytes32(answerHash), Hex.decode(termsHash), Abi.uint(submittedAt)));
  }

  public byte[] digest(Eip712.Domain domain) {
    return Eip712.digest(domain.separator(), structHash());
  }

  public static Eip712.Domain domain(long chainId, String provenanceRegistry) {
    return new Eip712.Domain(DOMAIN_NAME, DOMAIN_VERSION, chainId, provenanceRegistry);
  }
}
