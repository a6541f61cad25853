// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestToken
/// @notice Permit-capable payment token for local runs ("LabelLedger Test USD", tUSD, 18 decimals)
///         with a faucet that only works on local chains (chain id 1337 or 31337).
contract TestToken is ERC20, ERC20Permit {
    /// @notice Most a single faucet call mints: one million tokens.
    uint256 public constant FAUCET_MAX = 1_000_000 ether;

    /// @notice The faucet minted tokens.
    /// @param to the recipient
    /// @param amount the amount minted
    /// @param by the caller
    event FaucetDripped(address indexed to, uint256 amount, address by);

    /// @notice The faucet is disabled on this chain.
    /// @param chainId the current chain id
    error TestTokenFaucetDisabled(uint256 chainId);

    /// @notice The faucet amount is above FAUCET_MAX.
    /// @param amount the requested amount
    /// @param max the maximum per call
    error TestTokenFaucetAmountTooLarge(uint256 amount, uint256 max);

    /// @notice Deploys the token with no supply.
    constructor() ERC20("LabelLedger Test USD", "tUSD") ERC20Permit("LabelLedger Test USD") {}

    /// @notice Mints `amount` to `to`; only on chain id 1337 or 31337, at most FAUCET_MAX per call.
    /// @param to the recipient
    /// @param amount the amount in wei-units (18 decimals)
    function faucet(address to, uint256 amount) external {
        if (block.chainid != 1337 && block.chainid != 31337) revert TestTokenFaucetDisabled(block.chainid);
        if (amount > FAUCET_MAX) revert TestTokenFaucetAmountTooLarge(amount, FAUCET_MAX);
        _mint(to, amount);
        emit FaucetDripped(to, amount, msg.sender);
    }
}
