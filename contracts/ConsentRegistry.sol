// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IConsentRegistry} from "./IConsentRegistry.sol";

/// @title ConsentRegistry
/// @notice Records contributors' consent to registered terms, with expiry, revocation and a full
///         history: "was this consent valid at time t" is answerable for any past t by eth_call,
///         and the same history is recoverable from ConsentGranted / ConsentRevoked events alone.
/// @dev Consent-safety property: every state change of a (contributor, termsHash) pair consumes
///      the pair's nonce, including the contributor's direct grant() and revoke(). A signed
///      Consent the service still holds therefore becomes unrelayable the moment the contributor
///      acts directly; the operator cannot resurrect a revoked consent with an old signature.
///      Batched relaying skips such stale items (event ConsentRelaySkipped) instead of reverting,
///      so a contributor's direct action cannot block other contributors' relayed messages.
///
///      Storage: one slot per pair holds the current record, packed as
///      grantedAt (48) | expiresAt (48) << 48 | revokedAt (48) << 96 | nonce (32) << 144 | historyLength (32) << 176,
///      so a first consent costs exactly one fresh storage slot. Closed intervals live in a
///      per-pair index => (grantedAt | endedAt << 48) map and are searched by bisection
///      (OpenZeppelin Checkpoints would need its own array-length slot, breaking the one-slot record).
contract ConsentRegistry is IConsentRegistry, AccessControl, EIP712 {
    /// @notice Role allowed to register terms.
    bytes32 public constant TERMS_ADMIN_ROLE = keccak256("TERMS_ADMIN_ROLE");

    /// @inheritdoc IConsentRegistry
    bytes32 public constant CONSENT_TYPEHASH = keccak256(
        "Consent(address contributor,bytes32 termsHash,uint256 expiresAt,uint256 nonce,uint256 deadline)"
    );

    /// @inheritdoc IConsentRegistry
    bytes32 public constant REVOCATION_TYPEHASH =
        keccak256("Revocation(address contributor,bytes32 termsHash,uint256 nonce,uint256 deadline)");

    uint256 private constant _MASK48 = (1 << 48) - 1;
    uint256 private constant _MASK32 = (1 << 32) - 1;
    uint256 private constant _EXPIRES_SHIFT = 48;
    uint256 private constant _REVOKED_SHIFT = 96;
    uint256 private constant _NONCE_SHIFT = 144;
    uint256 private constant _HISTORY_SHIFT = 176;

    /// @dev termsHash => registration time (0 = not registered).
    mapping(bytes32 termsHash => uint256) private _termsRegisteredAt;
    /// @dev termsHash => published URI of the terms text.
    mapping(bytes32 termsHash => string) private _termsUri;
    /// @dev contributor => termsHash => packed current record (see contract doc).
    mapping(address contributor => mapping(bytes32 termsHash => uint256)) private _records;
    /// @dev contributor => termsHash => index => packed closed interval (grantedAt | endedAt << 48).
    mapping(address contributor => mapping(bytes32 termsHash => mapping(uint256 index => uint256))) private _history;

    /// @notice Deploys the registry.
    /// @param admin receives DEFAULT_ADMIN_ROLE and TERMS_ADMIN_ROLE
    constructor(address admin) EIP712("LabelLedger ConsentRegistry", "1") {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(TERMS_ADMIN_ROLE, admin);
    }

    // ------------------------------------------------------------------ terms

    /// @inheritdoc IConsentRegistry
    function registerTerms(bytes32 termsHash, string calldata uri) external onlyRole(TERMS_ADMIN_ROLE) {
        if (termsHash == bytes32(0)) revert ConsentRegistryZeroTermsHash();
        if (_termsRegisteredAt[termsHash] != 0) revert ConsentRegistryTermsAlreadyRegistered(termsHash);
        _termsRegisteredAt[termsHash] = block.timestamp;
        _termsUri[termsHash] = uri;
        emit TermsRegistered(termsHash, uri, msg.sender);
    }

    /// @inheritdoc IConsentRegistry
    function termsUri(bytes32 termsHash) external view returns (string memory) {
        return _termsUri[termsHash];
    }

    /// @inheritdoc IConsentRegistry
    function isTermsRegistered(bytes32 termsHash) external view returns (bool) {
        return _termsRegisteredAt[termsHash] != 0;
    }

    // ------------------------------------------------------------------ direct

    /// @inheritdoc IConsentRegistry
    function grant(bytes32 termsHash, uint256 expiresAt) external {
        if (_termsRegisteredAt[termsHash] == 0) revert ConsentRegistryTermsNotRegistered(termsHash);
        if (!_expiryOk(expiresAt)) revert ConsentRegistryInvalidExpiry(expiresAt);
        _applyGrant(msg.sender, termsHash, _records[msg.sender][termsHash], expiresAt);
    }

    /// @inheritdoc IConsentRegistry
    function revoke(bytes32 termsHash) external {
        uint256 rec = _records[msg.sender][termsHash];
        if (!_activeNow(rec)) revert ConsentRegistryNoActiveConsent(msg.sender, termsHash);
        _applyRevoke(msg.sender, termsHash, rec);
    }

    // ------------------------------------------------------------------ relayed, single

    /// @inheritdoc IConsentRegistry
    function grantWithSig(ConsentGrant calldata c, bytes calldata signature) external {
        bytes4 reason = _tryGrant(c, signature);
        if (reason != bytes4(0)) _revertWith(reason, c.contributor, c.termsHash, c.expiresAt, c.nonce, c.deadline);
    }

    /// @inheritdoc IConsentRegistry
    function revokeWithSig(ConsentRevocation calldata r, bytes calldata signature) external {
        bytes4 reason = _tryRevoke(r, signature);
        if (reason != bytes4(0)) _revertWith(reason, r.contributor, r.termsHash, 0, r.nonce, r.deadline);
    }

    // ------------------------------------------------------------------ relayed, batch

    /// @inheritdoc IConsentRegistry
    function grantBatchWithSig(ConsentGrant[] calldata grants, bytes[] calldata signatures)
        external
        returns (uint256 applied)
    {
        uint256 n = grants.length;
        if (n != signatures.length) revert ConsentRegistryLengthMismatch(n, signatures.length);
        for (uint256 i; i < n;) {
            ConsentGrant calldata c = grants[i];
            bytes4 reason = _tryGrant(c, signatures[i]);
            if (reason == bytes4(0)) {
                // Cannot overflow: applied <= i < n, a calldata array length.
                unchecked {
                    ++applied;
                }
            } else {
                emit ConsentRelaySkipped(c.contributor, c.termsHash, c.nonce, reason);
            }
            // Cannot overflow: i < n, a calldata array length.
            unchecked {
                ++i;
            }
        }
    }

    /// @inheritdoc IConsentRegistry
    function revokeBatchWithSig(ConsentRevocation[] calldata revocations, bytes[] calldata signatures)
        external
        returns (uint256 applied)
    {
        uint256 n = revocations.length;
        if (n != signatures.length) revert ConsentRegistryLengthMismatch(n, signatures.length);
        for (uint256 i; i < n;) {
            ConsentRevocation calldata r = revocations[i];
            bytes4 reason = _tryRevoke(r, signatures[i]);
            if (reason == bytes4(0)) {
                // Cannot overflow: applied <= i < n, a calldata array length.
                unchecked {
                    ++applied;
                }
            } else {
                emit ConsentRelaySkipped(r.contributor, r.termsHash, r.nonce, reason);
            }
            // Cannot overflow: i < n, a calldata array length.
            unchecked {
                ++i;
            }
        }
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IConsentRegistry
    function isValid(address contributor, bytes32 termsHash) external view returns (bool) {
        return _wasValidAt(contributor, termsHash, block.timestamp);
    }

    /// @inheritdoc IConsentRegistry
    function wasValidAt(address contributor, bytes32 termsHash, uint256 timestamp) external view returns (bool) {
        return _wasValidAt(contributor, termsHash, timestamp);
    }

    /// @inheritdoc IConsentRegistry
    function consentOf(address contributor, bytes32 termsHash) external view returns (ConsentRecord memory) {
        uint256 rec = _records[contributor][termsHash];
        return ConsentRecord({
            grantedAt: uint48(rec),
            expiresAt: uint48(rec >> _EXPIRES_SHIFT),
            revokedAt: uint48(rec >> _REVOKED_SHIFT),
            nonce: uint32(rec >> _NONCE_SHIFT),
            historyLength: uint32(rec >> _HISTORY_SHIFT)
        });
    }

    /// @inheritdoc IConsentRegistry
    function nonceOf(address contributor, bytes32 termsHash) external view returns (uint256) {
        return (_records[contributor][termsHash] >> _NONCE_SHIFT) & _MASK32;
    }

    /// @inheritdoc IConsentRegistry
    function historyAt(address contributor, bytes32 termsHash, uint256 index)
        external
        view
        returns (uint48 grantedAt, uint48 endedAt)
    {
        uint256 length = (_records[contributor][termsHash] >> _HISTORY_SHIFT) & _MASK32;
        if (index >= length) revert ConsentRegistryHistoryIndexOutOfRange(index, length);
        uint256 h = _history[contributor][termsHash][index];
        return (uint48(h), uint48(h >> 48));
    }

    /// @inheritdoc IConsentRegistry
    function consentDigest(ConsentGrant calldata c) external view returns (bytes32) {
        return _consentDigest(c);
    }

    /// @inheritdoc IConsentRegistry
    function revocationDigest(ConsentRevocation calldata r) external view returns (bytes32) {
        return _revocationDigest(r);
    }

    // ------------------------------------------------------------------ internals

    /// @dev Validates and applies a signed grant. Returns 0 on success, else the selector of the
    ///      error the single call reverts with (nothing is written in that case).
    function _tryGrant(ConsentGrant calldata c, bytes calldata signature) internal returns (bytes4) {
        if (_termsRegisteredAt[c.termsHash] == 0) return ConsentRegistryTermsNotRegistered.selector;
        if (!_expiryOk(c.expiresAt)) return ConsentRegistryInvalidExpiry.selector;
        if (c.deadline < block.timestamp) return ConsentRegistryDeadlineExpired.selector;
        uint256 rec = _records[c.contributor][c.termsHash];
        if (c.nonce != (rec >> _NONCE_SHIFT) & _MASK32) return ConsentRegistryWrongNonce.selector;
        // The last nonce cannot be consumed: refused here so a batch skips the item instead of reverting.
        if (c.nonce == _MASK32) return ConsentRegistryNonceExhausted.selector;
        if (!_signedBy(_consentDigest(c), signature, c.contributor)) return ConsentRegistryInvalidSignature.selector;
        _applyGrant(c.contributor, c.termsHash, rec, c.expiresAt);
        return bytes4(0);
    }

    /// @dev Validates and applies a signed revocation; same contract as _tryGrant.
    function _tryRevoke(ConsentRevocation calldata r, bytes calldata signature) internal returns (bytes4) {
        if (r.deadline < block.timestamp) return ConsentRegistryDeadlineExpired.selector;
        uint256 rec = _records[r.contributor][r.termsHash];
        if (r.nonce != (rec >> _NONCE_SHIFT) & _MASK32) return ConsentRegistryWrongNonce.selector;
        if (r.nonce == _MASK32) return ConsentRegistryNonceExhausted.selector;
        if (!_activeNow(rec)) return ConsentRegistryNoActiveConsent.selector;
        if (!_signedBy(_revocationDigest(r), signature, r.contributor)) {
            return ConsentRegistryInvalidSignature.selector;
        }
        _applyRevoke(r.contributor, r.termsHash, rec);
        return bytes4(0);
    }

    /// @dev Starts a new interval [now, expiresAt), closing the previous one (if any) into the history
    ///      at min(its expiry, its revocation or now), and consumes the nonce.
    function _applyGrant(address contributor, bytes32 termsHash, uint256 rec, uint256 expiresAt) internal {
        uint256 nonce = (rec >> _NONCE_SHIFT) & _MASK32;
        uint256 historyLength = (rec >> _HISTORY_SHIFT) & _MASK32;
        uint256 grantedAt = rec & _MASK48;
        if (grantedAt != 0) {
            uint256 endedAt = (rec >> _REVOKED_SHIFT) & _MASK48;
            if (endedAt == 0) endedAt = block.timestamp;
            uint256 oldExpiry = (rec >> _EXPIRES_SHIFT) & _MASK48;
            if (oldExpiry < endedAt) endedAt = oldExpiry;
            _history[contributor][termsHash][historyLength] = grantedAt | (endedAt << 48);
            // Cannot overflow 32 bits: historyLength <= nonce, and nonce + 1 is checked below.
            unchecked {
                ++historyLength;
            }
        }
        uint256 newNonce = nonce + 1;
        if (newNonce > _MASK32) revert ConsentRegistryNonceExhausted(contributor, termsHash);
        _records[contributor][termsHash] = block.timestamp | (expiresAt << _EXPIRES_SHIFT)
            | (newNonce << _NONCE_SHIFT) | (historyLength << _HISTORY_SHIFT);
        emit ConsentGranted(
            contributor, termsHash, uint48(block.timestamp), uint48(expiresAt), uint32(nonce), msg.sender
        );
    }

    /// @dev Ends the active interval now and consumes the nonce. Caller checked _activeNow(rec).
    function _applyRevoke(address contributor, bytes32 termsHash, uint256 rec) internal {
        uint256 nonce = (rec >> _NONCE_SHIFT) & _MASK32;
        uint256 newNonce = nonce + 1;
        if (newNonce > _MASK32) revert ConsentRegistryNonceExhausted(contributor, termsHash);
        uint256 cleared = rec & ~((_MASK48 << _REVOKED_SHIFT) | (_MASK32 << _NONCE_SHIFT));
        _records[contributor][termsHash] =
            cleared | (block.timestamp << _REVOKED_SHIFT) | (newNonce << _NONCE_SHIFT);
        emit ConsentRevoked(contributor, termsHash, uint48(block.timestamp), uint32(nonce), msg.sender);
    }

    /// @dev Whether an interval [grantedAt, min(expiresAt, revokedAt)) in `rec` contains `t`.
    function _recordValidAt(uint256 rec, uint256 t) internal pure returns (bool) {
        uint256 grantedAt = rec & _MASK48;
        if (grantedAt == 0 || t < grantedAt) return false;
        if (t >= ((rec >> _EXPIRES_SHIFT) & _MASK48)) return false;
        uint256 revokedAt = (rec >> _REVOKED_SHIFT) & _MASK48;
        return revokedAt == 0 || t < revokedAt;
    }

    /// @dev Whether the current record is valid at block.timestamp.
    function _activeNow(uint256 rec) internal view returns (bool) {
        return _recordValidAt(rec, block.timestamp);
    }

    /// @dev Current record if t is at or after its start; else bisection over the closed intervals
    ///      (ordered by non-decreasing grantedAt) for the last one starting at or before t.
    function _wasValidAt(address contributor, bytes32 termsHash, uint256 t) internal view returns (bool) {
        uint256 rec = _records[contributor][termsHash];
        uint256 grantedAt = rec & _MASK48;
        if (grantedAt == 0) return false;
        if (t >= grantedAt) return _recordValidAt(rec, t);
        mapping(uint256 => uint256) storage history = _history[contributor][termsHash];
        uint256 low = 0;
        uint256 high = (rec >> _HISTORY_SHIFT) & _MASK32;
        // Invariant: entries [0, low) start at or before t, entries [high, length) start after t.
        while (low < high) {
            uint256 mid = (low + high) >> 1;
            if ((history[mid] & _MASK48) <= t) low = mid + 1;
            else high = mid;
        }
        if (low == 0) return false;
        uint256 h = history[low - 1];
        return t < ((h >> 48) & _MASK48);
    }

    /// @dev Expiry in the future and representable in the packed record.
    function _expiryOk(uint256 expiresAt) internal view returns (bool) {
        return expiresAt > block.timestamp && expiresAt <= _MASK48;
    }

    /// @dev True iff `signature` is a canonical 65-byte (r, s, v) ECDSA signature of `digest` by `signer`.
    function _signedBy(bytes32 digest, bytes calldata signature, address signer) internal pure returns (bool) {
        if (signature.length != 65) return false;
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        (address recovered, ECDSA.RecoverError err,) = ECDSA.tryRecover(digest, v, r, s);
        return err == ECDSA.RecoverError.NoError && recovered == signer;
    }

    function _consentDigest(ConsentGrant calldata c) internal view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(CONSENT_TYPEHASH, c.contributor, c.termsHash, c.expiresAt, c.nonce, c.deadline))
        );
    }

    function _revocationDigest(ConsentRevocation calldata r) internal view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(REVOCATION_TYPEHASH, r.contributor, r.termsHash, r.nonce, r.deadline)));
    }

    /// @dev Reverts with the custom error whose selector `_tryGrant`/`_tryRevoke` returned.
    function _revertWith(
        bytes4 reason,
        address contributor,
        bytes32 termsHash,
        uint256 expiresAt,
        uint256 nonce,
        uint256 deadline
    ) internal view {
        if (reason == ConsentRegistryTermsNotRegistered.selector) revert ConsentRegistryTermsNotRegistered(termsHash);
        if (reason == ConsentRegistryInvalidExpiry.selector) revert ConsentRegistryInvalidExpiry(expiresAt);
        if (reason == ConsentRegistryDeadlineExpired.selector) revert ConsentRegistryDeadlineExpired(deadline);
        if (reason == ConsentRegistryWrongNonce.selector) {
            revert ConsentRegistryWrongNonce(
                contributor, termsHash, (_records[contributor][termsHash] >> _NONCE_SHIFT) & _MASK32, nonce
            );
        }
        if (reason == ConsentRegistryNoActiveConsent.selector) revert ConsentRegistryNoActiveConsent(contributor, termsHash);
        if (reason == ConsentRegistryNonceExhausted.selector) revert ConsentRegistryNonceExhausted(contributor, termsHash);
        revert ConsentRegistryInvalidSignature(contributor);
    }
}
