// Hardhat Network as the project's second local chain (node/hardhat.js starts it). Only the
// in-process network is used: nothing here compiles (contracts are compiled by compile.js with
// solc-js; Hardhat's own compile would download a compiler).
'use strict';
const path = require('path');
const { subtask } = require('hardhat/config');
const { TASK_NODE_SERVER_READY } = require('hardhat/builtin-tasks/task-names');

// One line the JVM waits for, instead of Hardhat's banner and its list of twenty keys.
subtask(TASK_NODE_SERVER_READY).setAction(async ({ address, port }, { config }) => {
  console.log(`hardhat ready http://${address}:${port} chainId=${config.networks.hardhat.chainId}`);
});

const scratch = path.join(require('os').tmpdir(), 'labelledger-hardhat');

module.exports = {
  networks: {
    hardhat: {
      chainId: Number(process.env.LABELLEDGER_HARDHAT_CHAIN_ID || 31337),
      // the EVM the contracts are compiled for (compile.js: evmVersion shanghai)
      hardfork: 'shanghai',
      // the same deterministic accounts as node/ganache.js, so tests hold the same funded keys on both chains
      accounts: {
        mnemonic: 'myth like bonus scare over problem client lizard pioneer submit female collect',
        count: 20,
        accountsBalance: '1000000000000000000000000',
      },
      blockGasLimit: 60000000,
      // reverted transactions are mined with status 0 (as on a real network); reverted calls are errors
      throwOnTransactionFailures: false,
      throwOnCallFailures: true,
      loggingEnabled: false,
    },
  },
  paths: { sources: path.join(scratch, 'sources'), artifacts: path.join(scratch, 'artifacts'),
    cache: path.join(scratch, 'cache') },
};
