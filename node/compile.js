#!/usr/bin/env node
// Compiles contracts/*.sol with solc-js (standard JSON) into <out>/<Name>.abi, <Name>.bin,
// <Name>.runtime.json and <out>/artifacts.json. Imports resolve against node_modules (OpenZeppelin).
// Also writes <out>/standard-input.json: the compiler input with every source it read (imports
// included) and the settings, which is what explorers' source verification takes, and which
// compiles to the same bytecode without any import callback.
// The EVM target is shanghai: Ganache 7.9 cannot run cancun opcodes (mcopy, tstore), and a mismatch
// only shows up at call time as "invalid opcode".
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = path.resolve(__dirname, '..');
const srcDir = path.join(root, 'contracts');
const outArg = process.argv.slice(2).find((a) => !a.startsWith('--'));
const outDir = path.resolve(outArg || path.join(root, 'target', 'contracts'));

// Skip the (slow, ~15 s) solc-js run when the outputs are newer than every input.
const inputs = [__filename, path.join(__dirname, 'package-lock.json'),
  ...fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).map((f) => path.join(srcDir, f))];
const marker = path.join(outDir, 'artifacts.json');
const standardInput = path.join(outDir, 'standard-input.json');
if (!process.argv.includes('--force') && fs.existsSync(marker) && fs.existsSync(standardInput)) {
  const built = fs.statSync(marker).mtimeMs;
  if (inputs.every((f) => fs.statSync(f).mtimeMs < built)) {
    console.log(`contracts up to date in ${path.relative(root, outDir)}`);
    process.exit(0);
  }
}

const sources = {};
for (const f of fs.readdirSync(srcDir).filter((f) => f.endsWith('.sol')).sort()) {
  sources[`contracts/${f}`] = { content: fs.readFileSync(path.join(srcDir, f), 'utf8') };
}

const input = {
  language: 'Solidity',
  sources,
  settings: {
    evmVersion: 'shanghai',
    optimizer: { enabled: true, runs: 10000 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object',
      'evm.deployedBytecode.immutableReferences', 'evm.methodIdentifiers'] } },
  },
};

const imported = {};
function findImports(p) {
  for (const base of [root, path.join(__dirname, 'node_modules')]) {
    const candidate = path.join(base, p);
    if (fs.existsSync(candidate)) {
      imported[p] = { content: fs.readFileSync(candidate, 'utf8') };
      return { contents: imported[p].content };
    }
  }
  return { error: `import not found: ${p}` };
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
// Warnings about our own sources only: OpenZeppelin's are not ours to fix.
for (const e of output.errors || []) {
  const ours = !e.sourceLocation || e.sourceLocation.file.startsWith('contracts/');
  if (e.severity !== 'error' && ours) console.warn(e.formattedMessage);
}
if (errors.length) {
  for (const e of errors) console.error(e.formattedMessage);
  process.exit(1);
}

fs.mkdirSync(outDir, { recursive: true });
const artifacts = {};
for (const [file, contracts] of Object.entries(output.contracts)) {
  if (!file.startsWith('contracts/')) continue;
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) continue; // interfaces and abstract contracts
    fs.writeFileSync(path.join(outDir, `${name}.abi`), JSON.stringify(c.abi));
    fs.writeFileSync(path.join(outDir, `${name}.bin`), c.evm.bytecode.object);
    fs.writeFileSync(path.join(outDir, `${name}.runtime.json`), JSON.stringify(runtimeCode(name, c.evm.deployedBytecode)));
    artifacts[name] = { abi: c.abi, bytecode: '0x' + c.evm.bytecode.object };
    const size = c.evm.deployedBytecode.object.length / 2;
    console.log(`compiled ${name}: ${size} bytes deployed${size > 24576 ? ' (OVER the EIP-170 limit)' : ''}`);
  }
}
fs.writeFileSync(standardInput, JSON.stringify({ language: input.language,
  sources: Object.fromEntries(Object.entries({ ...sources, ...imported }).sort(([a], [b]) => (a < b ? -1 : 1))),
  settings: { ...input.settings, outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object',
    'evm.deployedBytecode.object', 'metadata'] } } } }));
fs.writeFileSync(path.join(outDir, 'artifacts.json'), JSON.stringify(artifacts));

// What the auditor's verifier compares a deployed contract's code with (eth_getCode): the runtime
// code, the byte ranges its constructor fills in (immutables: the EIP-712 domain's cached values),
// and the length of the CBOR metadata solc appends (its last two bytes + those two), which hashes
// the sources' text, comments included, and is never executed.
function runtimeCode(name, deployed) {
  const code = deployed.object;
  const immutables = Object.values(deployed.immutableReferences || {}).flat()
    .map((r) => ({ start: r.start, length: r.length }))
    .sort((a, b) => a.start - b.start);
  const metadataLength = parseInt(code.slice(-4), 16) + 2;
  return { contract: name, compiler: solc.version(), code: '0x' + code, immutables, metadataLength };
}
console.log(`solc ${solc.version()} -> ${path.relative(root, outDir)} (${Object.keys(artifacts).length} contracts)`);
