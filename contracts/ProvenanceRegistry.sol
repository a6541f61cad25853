// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IProvenanceRegistry} from "./IProvenanceRegistry.sol";

/// @title ProvenanceRegistry
/// @notice Anchors Merkle roots of contribution batches: (batchId, root, leafCount, timestamp)
///         stored and emitted; anyone verifies a contribution's inclusion with its proof.
/// @dev A root is anchored at most once. Storage per batch: batchId => root, and
///      root => batchId (64) | leafCount (64) << 64 | anchoredAt (48) << 128.
contract ProvenanceRegistry is IProvenanceRegistry, AccessControl, EIP712 {
    /// @notice Role allowed to anchor batch roots.
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    /// @inheritdoc IProvenanceRegistry
    bytes32 public constant CONTRIBUTION_TYPEHASH = keccak256(
        "Contribution(address contributor,uint256 campaignId,uint256 itemId,string answer,bytes32 termsHash,uint256 submittedAt)"
    );

    uint256 private constant _MASK64 = (1 << 64) - 1;

    uint64 private _batchCount;
    mapping(uint64 batchId => bytes32) private _rootOf;
    mapping(bytes32 root => uint256) private _packedOf;

    /// @notice Deploys the registry.
    /// @param admin receives DEFAULT_ADMIN_ROLE
    /// @param anchorer receives ANCHORER_ROLE (may be address(0) to grant later)
    constructor(address admin, address anchorer) EIP712("LabelLedger Provenance", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (anchorer != address(0)) _grantRole(ANCHORER_ROLE, anchorer);
    }

    /// @inheritdoc IProvenanceRegistry
    function anchor(bytes32 root, uint64 leafCount) external onlyRole(ANCHORER_ROLE) returns (uint64 batchId) {
        if (root == bytes32(0)) revert ProvenanceRegistryZeroRoot();
        if (leafCount == 0) revert ProvenanceRegistryZeroLeafCount();
        uint256 existing = _packedOf[root];
        if (existing != 0) revert ProvenanceRegistryRootAlreadyAnchored(root, uint64(existing));
        batchId = _batchCount + 1; // checked; 2^64 batches cannot happen
        _batchCount = batchId;
        _rootOf[batchId] = root;
        _packedOf[root] = uint256(batchId) | (uint256(leafCount) << 64) | (block.timestamp << 128);
        emit BatchAnchored(batchId, root, leafCount, uint48(block.timestamp));
    }

    /// @inheritdoc IProvenanceRegistry
    function batch(uint64 batchId) external view returns (bytes32 root, uint64 leafCount, uint48 anchoredAt) {
        root = _rootOf[batchId];
        if (root != bytes32(0)) {
            uint256 packed = _packedOf[root];
            leafCount = uint64(packed >> 64);
            anchoredAt = uint48(packed >> 128);
        }
    }

    /// @inheritdoc IProvenanceRegistry
    function batchOfRoot(bytes32 root) external view returns (uint64) {
        return uint64(_packedOf[root] & _MASK64);
    }

    /// @inheritdoc IProvenanceRegistry
    function batchCount() external view returns (uint64) {
        return _batchCount;
    }

    /// @inheritdoc IProvenanceRegistry
    function leafOf(bytes32 digest) external pure returns (bytes32) {
        return _leaf(digest);
    }

    /// @inheritdoc IProvenanceRegistry
    function verifyInclusion(uint64 batchId, bytes32 digest, bytes32[] calldata proof) external view returns (bool) {
        bytes32 root = _rootOf[batchId];
        if (root == bytes32(0)) return false;
        return MerkleProof.verifyCalldata(proof, root, _leaf(digest));
    }

    /// @inheritdoc IProvenanceRegistry
    function contributionDigest(
        address contributor,
        uint256 campaignId,
        uint256 itemId,
        bytes32 answerHash,
        bytes32 termsHash,
        uint256 submittedAt
    ) external view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(CONTRIBUTION_TYPEHASH, contributor, campaignId, itemId, answerHash, termsHash, submittedAt)
            )
        );
    }

    /// @dev StandardMerkleTree leaf of a ["bytes32"] value.
    function _leaf(bytes32 digest) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(digest))));
    }
}
