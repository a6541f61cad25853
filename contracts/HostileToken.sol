// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title HostileToken
/// @notice TEST HELPER ONLY — never deploy outside tests. An ERC-20 whose transfer and transferFrom
///         call back into a configurable target with configurable calldata in the middle of the
///         transfer, to prove that reentrancy is refused. The reentrant call's failure is recorded
///         (lastReentryError holds its revert data) and the outer transfer still succeeds, so a test
///         reads the guard's error selector (DataMarketplaceReentrantCall() = 0xc29f25f9).
/// @dev Lives in contracts/ (not contracts/test/) because the compile script is non-recursive.
contract HostileToken is ERC20 {
    address private _target;
    bytes private _callData;
    bool private _inCallback;
    bytes private _lastReentryError;
    bool private _lastReentrySucceeded;
    uint256 private _reentryCount;

    /// @notice The callback was configured.
    /// @param target the contract called back
    /// @param data the calldata sent
    event HostileConfigured(address indexed target, bytes data);

    /// @notice A reentrant call was attempted during a transfer.
    /// @param target the contract called back
    /// @param success whether the reentrant call succeeded
    /// @param returnData its return or revert data
    event ReentryAttempted(address indexed target, bool success, bytes returnData);

    /// @notice Deploys the token.
    constructor() ERC20("Hostile Test Token", "HOSTILE") {}

    /// @notice Mints freely (test token).
    /// @param to the recipient
    /// @param amount the amount
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Sets the callback made during every transfer; target address(0) disables it.
    /// @param target the contract to call back
    /// @param data the calldata to send
    function configure(address target, bytes calldata data) external {
        _target = target;
        _callData = data;
        emit HostileConfigured(target, data);
    }

    /// @notice Revert data of the last reentrant call (empty if it succeeded or none was made).
    /// @return the revert data
    function lastReentryError() external view returns (bytes memory) {
        return _lastReentryError;
    }

    /// @notice Whether the last reentrant call succeeded (it never should against a guarded target).
    /// @return true if it succeeded
    function lastReentrySucceeded() external view returns (bool) {
        return _lastReentrySucceeded;
    }

    /// @notice Number of reentrant calls attempted.
    /// @return the count
    function reentryCount() external view returns (uint256) {
        return _reentryCount;
    }

    /// @dev Transfers (not mints or burns) trigger the callback once, never recursively.
    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = _target;
        if (target == address(0) || _inCallback || from == address(0) || to == address(0)) return;
        _inCallback = true;
        (bool success, bytes memory returnData) = target.call(_callData);
        _inCallback = false;
        _reentryCount += 1;
        _lastReentrySucceeded = success;
        _lastReentryError = success ? bytes("") : returnData;
        emit ReentryAttempted(target, success, returnData);
    }
}
