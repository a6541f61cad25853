// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IDataMarketplace} from "./IDataMarketplace.sol";

/// @title DataMarketplace
/// @notice Curators list dataset versions; buyers pay the price into this contract (the platform fee
///         accrues to the treasury, the rest to the dataset's cumulative revenue) and get an on-chain
///         licence; contributors (or anyone for them) claim floor(revenue * shares / totalShares) minus
///         what they already claimed, with a Merkle proof of their shares leaf.
/// @dev Money invariant, per dataset: total claimed + fees (accrued + withdrawn) <= total paid in
///      (the cumulative gross). Fees: the cumulative fee is floor(gross * feeBps / 10000), so the
///      per-sale fees (its increments) sum exactly to it and rounding favours contributors.
///      Claims: each index's cumulative payout is floor(revenue * shares / totalShares) with
///      revenue = gross - fee, and the dataset's total payout is capped at revenue on-chain
///      (paidOut, stored beside gross in the slot a claim reads anyway: +2,900 gas per claim), so
///      even a shares tree that sums to more than totalShares cannot reach other datasets' funds.
///      Dust: at most (leaves - 1) token units per dataset stay unclaimable, never lost to others.
///      Pause and reentrancy lock share ONE storage word (_lock) instead of inheriting OpenZeppelin
///      Pausable + ReentrancyGuard, which keep two words: the hot paths (purchase, claim, claimMany)
///      then pay one cold SLOAD instead of two, 2,100 gas that decides the claim budget (85,000 gas
///      for a depth-17 proof to a fresh account). The lock is storage-based (no transient storage),
///      restores its original non-zero value on exit (EIP-2200 refund, like ReentrancyGuard), and
///      emits the same Paused/Unpaused events as OpenZeppelin Pausable.
///      Tokens must be plain ERC-20s: fee-on-transfer or rebasing tokens are not supported.
contract DataMarketplace is IDataMarketplace, AccessControl {
    using SafeERC20 for IERC20;

    /// @notice Role allowed to list, reprice and delist datasets.
    bytes32 public constant CURATOR_ROLE = keccak256("CURATOR_ROLE");
    /// @notice Role allowed to withdraw fees.
    bytes32 public constant TREASURY_ROLE = keccak256("TREASURY_ROLE");
    /// @notice Role allowed to pause and unpause.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice Highest platform fee: 20 %.
    uint16 public constant MAX_FEE_BPS = 2000;

    uint256 private constant _BPS = 10_000;
    uint256 private constant _MASK128 = type(uint128).max;
    uint256 private constant _MASK80 = type(uint80).max;

    /// @dev Slot layout chosen for the hot paths: purchase reads slots 0 and 3 and read-modify-writes
    ///      slot 1 with a single SSTORE; claim reads slots 0, 1 and 2 and writes slot 1 and its claimed word.
    ///      The fee is not stored per sale: it is derived from the cumulative gross (see _split), so the
    ///      one slot a claim already reads also carries the payout total that caps it.
    struct Dataset {
        // slot 0
        address token;
        uint80 totalShares;
        uint16 feeBps;
        // slot 1: cumulative gross paid in by buyers | cumulative paid out to contributors
        uint128 gross;
        uint128 paidOut;
        // slot 2
        bytes32 sharesRoot;
        // slot 3
        uint128 price;
        DatasetStatus status;
        uint64 parentId;
        uint40 listedAt;
        // slots 4-7: cold
        bytes32 contentRoot;
        bytes32 termsHash;
        address curator;
        uint128 feesWithdrawn;
    }

    /// @dev Lock word: _UNLOCKED at rest, | _ENTERED inside a guarded call, | _PAUSED while paused.
    uint256 private constant _UNLOCKED = 1;
    uint256 private constant _ENTERED = 2;
    uint256 private constant _PAUSED = 4;

    uint256 private _lock;
    uint16 private _feeBps;
    uint64 private _datasetCount;
    mapping(uint256 datasetId => Dataset) private _datasets;
    mapping(uint256 datasetId => mapping(address account => uint256)) private _licensedAt;
    /// @dev datasetId => (index >> 1) => two uint128 claimed amounts: even index low half, odd index high half.
    ///      Deliberate: a claim whose neighbour already claimed writes a non-zero word (2,900 gas, not 20,000).
    mapping(uint256 datasetId => mapping(uint256 word => uint256)) private _claimedWords;

    /// @notice Deploys the marketplace.
    /// @param admin receives DEFAULT_ADMIN_ROLE, CURATOR_ROLE and PAUSER_ROLE
    /// @param treasury receives TREASURY_ROLE
    /// @param initialFeeBps platform fee for the first listings, at most MAX_FEE_BPS
    constructor(address admin, address treasury, uint16 initialFeeBps) {
        if (admin == address(0) || treasury == address(0)) revert DataMarketplaceZeroAddress();
        if (initialFeeBps > MAX_FEE_BPS) revert DataMarketplaceFeeTooHigh(initialFeeBps, MAX_FEE_BPS);
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(CURATOR_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(TREASURY_ROLE, treasury);
        _lock = _UNLOCKED;
        _feeBps = initialFeeBps;
        emit FeeBpsChanged(0, initialFeeBps);
    }

    // ------------------------------------------------------------------ lock

    /// @dev Refuses reentry and, if `alsoWhenPaused` is _PAUSED, a paused contract; holds the lock for the body.
    modifier locked(uint256 alsoWhenPaused) {
        uint256 lock = _lock;
        if (lock & _ENTERED != 0) revert DataMarketplaceReentrantCall();
        if (lock & alsoWhenPaused != 0) revert DataMarketplacePaused();
        _lock = lock | _ENTERED;
        _;
        // Restores the value read on entry; pause()/unpause() cannot run in between (they refuse reentry).
        _lock = lock;
    }

    /// @dev Refuses a paused contract (no lock taken).
    modifier whenNotPaused() {
        if (_lock & _PAUSED != 0) revert DataMarketplacePaused();
        _;
    }

    // ------------------------------------------------------------------ admin

    /// @inheritdoc IDataMarketplace
    function setFeeBps(uint16 newFeeBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (newFeeBps > MAX_FEE_BPS) revert DataMarketplaceFeeTooHigh(newFeeBps, MAX_FEE_BPS);
        uint16 old = _feeBps;
        _feeBps = newFeeBps;
        emit FeeBpsChanged(old, newFeeBps);
    }

    /// @inheritdoc IDataMarketplace
    function pause() external onlyRole(PAUSER_ROLE) {
        uint256 lock = _lock;
        if (lock & _ENTERED != 0) revert DataMarketplaceReentrantCall();
        if (lock & _PAUSED != 0) revert DataMarketplacePaused();
        _lock = lock | _PAUSED;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IDataMarketplace
    function unpause() external onlyRole(PAUSER_ROLE) {
        uint256 lock = _lock;
        if (lock & _ENTERED != 0) revert DataMarketplaceReentrantCall();
        if (lock & _PAUSED == 0) revert DataMarketplaceNotPaused();
        _lock = lock & ~_PAUSED;
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc IDataMarketplace
    function paused() external view returns (bool) {
        return _lock & _PAUSED != 0;
    }

    // ------------------------------------------------------------------ curation

    /// @inheritdoc IDataMarketplace
    function list(ListingParams calldata p) external onlyRole(CURATOR_ROLE) whenNotPaused returns (uint256 datasetId) {
        if (p.contentRoot == bytes32(0) || p.sharesRoot == bytes32(0)) revert DataMarketplaceZeroRoot();
        if (p.totalShares == 0) revert DataMarketplaceZeroTotalShares();
        if (p.paymentToken.code.length == 0) revert DataMarketplaceInvalidPaymentToken(p.paymentToken);
        if (p.price == 0) revert DataMarketplaceZeroPrice();
        uint64 count = _datasetCount;
        if (p.parentId > count) revert DataMarketplaceUnknownParent(p.parentId);
        // Cannot overflow: one listing per transaction cannot reach 2^64 listings.
        unchecked {
            ++count;
        }
        _datasetCount = count;
        datasetId = count;
        uint16 fee = _feeBps;
        Dataset storage d = _datasets[datasetId];
        d.token = p.paymentToken;
        d.totalShares = p.totalShares;
        d.sharesRoot = p.sharesRoot;
        d.price = p.price;
        d.feeBps = fee;
        d.status = DatasetStatus.Listed;
        d.parentId = uint64(p.parentId); // p.parentId <= count, a uint64
        d.listedAt = uint40(block.timestamp);
        d.contentRoot = p.contentRoot;
        d.termsHash = p.termsHash;
        d.curator = msg.sender;
        emit DatasetListed(
            datasetId,
            msg.sender,
            p.paymentToken,
            p.contentRoot,
            p.sharesRoot,
            p.totalShares,
            p.price,
            fee,
            p.termsHash,
            p.parentId
        );
    }

    /// @inheritdoc IDataMarketplace
    function reprice(uint256 datasetId, uint128 newPrice) external onlyRole(CURATOR_ROLE) {
        Dataset storage d = _listed(datasetId);
        if (newPrice == 0) revert DataMarketplaceZeroPrice();
        uint128 old = d.price;
        d.price = newPrice;
        emit DatasetRepriced(datasetId, old, newPrice);
    }

    /// @inheritdoc IDataMarketplace
    function delist(uint256 datasetId) external onlyRole(CURATOR_ROLE) {
        Dataset storage d = _listed(datasetId);
        d.status = DatasetStatus.Delisted;
        emit DatasetDelisted(datasetId);
    }

    // ------------------------------------------------------------------ purchase

    /// @inheritdoc IDataMarketplace
    function purchase(uint256 datasetId, uint256 maxPrice) external locked(_PAUSED) {
        _purchase(datasetId, maxPrice);
    }

    /// @inheritdoc IDataMarketplace
    function purchaseWithPermit(uint256 datasetId, uint256 maxPrice, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        locked(_PAUSED)
    {
        address token = _datasets[datasetId].token;
        if (token == address(0)) revert DataMarketplaceUnknownDataset(datasetId);
        // A permit front-run by someone who saw it in the mempool reverts here (nonce used) but has
        // already set the allowance; ignoring the failure lets the purchase go through. If the
        // allowance is missing, safeTransferFrom reverts below.
        try IERC20Permit(token).permit(msg.sender, address(this), maxPrice, deadline, v, r, s) {} catch {}
        _purchase(datasetId, maxPrice);
    }

    /// @dev Checks, records the licence and the split, then pulls the price from msg.sender.
    function _purchase(uint256 datasetId, uint256 maxPrice) internal {
        Dataset storage d = _datasets[datasetId];
        uint256 price = d.price;
        DatasetStatus status = d.status;
        if (status != DatasetStatus.Listed) {
            if (status == DatasetStatus.None) revert DataMarketplaceUnknownDataset(datasetId);
            revert DataMarketplaceDatasetDelisted(datasetId);
        }
        if (price > maxPrice) revert DataMarketplacePriceAboveMax(datasetId, price, maxPrice);
        mapping(address => uint256) storage licences = _licensedAt[datasetId];
        if (licences[msg.sender] != 0) revert DataMarketplaceAlreadyLicensed(datasetId, msg.sender);

        // price < 2^128 and feeBps <= 2000, so the product fits; fee <= price. Rounds down.
        uint256 feeBps_ = d.feeBps;
        uint256 grossBefore = d.gross;
        uint256 grossAfter = grossBefore + price;
        if (grossAfter > _MASK128) revert DataMarketplaceRevenueOverflow(datasetId);
        // This sale's fee is the growth of the cumulative fee, so per-sale fees sum exactly to it.
        uint256 fee = _fee(grossAfter, feeBps_) - _fee(grossBefore, feeBps_);
        // One SSTORE: gross in the low half, paidOut (unchanged) in the high half.
        d.gross = uint128(grossAfter);
        licences[msg.sender] = block.timestamp;

        IERC20(d.token).safeTransferFrom(msg.sender, address(this), price);
        emit DatasetPurchased(datasetId, msg.sender, price, fee);
    }

    // ------------------------------------------------------------------ claims

    /// @inheritdoc IDataMarketplace
    /// @dev Never paused and takes no lock, on purpose: pausing stops money coming in, while money owed
    ///      always goes out, so no one (operator included) can freeze contributors' pay. No lock is
    ///      needed: the claimed word and the payout total are written before the only external call
    ///      (checks-effects-interactions), so a reentrant claim finds nothing owed.
    function claim(uint256 datasetId, uint256 index, address account, uint256 shares, bytes32[] calldata proof)
        external
        returns (uint256 amount)
    {
        address token;
        (token, amount) = _claim(datasetId, index, account, shares, proof);
        if (amount == 0) revert DataMarketplaceNothingToClaim(datasetId, index);
        IERC20(token).safeTransfer(account, amount);
    }

    /// @inheritdoc IDataMarketplace
    /// @dev Never paused, no lock: as claim. Each transfer happens after every item it pays is booked.
    function claimMany(ClaimParams[] calldata claims) external returns (uint256 total) {
        address pendingToken;
        address pendingAccount;
        uint256 pendingAmount;
        uint256 n = claims.length;
        for (uint256 i; i < n;) {
            ClaimParams calldata c = claims[i];
            (address token, uint256 amount) = _claim(c.datasetId, c.index, c.account, c.shares, c.proof);
            if (amount != 0) {
                if (token != pendingToken || c.account != pendingAccount) {
                    if (pendingAmount != 0) IERC20(pendingToken).safeTransfer(pendingAccount, pendingAmount);
                    pendingToken = token;
                    pendingAccount = c.account;
                    pendingAmount = 0;
                }
                // Cannot overflow: each amount is at most one dataset's uint128 revenue, and their sum is
                // backed by tokens this contract holds, whose supply fits in uint256.
                unchecked {
                    pendingAmount += amount;
                    total += amount;
                }
            }
            // Cannot overflow: i < n, a calldata array length.
            unchecked {
                ++i;
            }
        }
        if (pendingAmount != 0) IERC20(pendingToken).safeTransfer(pendingAccount, pendingAmount);
    }

    /// @dev Verifies the leaf, books what it is owed now and emits Claimed; the caller transfers.
    ///      Returns amount 0 (and writes nothing) when nothing is owed.
    function _claim(uint256 datasetId, uint256 index, address account, uint256 shares, bytes32[] calldata proof)
        internal
        returns (address token, uint256 amount)
    {
        uint256 slot0;
        uint256 slot1;
        bytes32 root;
        // Slots 0-2 of the dataset read once each (struct accessors would re-read slots 0 and 1).
        Dataset storage d = _datasets[datasetId];
        assembly ("memory-safe") {
            slot0 := sload(d.slot)
            slot1 := sload(add(d.slot, 1))
            root := sload(add(d.slot, 2))
        }
        token = address(uint160(slot0));
        if (token == address(0)) revert DataMarketplaceUnknownDataset(datasetId);
        if (!_verifySharesLeaf(root, index, account, shares, proof)) revert DataMarketplaceInvalidProof(datasetId, index);
        amount = _settle(d, datasetId, index, shares, slot0, slot1);
        if (amount != 0) emit Claimed(datasetId, index, account, amount);
    }

    /// @dev Books what a proven leaf is owed now and raises the dataset's payout total, which is
    ///      capped at its contributors' revenue: whatever the shares tree says, a dataset never pays
    ///      out more than it took in, so a malformed tree cannot reach other datasets' funds.
    ///      Returns 0 (and writes nothing) when nothing is owed.
    function _settle(Dataset storage d, uint256 datasetId, uint256 index, uint256 shares, uint256 slot0, uint256 slot1)
        internal
        returns (uint256 amount)
    {
        uint256 totalShares = (slot0 >> 160) & _MASK80;
        if (shares > totalShares) revert DataMarketplaceSharesExceedTotal(datasetId, index, shares, totalShares);
        uint256 revenue = _net(slot1 & _MASK128, slot0 >> 240);
        // Cannot overflow: revenue < 2^128 and shares <= totalShares < 2^80. This is exactly
        // floor(revenue * shares / totalShares), the value Math.mulDiv returns, without its 512-bit path.
        unchecked {
            amount = _book(datasetId, index, revenue * shares / totalShares);
        }
        if (amount == 0) return 0;
        uint256 paidOut;
        // Cannot overflow: paidOut <= revenue < 2^128 before, and amount < 2^128.
        unchecked {
            paidOut = (slot1 >> 128) + amount;
        }
        if (paidOut > revenue) revert DataMarketplacePayoutExceedsRevenue(datasetId, paidOut, revenue);
        assembly ("memory-safe") {
            sstore(add(d.slot, 1), or(and(slot1, 0xffffffffffffffffffffffffffffffff), shl(128, paidOut)))
        }
    }

    /// @dev Raises the index's claimed amount to `entitled` (< 2^128) and returns the increase
    ///      (0 = nothing owed, nothing written).
    function _book(uint256 datasetId, uint256 index, uint256 entitled) internal returns (uint256 amount) {
        mapping(uint256 => uint256) storage words = _claimedWords[datasetId];
        uint256 shift = (index & 1) << 7;
        uint256 slot;
        uint256 word;
        // The word's slot is hashed once for the read and the write.
        assembly ("memory-safe") {
            mstore(0x00, shr(1, index))
            mstore(0x20, words.slot)
            slot := keccak256(0x00, 0x40)
            word := sload(slot)
        }
        uint256 claimed = (word >> shift) & _MASK128;
        if (entitled <= claimed) return 0;
        // Cannot underflow: entitled > claimed.
        unchecked {
            amount = entitled - claimed;
        }
        word = (word & ~(_MASK128 << shift)) | (entitled << shift);
        assembly ("memory-safe") {
            sstore(slot, word)
        }
    }

    /// @dev StandardMerkleTree inclusion of leaf (index, account, shares) under `root`. Same result as
    ///      MerkleProof.verifyCalldata(proof, root, keccak256(bytes.concat(keccak256(abi.encode(index, account, shares)))))
    ///      (sorted-pair keccak256), hand-written because the library loop costs ~230 gas per proof
    ///      element against ~70 here, which decides the claim gas target at depth 17.
    function _verifySharesLeaf(bytes32 root, uint256 index, address account, uint256 shares, bytes32[] calldata proof)
        internal
        pure
        returns (bool ok)
    {
        assembly ("memory-safe") {
            // Memory past the free pointer is used as scratch and not claimed.
            let m := mload(0x40)
            mstore(m, index)
            mstore(add(m, 0x20), account)
            mstore(add(m, 0x40), shares)
            mstore(0x00, keccak256(m, 0x60))
            let h := keccak256(0x00, 0x20)
            let end := add(proof.offset, shl(5, proof.length))
            for { let p := proof.offset } lt(p, end) { p := add(p, 0x20) } {
                let sibling := calldataload(p)
                // Sorted pair: the smaller value goes first (at 0x00), as in Hashes.commutativeKeccak256.
                let at := shl(5, gt(h, sibling))
                mstore(at, h)
                mstore(xor(at, 0x20), sibling)
                h := keccak256(0x00, 0x40)
            }
            ok := eq(h, root)
        }
    }

    // ------------------------------------------------------------------ treasury

    /// @inheritdoc IDataMarketplace
    function withdrawFees(uint256[] calldata datasetIds, address to) external onlyRole(TREASURY_ROLE) locked(0) {
        if (to == address(0)) revert DataMarketplaceZeroAddress();
        address pendingToken;
        uint256 pendingAmount;
        uint256 n = datasetIds.length;
        for (uint256 i; i < n;) {
            uint256 id = datasetIds[i];
            Dataset storage d = _datasets[id];
            address token = d.token;
            if (token == address(0)) revert DataMarketplaceUnknownDataset(id);
            uint256 earned = _fee(d.gross, d.feeBps);
            uint256 fees = earned - d.feesWithdrawn;
            if (fees != 0) {
                d.feesWithdrawn = uint128(earned); // earned <= gross < 2^128
                emit FeesWithdrawn(id, token, to, fees);
                if (token != pendingToken) {
                    if (pendingAmount != 0) IERC20(pendingToken).safeTransfer(to, pendingAmount);
                    pendingToken = token;
                    pendingAmount = 0;
                }
                // Cannot overflow: the sum is backed by tokens this contract holds.
                unchecked {
                    pendingAmount += fees;
                }
            }
            // Cannot overflow: i < n, a calldata array length.
            unchecked {
                ++i;
            }
        }
        if (pendingAmount != 0) IERC20(pendingToken).safeTransfer(to, pendingAmount);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IDataMarketplace
    function dataset(uint256 datasetId) external view returns (DatasetInfo memory info) {
        Dataset storage d = _datasets[datasetId];
        if (d.token == address(0)) revert DataMarketplaceUnknownDataset(datasetId);
        info = DatasetInfo({
            contentRoot: d.contentRoot,
            sharesRoot: d.sharesRoot,
            totalShares: d.totalShares,
            paymentToken: d.token,
            price: d.price,
            feeBps: d.feeBps,
            status: d.status,
            parentId: d.parentId,
            listedAt: d.listedAt,
            termsHash: d.termsHash,
            curator: d.curator,
            gross: d.gross,
            // Both < gross < 2^128.
            revenue: uint128(_net(d.gross, d.feeBps)),
            paidOut: d.paidOut,
            feesAccrued: uint128(_fee(d.gross, d.feeBps) - d.feesWithdrawn)
        });
    }

    /// @inheritdoc IDataMarketplace
    function datasetCount() external view returns (uint256) {
        return _datasetCount;
    }

    /// @inheritdoc IDataMarketplace
    function feeBps() external view returns (uint16) {
        return _feeBps;
    }

    /// @inheritdoc IDataMarketplace
    function revenueOf(uint256 datasetId) external view returns (uint256) {
        Dataset storage d = _datasets[datasetId];
        return _net(d.gross, d.feeBps);
    }

    /// @inheritdoc IDataMarketplace
    function feesAccruedOf(uint256 datasetId) external view returns (uint256) {
        Dataset storage d = _datasets[datasetId];
        return _fee(d.gross, d.feeBps) - d.feesWithdrawn;
    }

    /// @inheritdoc IDataMarketplace
    function hasLicence(uint256 datasetId, address account) external view returns (bool) {
        return _licensedAt[datasetId][account] != 0;
    }

    /// @inheritdoc IDataMarketplace
    function licensedAt(uint256 datasetId, address account) external view returns (uint48) {
        return uint48(_licensedAt[datasetId][account]);
    }

    /// @inheritdoc IDataMarketplace
    function claimedOf(uint256 datasetId, uint256 index) public view returns (uint256) {
        return (_claimedWords[datasetId][index >> 1] >> ((index & 1) << 7)) & _MASK128;
    }

    /// @inheritdoc IDataMarketplace
    function owed(uint256 datasetId, uint256 index, uint256 shares) external view returns (uint256) {
        Dataset storage d = _datasets[datasetId];
        uint256 totalShares = d.totalShares;
        if (totalShares == 0) return 0;
        uint256 entitled = Math.mulDiv(_net(d.gross, d.feeBps), shares, totalShares);
        uint256 claimed = claimedOf(datasetId, index);
        return entitled > claimed ? entitled - claimed : 0;
    }

    /// @inheritdoc IDataMarketplace
    function sharesLeaf(uint256 index, address account, uint256 shares) external pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, account, shares))));
    }

    // ------------------------------------------------------------------ internals

    /// @dev The platform's cumulative fee on a cumulative gross: rounded down, in contributors' favour.
    ///      Cannot overflow: gross < 2^128 and feeBps <= 2000.
    function _fee(uint256 gross, uint256 feeBps_) internal pure returns (uint256) {
        return gross * feeBps_ / _BPS;
    }

    /// @dev Contributors' cumulative revenue: the gross less the cumulative fee.
    function _net(uint256 gross, uint256 feeBps_) internal pure returns (uint256) {
        return gross - _fee(gross, feeBps_);
    }

    /// @dev The dataset, which must exist and be listed.
    function _listed(uint256 datasetId) internal view returns (Dataset storage d) {
        d = _datasets[datasetId];
        if (d.status != DatasetStatus.Listed) {
            if (d.status == DatasetStatus.None) revert DataMarketplaceUnknownDataset(datasetId);
            revert DataMarketplaceDatasetDelisted(datasetId);
        }
    }
}
