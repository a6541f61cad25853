#!/usr/bin/env node
// Reference Merkle trees from @openzeppelin/merkle-tree, for tests and auditors.
// stdin: {"types": ["uint256","address","uint256"], "values": [[...], ...]}
// stdout: {"root": "0x..", "proofs": [[..], ..]} with proofs in the order of the input values.
// With {"verify": {"root", "types", "value", "proof"}} instead, prints {"valid": true|false}.
'use strict';
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const req = JSON.parse(input);
  if (req.verify) {
    const { root, types, value, proof } = req.verify;
    console.log(JSON.stringify({ valid: StandardMerkleTree.verify(root, types, value, proof) }));
    return;
  }
  const tree = StandardMerkleTree.of(req.values, req.types);
  const proofs = req.values.map((_, i) => tree.getProof(i));
  console.log(JSON.stringify({ root: tree.root, proofs }));
});
