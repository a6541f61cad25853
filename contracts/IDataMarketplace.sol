// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IDataMarketplace
/// @notice Dataset listings, licence purchases with a platform fee, and Merkle-proof revenue claims
///         by contributors.
/// @dev Shares tree = OpenZeppelin StandardMerkleTree with leaf types ["uint256","address","uint256"]
///      = (index, account, shares): leaf = keccak256(bytes.concat(keccak256(abi.encode(index, account, shares)))).
///      Entitlement is cumulative: an index's total payout is floor(revenue * shares / totalShares)
///      of the dataset's cumulative net revenue, so rounding dust never compounds. The fee is
///      floor(gross * feeBps / 10000) of the cumulative gross, revenue = gross - fee, and a dataset's
///      total payout is capped at its revenue on-chain: paid out + fees <= paid in, per dataset, always.
interface IDataMarketplace {
    /// @notice Lifecycle of a dataset. None = no such dataset.
    enum DatasetStatus {
        None,
        Listed,
        Delisted
    }

    /// @notice What a curator lists.
    /// @param contentRoot Merkle root of the contribution leaves the dataset is made of (non-zero)
    /// @param sharesRoot Merkle root of the (index, account, shares) tree (non-zero)
    /// @param totalShares sum of the shares in the tree (non-zero)
    /// @param paymentToken ERC-20 the price is paid in (a contract)
    /// @param price licence price in token units (non-zero)
    /// @param termsHash the terms contributors consented to
    /// @param parentId previous version of the dataset, or 0
    struct ListingParams {
        bytes32 contentRoot;
        bytes32 sharesRoot;
        uint80 totalShares;
        address paymentToken;
        uint128 price;
        bytes32 termsHash;
        uint256 parentId;
    }

    /// @notice Everything known about a dataset.
    /// @param contentRoot Merkle root of the contribution leaves
    /// @param sharesRoot Merkle root of the shares tree
    /// @param totalShares sum of shares
    /// @param paymentToken ERC-20 of the price
    /// @param price current price
    /// @param feeBps platform fee in basis points, snapshotted at listing
    /// @param status Listed or Delisted
    /// @param parentId previous version, or 0
    /// @param listedAt listing timestamp
    /// @param termsHash terms of the contributions
    /// @param curator the account that listed it
    /// @param gross cumulative amount paid in by buyers
    /// @param revenue contributors' cumulative revenue: gross - floor(gross * feeBps / 10000)
    /// @param paidOut cumulative amount claimed by contributors (never above revenue)
    /// @param feesAccrued fees not yet withdrawn
    struct DatasetInfo {
        bytes32 contentRoot;
        bytes32 sharesRoot;
        uint80 totalShares;
        address paymentToken;
        uint128 price;
        uint16 feeBps;
        DatasetStatus status;
        uint64 parentId;
        uint40 listedAt;
        bytes32 termsHash;
        address curator;
        uint128 gross;
        uint128 revenue;
        uint128 paidOut;
        uint128 feesAccrued;
    }

    /// @notice One claim of claimMany.
    /// @param datasetId the dataset
    /// @param index the leaf index in the shares tree
    /// @param account the leaf account (receives the funds)
    /// @param shares the leaf shares
    /// @param proof the StandardMerkleTree proof
    struct ClaimParams {
        uint256 datasetId;
        uint256 index;
        address account;
        uint256 shares;
        bytes32[] proof;
    }

    /// @notice The platform fee for future listings changed.
    /// @param oldFeeBps previous fee
    /// @param newFeeBps new fee
    event FeeBpsChanged(uint16 oldFeeBps, uint16 newFeeBps);

    /// @notice A dataset was listed.
    /// @param datasetId the assigned id
    /// @param curator the listing curator
    /// @param paymentToken the payment token
    /// @param contentRoot content Merkle root
    /// @param sharesRoot shares Merkle root
    /// @param totalShares sum of shares
    /// @param price licence price
    /// @param feeBps fee snapshotted for this dataset
    /// @param termsHash terms of the contributions
    /// @param parentId previous version or 0
    event DatasetListed(
        uint256 indexed datasetId,
        address indexed curator,
        address indexed paymentToken,
        bytes32 contentRoot,
        bytes32 sharesRoot,
        uint80 totalShares,
        uint128 price,
        uint16 feeBps,
        bytes32 termsHash,
        uint256 parentId
    );

    /// @notice A dataset's price changed.
    /// @param datasetId the dataset
    /// @param oldPrice previous price
    /// @param newPrice new price
    event DatasetRepriced(uint256 indexed datasetId, uint128 oldPrice, uint128 newPrice);

    /// @notice A dataset was delisted: no more sales; claims on past revenue still work.
    /// @param datasetId the dataset
    event DatasetDelisted(uint256 indexed datasetId);

