// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IProvenanceRegistry
/// @notice Anchors Merkle roots of batches of signed contributions and verifies inclusion.
/// @dev EIP-712 domain: name "LabelLedger Provenance", version "1". Contributors sign
///      `Contribution(address contributor,uint256 campaignId,uint256 itemId,string answer,bytes32 termsHash,uint256 submittedAt)`.
///      Leaf convention = OpenZeppelin StandardMerkleTree, leaf type ["bytes32"], value = the
///      contribution's EIP-712 digest: leaf = keccak256(bytes.concat(keccak256(abi.encode(digest)))),
///      sorted-pair hashing.
interface IProvenanceRegistry {
    /// @notice A batch root was anchored.
    /// @param batchId the id assigned by the contract (1, 2, 3, ...)
    /// @param root the Merkle root of the batch
    /// @param leafCount number of leaves in the batch
    /// @param anchoredAt block timestamp of the anchoring
    event BatchAnchored(uint64 indexed batchId, bytes32 indexed root, uint64 leafCount, uint48 anchoredAt);

    /// @notice The root is zero.
    error ProvenanceRegistryZeroRoot();

    /// @notice The leaf count is zero.
    error ProvenanceRegistryZeroLeafCount();

    /// @notice The root was already anchored.
    /// @param root the root
    /// @param existingBatchId the batch that anchored it
    error ProvenanceRegistryRootAlreadyAnchored(bytes32 root, uint64 existingBatchId);

    /// @notice Anchors a batch root; ANCHORER_ROLE only.
    /// @param root Merkle root, non-zero, never anchored before
    /// @param leafCount number of leaves, non-zero
    /// @return batchId the id assigned to the batch
    function anchor(bytes32 root, uint64 leafCount) external returns (uint64 batchId);

    /// @notice A batch by id.
    /// @param batchId the batch id
    /// @return root the root (zero if unknown)
    /// @return leafCount the leaf count
    /// @return anchoredAt the anchoring timestamp
    function batch(uint64 batchId) external view returns (bytes32 root, uint64 leafCount, uint48 anchoredAt);

    /// @notice The batch that anchored a root.
    /// @param root the root
    /// @return batchId the batch id (0 = not anchored)
    function batchOfRoot(bytes32 root) external view returns (uint64 batchId);

    /// @notice Number of batches anchored (= the highest batch id).
    /// @return the count
    function batchCount() external view returns (uint64);

    /// @notice The Merkle leaf of a contribution digest.
    /// @param digest the contribution's EIP-712 digest
    /// @return keccak256(bytes.concat(keccak256(abi.encode(digest))))
    function leafOf(bytes32 digest) external pure returns (bytes32);

    /// @notice Whether a contribution digest is included in an anchored batch.
    /// @param batchId the batch id
    /// @param digest the contribution's EIP-712 digest
    /// @param proof the StandardMerkleTree proof of the leaf
    /// @return true if the batch exists and the proof verifies
    function verifyInclusion(uint64 batchId, bytes32 digest, bytes32[] calldata proof) external view returns (bool);

    /// @notice The EIP-712 digest of a contribution, from the keccak256 of its answer string.
    /// @param contributor the contributor
    /// @param campaignId the campaign
    /// @param itemId the item
    /// @param answerHash keccak256(bytes(answer))
    /// @param termsHash the terms consented to
    /// @param submittedAt submission time
    /// @return the digest the contributor signed
    function contributionDigest(
        address contributor,
        uint256 campaignId,
        uint256 itemId,
        bytes32 answerHash,
        bytes32 termsHash,
        uint256 submittedAt
    ) external view returns (bytes32);

    /// @notice EIP-712 typehash of Contribution.
    /// @return the typehash
    function CONTRIBUTION_TYPEHASH() external view returns (bytes32);
}
