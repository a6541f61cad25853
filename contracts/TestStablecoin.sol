// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestStablecoin
/// @notice TEST HELPER ONLY — never deploy outside tests. An ERC-20 shaped like the stablecoins a
///         marketplace is deployed against on a real network (USDC-like: 6 decimals, EIP-2612
///         permit, a fixed supply held by its issuer, no faucet), so tests of `labelledger deploy`
///         run against a token that is not the project's own TestToken.
/// @dev Lives in contracts/ (not contracts/test/) because the compile script is non-recursive.
contract TestStablecoin is ERC20, ERC20Permit {
    /// @notice Mints `supply` (in 6-decimal units) to `issuer`; nothing is ever minted again.
    /// @param issuer the account holding the whole supply
    /// @param supply the supply in token units
    constructor(address issuer, uint256 supply) ERC20("Test Stablecoin", "tSTBL") ERC20Permit("Test Stablecoin") {
        _mint(issuer, supply);
    }

    /// @notice 6, as USDC and USDT have.
    function decimals() public pure override returns (uint8) {
        return 6;
    }
}
