#!/usr/bin/env node
// Third-party signer for tests and scripts/walkthrough: signs as an ordinary ethers.js v6 wallet
// would, so the service is checked against an implementation that is not ours.
// stdin:  {"privateKey": "0x..", "kind": "siwe", "message": "<EIP-4361 text>"}
//      or {"privateKey": "0x..", "kind": "typedData", "typedData": {types, primaryType, domain, message}}
// stdout: {"address": "0x..", "signature": "0x.."}
// stdin:  {"kind": "newWallet"}
// stdout: {"address": "0x..", "privateKey": "0x.."}   (a fresh random key)
'use strict';
const { Wallet } = require('ethers');

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (request.kind === 'newWallet') {
    const fresh = Wallet.createRandom();
    process.stdout.write(JSON.stringify({ address: fresh.address, privateKey: fresh.privateKey }));
    return;
  }
  const wallet = new Wallet(request.privateKey);
  let signature;
  if (request.kind === 'siwe') {
    signature = await wallet.signMessage(request.message);
  } else if (request.kind === 'typedData') {
    // ethers takes the types without EIP712Domain (it derives that from the domain object)
    const { EIP712Domain, ...types } = request.typedData.types;
    signature = await wallet.signTypedData(request.typedData.domain, types, request.typedData.message);
  } else {
    throw new Error(`unknown kind: ${request.kind}`);
  }
  process.stdout.write(JSON.stringify({ address: wallet.address, signature }));
}

main().catch((err) => {
  console.error(`sign.js: ${err.message}`);
  process.exit(1);
});
