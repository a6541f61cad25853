// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IConsentRegistry
/// @notice Consent of contributors to published terms, granted and revoked directly or through
///         EIP-712 signed messages relayed by anyone (singly or in batches).
/// @dev EIP-712 domain: name "LabelLedger ConsentRegistry", version "1". Typed structs:
///      `Consent(address contributor,bytes32 termsHash,uint256 expiresAt,uint256 nonce,uint256 deadline)`
///      `Revocation(address contributor,bytes32 termsHash,uint256 nonce,uint256 deadline)`.
///      Nonces are per (contributor, termsHash) pair. Every state change of a pair, direct or
///      relayed, consumes the pair's current nonce.
interface IConsentRegistry {
    /// @notice A signed grant of consent, as relayed.
    /// @param contributor the account that signed and consents
    /// @param termsHash keccak256 of the terms text consented to
    /// @param expiresAt unix time (seconds) at which the consent stops being valid
    /// @param nonce the pair's current nonce (see nonceOf)
    /// @param deadline unix time after which the signature may no longer be relayed
    struct ConsentGrant {
        address contributor;
        bytes32 termsHash;
        uint256 expiresAt;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice A signed revocation of consent, as relayed.
    /// @param contributor the account that signed and revokes
    /// @param termsHash keccak256 of the terms text
    /// @param nonce the pair's current nonce (see nonceOf)
    /// @param deadline unix time after which the signature may no longer be relayed
    struct ConsentRevocation {
        address contributor;
        bytes32 termsHash;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice The current consent record of a (contributor, termsHash) pair.
    /// @param grantedAt start of the current interval (0 = never granted)
    /// @param expiresAt expiry of the current interval
    /// @param revokedAt time the current interval was revoked (0 = not revoked)
    /// @param nonce the nonce the next signed message for this pair must carry
    /// @param historyLength number of earlier, closed intervals stored in the history
    struct ConsentRecord {
        uint48 grantedAt;
        uint48 expiresAt;
        uint48 revokedAt;
        uint32 nonce;
        uint32 historyLength;
    }

    /// @notice Terms were registered.
    /// @param termsHash keccak256 of the terms text
    /// @param uri where the terms text is published
    /// @param by the TERMS_ADMIN_ROLE account that registered them
    event TermsRegistered(bytes32 indexed termsHash, string uri, address by);

    /// @notice Consent was granted (or renewed: a grant while one is active ends the previous interval now).
    /// @param contributor the consenting account
    /// @param termsHash the terms consented to
    /// @param grantedAt start of the new interval (block timestamp)
    /// @param expiresAt end of the new interval unless revoked earlier
    /// @param nonce the nonce consumed by this grant
    /// @param by msg.sender: the contributor itself (direct) or the relayer
    event ConsentGranted(
        address indexed contributor,
        bytes32 indexed termsHash,
        uint48 grantedAt,
        uint48 expiresAt,
        uint32 nonce,
        address by
    );

    /// @notice Consent was revoked; the current interval ends at revokedAt.
    /// @param contributor the revoking account
    /// @param termsHash the terms
    /// @param revokedAt the block timestamp at which the consent ended
    /// @param nonce the nonce consumed by this revocation
    /// @param by msg.sender: the contributor itself (direct) or the relayer
    event ConsentRevoked(
        address indexed contributor,
        bytes32 indexed termsHash,
        uint48 revokedAt,
        uint32 nonce,
        address by
    );

    /// @notice An item of a relayed batch was not applied; the rest of the batch was.
    /// @param contributor the item's contributor
    /// @param termsHash the item's terms
    /// @param nonce the nonce the item carried
    /// @param reason selector of the custom error the single call would have reverted with
    event ConsentRelaySkipped(address indexed contributor, bytes32 indexed termsHash, uint256 nonce, bytes4 reason);

    /// @notice The terms hash is zero.
    error ConsentRegistryZeroTermsHash();

    /// @notice The terms are already registered.
    /// @param termsHash the terms hash
    error ConsentRegistryTermsAlreadyRegistered(bytes32 termsHash);

    /// @notice The terms are not registered.
    /// @param termsHash the terms hash
    error ConsentRegistryTermsNotRegistered(bytes32 termsHash);

    /// @notice The expiry is not in the future or does not fit in uint48.
    /// @param expiresAt the requested expiry
    error ConsentRegistryInvalidExpiry(uint256 expiresAt);

    /// @notice The signed message's deadline has passed.
    /// @param deadline the message's deadline
    error ConsentRegistryDeadlineExpired(uint256 deadline);

    /// @notice The signature is malformed or does not recover to the contributor.
    /// @param contributor the claimed signer
    error ConsentRegistryInvalidSignature(address contributor);

    /// @notice The message's nonce is not the pair's current nonce (reused, stale, or from the future).
    /// @param contributor the contributor
    /// @param termsHash the terms
    /// @param expected the pair's current nonce
    /// @param provided the nonce in the message
    error ConsentRegistryWrongNonce(address contributor, bytes32 termsHash, uint256 expected, uint256 provided);

    /// @notice There is no currently valid consent to revoke.
    /// @param contributor the contributor
    /// @param termsHash the terms
    error ConsentRegistryNoActiveConsent(address contributor, bytes32 termsHash);

