#!/usr/bin/env node
// Starts a local Ganache: node ganache.js --port N [--db DIR] [--chain-id 1337] [--hardfork shanghai]
// Deterministic accounts (the well-known test mnemonic), shanghai hardfork, instant mining.
// Prints one line "ganache ready <url>" once it accepts requests; stops on SIGTERM/SIGINT.
'use strict';
const ganache = require('ganache');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', '8545'));
const db = arg('db', undefined);
const chainId = Number(arg('chain-id', '1337'));
const accounts = Number(arg('accounts', '20'));
// an older hardfork (e.g. berlin: no base fee) only to test what the service does on such chains
const hardfork = arg('hardfork', 'shanghai');
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`ganache: --port must be 1..65535, got ${arg('port')}`);
  process.exit(2);
}

const options = {
  wallet: { deterministic: true, totalAccounts: accounts, defaultBalance: 1000000 },
  chain: { chainId, networkId: chainId, hardfork },
  miner: { blockGasLimit: 60000000, defaultGasPrice: '0x3B9ACA00' },
  logging: { quiet: true },
};
if (db) options.database = { dbPath: db };

const server = ganache.server(options);
server.listen(port, '127.0.0.1', (err) => {
  if (err) {
    console.error(`ganache: cannot listen on 127.0.0.1:${port}: ${err.message}`);
    process.exit(1);
  }
  console.log(`ganache ready http://127.0.0.1:${port} chainId=${chainId}`);
});

let closing = false;
async function stop() {
  if (closing) return;
  closing = true;
  try { await server.close(); } finally { process.exit(0); }
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// If the parent JVM dies without signalling us, stdin closes: stop rather than linger.
if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', stop);
  process.stdin.resume();
}
