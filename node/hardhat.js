#!/usr/bin/env node
// Starts a local Hardhat Network node: node hardhat.js --port N [--exit-with-stdin]
// Chain id 31337, shanghai, automining, the same deterministic accounts as ganache.js
// (see hardhat.config.js). Prints one line "hardhat ready <url>" once it accepts requests.
'use strict';
process.env.HARDHAT_DISABLE_TELEMETRY_PROMPT = 'true';
process.chdir(__dirname);

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const port = Number(arg('port', '8545'));
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`hardhat: --port must be 0..65535, got ${arg('port')}`);
  process.exit(2);
}

const hre = require('hardhat');

function stop() { process.exit(0); }
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// If the parent JVM dies without signalling us, stdin closes: stop rather than linger.
if (process.argv.includes('--exit-with-stdin')) {
  process.stdin.on('end', stop);
  process.stdin.resume();
}

hre.run('node', { port, hostname: '127.0.0.1' }).catch((err) => {
  console.error(`hardhat: ${err.message}`);
  process.exit(1);
});