    /// @notice The batch's item and signature arrays differ in length.
    /// @param items number of items
    /// @param signatures number of signatures
    error ConsentRegistryLengthMismatch(uint256 items, uint256 signatures);

    /// @notice The pair has used all 2^32 nonces (unreachable in practice; keeps the packed record sound).
    /// @param contributor the contributor
    /// @param termsHash the terms
    error ConsentRegistryNonceExhausted(address contributor, bytes32 termsHash);

    /// @notice A history index is past the end of the pair's history.
    /// @param index the requested index
    /// @param length the history length
    error ConsentRegistryHistoryIndexOutOfRange(uint256 index, uint256 length);

    /// @notice Registers terms so that consent can be given to them.
    /// @param termsHash keccak256 of the terms text, non-zero, not yet registered
    /// @param uri where the terms text is published
    function registerTerms(bytes32 termsHash, string calldata uri) external;

    /// @notice The URI registered for terms ("" if not registered).
    /// @param termsHash the terms hash
    /// @return the URI
    function termsUri(bytes32 termsHash) external view returns (string memory);

    /// @notice Whether terms are registered.
    /// @param termsHash the terms hash
    /// @return true if registered
    function isTermsRegistered(bytes32 termsHash) external view returns (bool);

    /// @notice Grants (or renews) consent as msg.sender; consumes the pair's nonce.
    /// @param termsHash registered terms
    /// @param expiresAt expiry, in the future and within uint48
    function grant(bytes32 termsHash, uint256 expiresAt) external;

    /// @notice Revokes msg.sender's active consent; consumes the pair's nonce, which invalidates
    ///         any signed Consent the service may still hold.
    /// @param termsHash the terms
    function revoke(bytes32 termsHash) external;

    /// @notice Relays one signed Consent; reverts on any problem.
    /// @param c the signed grant
    /// @param signature 65-byte (r, s, v) signature by c.contributor
    function grantWithSig(ConsentGrant calldata c, bytes calldata signature) external;

    /// @notice Relays one signed Revocation; reverts on any problem.
    /// @param r the signed revocation
    /// @param signature 65-byte (r, s, v) signature by r.contributor
    function revokeWithSig(ConsentRevocation calldata r, bytes calldata signature) external;

    /// @notice Relays signed Consents; invalid items are skipped with ConsentRelaySkipped, never revert the batch.
    /// @param grants the signed grants
    /// @param signatures one signature per grant
    /// @return applied number of grants applied
    function grantBatchWithSig(ConsentGrant[] calldata grants, bytes[] calldata signatures)
        external
        returns (uint256 applied);

    /// @notice Relays signed Revocations; invalid items are skipped with ConsentRelaySkipped, never revert the batch.
    /// @param revocations the signed revocations
    /// @param signatures one signature per revocation
    /// @return applied number of revocations applied
    function revokeBatchWithSig(ConsentRevocation[] calldata revocations, bytes[] calldata signatures)
        external
        returns (uint256 applied);

    /// @notice Whether the consent of the pair is valid now.
    /// @param contributor the contributor
    /// @param termsHash the terms
    /// @return true if valid at block.timestamp
    function isValid(address contributor, bytes32 termsHash) external view returns (bool);

    /// @notice Whether the consent of the pair was valid at a given time: some interval has grantedAt <= t < end.
    /// @param contributor the contributor
    /// @param termsHash the terms
    /// @param timestamp the unix time asked about
    /// @return true if valid at that time
    function wasValidAt(address contributor, bytes32 termsHash, uint256 timestamp) external view returns (bool);

    /// @notice The pair's current record.
    /// @param contributor the contributor
    /// @param termsHash the terms
    /// @return the record (all zero if never granted)
    function consentOf(address contributor, bytes32 termsHash) external view returns (ConsentRecord memory);

    /// @notice The nonce the next signed message of the pair must carry.
    /// @param contributor the contributor
    /// @param termsHash the terms
    /// @return the nonce
    function nonceOf(address contributor, bytes32 termsHash) external view returns (uint256);

    /// @notice A closed earlier interval of the pair, oldest first.
    /// @param contributor the contributor
    /// @param termsHash the terms
    /// @param index 0 .. historyLength-1
    /// @return grantedAt start of the interval
    /// @return endedAt end of the interval (exclusive)
    function historyAt(address contributor, bytes32 termsHash, uint256 index)
        external
        view
        returns (uint48 grantedAt, uint48 endedAt);

    /// @notice EIP-712 typehash of Consent.
    /// @return the typehash
    function CONSENT_TYPEHASH() external view returns (bytes32);

    /// @notice EIP-712 typehash of Revocation.
    /// @return the typehash
    function REVOCATION_TYPEHASH() external view returns (bytes32);

    /// @notice The EIP-712 digest a contributor signs for a Consent.
    /// @param c the grant
    /// @return the digest
    function consentDigest(ConsentGrant calldata c) external view returns (bytes32);

    /// @notice The EIP-712 digest a contributor signs for a Revocation.
    /// @param r the revocation
    /// @return the digest
    function revocationDigest(ConsentRevocation calldata r) external view returns (bytes32);
}