    /// @notice A licence was bought.
    /// @param datasetId the dataset
    /// @param buyer the licensee
    /// @param price amount paid
    /// @param fee part of the price accrued to the treasury
    event DatasetPurchased(uint256 indexed datasetId, address indexed buyer, uint256 price, uint256 fee);

    /// @notice Revenue was paid to a shares-tree account.
    /// @param datasetId the dataset
    /// @param index the leaf index
    /// @param account the recipient
    /// @param amount amount paid by this claim
    event Claimed(uint256 indexed datasetId, uint256 index, address indexed account, uint256 amount);

    /// @notice Accrued fees of a dataset were withdrawn.
    /// @param datasetId the dataset
    /// @param token the token
    /// @param to the recipient
    /// @param amount amount withdrawn
    event FeesWithdrawn(uint256 indexed datasetId, address indexed token, address indexed to, uint256 amount);

    /// @notice The contract was paused (same signature as OpenZeppelin Pausable's event).
    /// @param account the PAUSER_ROLE account
    event Paused(address account);

    /// @notice The contract was unpaused (same signature as OpenZeppelin Pausable's event).
    /// @param account the PAUSER_ROLE account
    event Unpaused(address account);

    /// @notice The contract is paused.
    error DataMarketplacePaused();

    /// @notice unpause() on a contract that is not paused.
    error DataMarketplaceNotPaused();

    /// @notice A guarded function was re-entered (e.g. from a token callback).
    error DataMarketplaceReentrantCall();

    /// @notice The fee exceeds the maximum.
    /// @param feeBps requested fee
    /// @param maxFeeBps the maximum (2000 = 20 %)
    error DataMarketplaceFeeTooHigh(uint256 feeBps, uint256 maxFeeBps);

    /// @notice A required address is zero.
    error DataMarketplaceZeroAddress();

    /// @notice The payment token is zero or not a contract.
    /// @param token the token
    error DataMarketplaceInvalidPaymentToken(address token);

    /// @notice A listing root is zero.
    error DataMarketplaceZeroRoot();

    /// @notice totalShares is zero.
    error DataMarketplaceZeroTotalShares();

    /// @notice The price is zero.
    error DataMarketplaceZeroPrice();

    /// @notice The parent dataset does not exist.
    /// @param parentId the parent id
    error DataMarketplaceUnknownParent(uint256 parentId);

    /// @notice No such dataset.
    /// @param datasetId the id
    error DataMarketplaceUnknownDataset(uint256 datasetId);

    /// @notice The dataset is delisted.
    /// @param datasetId the id
    error DataMarketplaceDatasetDelisted(uint256 datasetId);

    /// @notice The current price is above the buyer's maximum (e.g. a reprice front-ran the purchase).
    /// @param datasetId the dataset
    /// @param price the current price
    /// @param maxPrice the buyer's maximum
    error DataMarketplacePriceAboveMax(uint256 datasetId, uint256 price, uint256 maxPrice);

    /// @notice The buyer already holds a licence for the dataset.
    /// @param datasetId the dataset
    /// @param buyer the buyer
    error DataMarketplaceAlreadyLicensed(uint256 datasetId, address buyer);

    /// @notice The Merkle proof does not match the dataset's shares root.
    /// @param datasetId the dataset
    /// @param index the leaf index claimed
    error DataMarketplaceInvalidProof(uint256 datasetId, uint256 index);

    /// @notice Nothing is owed to this index now.
    /// @param datasetId the dataset
    /// @param index the leaf index
    error DataMarketplaceNothingToClaim(uint256 datasetId, uint256 index);

    /// @notice A proven leaf has more shares than the dataset's totalShares (malformed shares tree).
    /// @param datasetId the dataset
    /// @param index the leaf index
    /// @param shares the leaf's shares
    /// @param totalShares the dataset's total
    error DataMarketplaceSharesExceedTotal(uint256 datasetId, uint256 index, uint256 shares, uint256 totalShares);

    /// @notice Cumulative gross revenue of the dataset would exceed 2^128 - 1.
    /// @param datasetId the dataset
    error DataMarketplaceRevenueOverflow(uint256 datasetId);

    /// @notice A claim would take the dataset's total payout above its contributors' revenue: the
    ///         shares tree promises more than totalShares. Other datasets' funds are never reachable.
    /// @param datasetId the dataset
    /// @param paidOut the total payout the claim would reach
    /// @param revenue the contributors' cumulative revenue
    error DataMarketplacePayoutExceedsRevenue(uint256 datasetId, uint256 paidOut, uint256 revenue);

    /// @notice Sets the fee for datasets listed from now on; DEFAULT_ADMIN_ROLE only.
    /// @param newFeeBps fee in basis points, at most 2000
    function setFeeBps(uint16 newFeeBps) external;

    /// @notice Lists a dataset; CURATOR_ROLE only, not when paused.
    /// @param p the listing
    /// @return datasetId the assigned id (1, 2, ...)
    function list(ListingParams calldata p) external returns (uint256 datasetId);

    /// @notice Changes a listed dataset's price; CURATOR_ROLE only.
    /// @param datasetId the dataset
    /// @param newPrice the new price, non-zero
    function reprice(uint256 datasetId, uint128 newPrice) external;

    /// @notice Delists a dataset (irreversible); CURATOR_ROLE only.
    /// @param datasetId the dataset
    function delist(uint256 datasetId) external;

    /// @notice Buys a licence for msg.sender; the token must be approved for the price.
    /// @param datasetId the dataset
    /// @param maxPrice the most the buyer will pay
    function purchase(uint256 datasetId, uint256 maxPrice) external;

    /// @notice Buys a licence with an EIP-2612 permit for maxPrice, in one transaction. A permit that
    ///         fails (e.g. front-run and already used) is ignored if the allowance is already there.
    /// @param datasetId the dataset
    /// @param maxPrice the most the buyer will pay, also the permit's value
    /// @param deadline the permit's deadline
    /// @param v permit signature v
    /// @param r permit signature r
    /// @param s permit signature s
    function purchaseWithPermit(uint256 datasetId, uint256 maxPrice, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external;

    /// @notice Pays `account` what its leaf is owed now; callable by anyone, funds only go to account.
    /// @param datasetId the dataset
    /// @param index the leaf index
    /// @param account the leaf account
    /// @param shares the leaf shares
    /// @param proof the StandardMerkleTree proof
    /// @return amount the amount paid
    function claim(uint256 datasetId, uint256 index, address account, uint256 shares, bytes32[] calldata proof)
        external
        returns (uint256 amount);

    /// @notice Claims several leaves (typically one account across datasets). Consecutive items with the
    ///         same (token, account) are paid with one transfer. Items owed nothing are skipped silently;
    ///         an invalid proof or unknown dataset reverts the whole call.
    /// @param claims the claims
    /// @return total the total amount paid (summed across tokens)
    function claimMany(ClaimParams[] calldata claims) external returns (uint256 total);

    /// @notice Withdraws the accrued fees of datasets to `to`, one transfer per run of consecutive ids
    ///         sharing a token; TREASURY_ROLE only. Datasets with nothing accrued are skipped.
    /// @param datasetIds the datasets
    /// @param to the recipient
    function withdrawFees(uint256[] calldata datasetIds, address to) external;

    /// @notice Pauses list, purchase and purchaseWithPermit (never claims: money owed always goes out; not withdrawFees,
    ///         reprice, delist); PAUSER_ROLE only.
    function pause() external;

    /// @notice Unpauses; PAUSER_ROLE only.
    function unpause() external;

    /// @notice Whether list and purchases are paused (claims never are).
    /// @return true if paused
    function paused() external view returns (bool);

    /// @notice A dataset.
    /// @param datasetId the id
    /// @return the dataset (reverts DataMarketplaceUnknownDataset if none)
    function dataset(uint256 datasetId) external view returns (DatasetInfo memory);

    /// @notice Number of datasets listed (= the highest id).
    /// @return the count
    function datasetCount() external view returns (uint256);

    /// @notice The fee new listings get.
    /// @return fee in basis points
    function feeBps() external view returns (uint16);

    /// @notice Cumulative net revenue of a dataset.
    /// @param datasetId the dataset
    /// @return the revenue
    function revenueOf(uint256 datasetId) external view returns (uint256);

    /// @notice Unwithdrawn fees of a dataset.
    /// @param datasetId the dataset
    /// @return the fees
    function feesAccruedOf(uint256 datasetId) external view returns (uint256);

    /// @notice Whether an account holds a licence.
    /// @param datasetId the dataset
    /// @param account the account
    /// @return true if licensed
    function hasLicence(uint256 datasetId, address account) external view returns (bool);

    /// @notice When an account bought its licence.
    /// @param datasetId the dataset
    /// @param account the account
    /// @return the purchase timestamp (0 = no licence)
    function licensedAt(uint256 datasetId, address account) external view returns (uint48);

    /// @notice Cumulative amount claimed by a leaf index.
    /// @param datasetId the dataset
    /// @param index the leaf index
    /// @return the amount
    function claimedOf(uint256 datasetId, uint256 index) external view returns (uint256);

    /// @notice What a leaf with `shares` at `index` could claim now (proof not checked).
    /// @param datasetId the dataset
    /// @param index the leaf index
    /// @param shares the leaf shares
    /// @return the amount
    function owed(uint256 datasetId, uint256 index, uint256 shares) external view returns (uint256);

    /// @notice The shares-tree leaf of (index, account, shares).
    /// @param index the leaf index
    /// @param account the account
    /// @param shares the shares
    /// @return the leaf hash
    function sharesLeaf(uint256 index, address account, uint256 shares) external pure returns (bytes32);
}
