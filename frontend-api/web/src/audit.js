// The audit bundle verifier, in the browser: an audit bundle (format labelledger-audit-bundle,
// version 1, frontend-api/audit-bundle.schema.json) checked against the chain through a JSON-RPC
// endpoint, and nothing else. The checks and their ids are those of `labelledger audit`:
// signatures with ethers (ECDSA recovery under OpenZeppelin's rules), proofs and roots with
// @openzeppelin/merkle-tree, chain reads with ethers' JsonRpcProvider.
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { AbiCoder, Contract, Signature, TypedDataEncoder, concat, keccak256, recoverAddress, toUtf8Bytes } from 'ethers';
import { CONSENT_REGISTRY_ABI, PROVENANCE_REGISTRY_ABI, providerFor } from './chain.js';

export const FORMAT = 'labelledger-audit-bundle';
export const VERSION = 1;

export const CHECKS = [
  ['chain-id', 'the RPC endpoint serves the chain id the bundle names'],
  ['contracts', 'the registries are LabelLedger\'s (their EIP-712 domains on this chain), the marketplace and payment token have code'],
  ['dataset', 'the dataset is listed on-chain with the roots, total shares and terms the bundle states'],
  ['malformed', 'every contribution and shares entry is complete and well-formed'],
  ['signature', 'every signature recovers to its contributor (OpenZeppelin ECDSA rules: low s, v 27/28)'],
  ['leaf', 'every leaf is the one recomputed from the signed fields'],
  ['inclusion', 'every leaf is in the anchored root of its batch (its proof against ProvenanceRegistry.batch)'],
  ['anchored-after-signing', 'every batch was anchored at or after the submittedAt its contributions signed'],
  ['terms', 'every contribution was signed under the terms the dataset is listed with'],
  ['consent-at-anchoring', 'every contributor\'s consent was valid when their batch was anchored'],
  ['consent-at-listing', 'every contributor\'s consent was valid when the dataset was listed'],
  ['duplicate', 'no contribution appears twice'],
  ['count', 'the bundle holds as many contributions as its header announces'],
  ['content-root', 'the listed content root is reproduced from the bundle\'s leaves'],
  ['shares-root', 'the listed shares root is reproduced from the bundle\'s shares'],
  ['total-shares', 'the listed total shares equals the sum of the bundle\'s shares'],
  ['shares-rule', 'the shares follow the stated rule'],
  ['payment-token', 'the dataset is sold for the payment token the bundle names'],
  ['payouts', 'no account has claimed more than it is owed (revenue × shares / totalShares), and payouts add up'],
];

const MARKETPLACE_ABI = [
  'function dataset(uint256 datasetId) view returns (tuple(bytes32 contentRoot, bytes32 sharesRoot, uint80 totalShares, '
    + 'address paymentToken, uint128 price, uint16 feeBps, uint8 status, uint64 parentId, uint40 listedAt, bytes32 termsHash, '
    + 'address curator, uint128 gross, uint128 revenue, uint128 paidOut, uint128 feesAccrued) info)',
  'function claimedOf(uint256 datasetId, uint256 index) view returns (uint256)',
];
const EIP5267_ABI = ['function eip712Domain() view returns (bytes1 fields, string name, string version, uint256 chainId, '
  + 'address verifyingContract, bytes32 salt, uint256[] extensions)'];
const DOMAINS = { consentRegistry: 'LabelLedger ConsentRegistry', provenanceRegistry: 'LabelLedger Provenance' };
const CONTRIBUTION_TYPEHASH = keccak256(toUtf8Bytes(
  'Contribution(address contributor,uint256 campaignId,uint256 itemId,string answer,bytes32 termsHash,uint256 submittedAt)'));
const HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const ADDRESS = /^0x[0-9a-f]{40}$/;
const BYTES32 = /^0x[0-9a-f]{64}$/;
const UINT = /^(0|[1-9][0-9]{0,77})$/;
const SIGNATURE = /^0x[0-9a-f]{130}$/;
const LISTED = 1;
const abi = AbiCoder.defaultAbiCoder();
const MAX_LISTED = 50;

/** Reads a bundle's text; throws a readable Error when it is not a version-1 audit bundle. */
export function parseBundle(text) {
  let bundle;
  try {
    bundle = JSON.parse(text);
  } catch (e) {
    throw new Error(`The file is not JSON: ${e.message}`);
  }
  if (!bundle || bundle.format !== FORMAT) throw new Error(`Not an audit bundle (format should be "${FORMAT}").`);
  if (bundle.version !== VERSION) throw new Error(`Bundle version ${bundle.version} is not one this page reads (it reads ${VERSION}).`);
  for (const k of ['chain', 'dataset', 'sharesRule']) {
    if (!bundle[k] || typeof bundle[k] !== 'object') throw new Error(`The bundle has no "${k}".`);
  }
  if (!Array.isArray(bundle.contributions) || !Array.isArray(bundle.shares)) {
    throw new Error('The bundle needs "contributions" and "shares" arrays.');
  }
  return bundle;
}

/** The EIP-712 digest a contribution's contributor signed, from its answer hash. */
export function contributionDigest(domainSeparator, c) {
  const structHash = keccak256(abi.encode(
    ['bytes32', 'address', 'uint256', 'uint256', 'bytes32', 'bytes32', 'uint256'],
    [CONTRIBUTION_TYPEHASH, c.contributor, BigInt(c.campaignId), BigInt(c.itemId), c.answerHash, c.termsHash, BigInt(c.submittedAt)]));
  return keccak256(concat(['0x1901', domainSeparator, structHash]));
}

/** keccak256(keccak256(abi.encode(digest))): the StandardMerkleTree leaf of a bytes32 value. */
export function leafOf(digest) {
  return keccak256(keccak256(abi.encode(['bytes32'], [digest])));
}

/** The signer under OpenZeppelin's ECDSA rules (v 27/28, low s), or an Error saying why not. */
function recover(digest, signature) {
  const v = parseInt(signature.slice(130, 132), 16);
  if (v !== 27 && v !== 28) return new Error(`v is ${v}, not 27 or 28`);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (s > HALF_N) return new Error('s is in the upper half of the curve order (malleable signature)');
  try {
    return recoverAddress(digest, Signature.from(signature)).toLowerCase();
  } catch (e) {
    return new Error(`the signature does not recover: ${e.shortMessage || e.message}`);
  }
}

function malformed(c) {
  const bad = [];
  if (!ADDRESS.test(c.contributor || '')) bad.push('contributor');
  if (!UINT.test(String(c.campaignId ?? ''))) bad.push('campaignId');
  if (!UINT.test(String(c.itemId ?? ''))) bad.push('itemId');
  if (!BYTES32.test(c.answerHash || '')) bad.push('answerHash');
  if (!BYTES32.test(c.termsHash || '')) bad.push('termsHash');
  if (!Number.isInteger(c.submittedAt) || c.submittedAt < 0) bad.push('submittedAt');
  if (!SIGNATURE.test(c.signature || '')) bad.push('signature');
  if (!BYTES32.test(c.leaf || '')) bad.push('leaf');
  if (!Number.isInteger(c.batchId) || c.batchId < 1) bad.push('batchId');
  if (!Array.isArray(c.proof) || !c.proof.every((p) => BYTES32.test(p))) bad.push('proof');
  return bad;
}

class Report {
  constructor() {
    this.checks = new Map(CHECKS.map(([id, description]) => [id, { id, description, ran: false, failures: 0, listed: [] }]));
  }

  pass(id) {
    this.checks.get(id).ran = true;
  }

  fail(id, where, message) {
    const check = this.checks.get(id);
    check.ran = true;
    check.failures++;
    if (check.listed.length < MAX_LISTED) check.listed.push({ where, message });
  }

  skip(id, why) {
    const check = this.checks.get(id);
    check.skipped = why;
  }

  result() {
    const checks = [...this.checks.values()].map((c) => ({ ...c, ok: c.skipped ? null : c.failures === 0 }));
    return { ok: checks.every((c) => c.ok === true), checks };
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

/**
 * Verifies `bundle` against the chain at `rpcUrl`. `onProgress({phase, done, total})` is called as
 * it goes. Resolves with {ok, checks: [{id, description, ok (true/false/null when not run), failures,
 * listed: [{where, message}], skipped?}]}; rejects only when the endpoint cannot be read at all.
 */
export async function verifyBundle(bundle, rpcUrl, { onProgress = () => {} } = {}) {
  const report = new Report();
  const { chain, dataset } = bundle;
  const contributions = bundle.contributions;
  const provider = providerFor(rpcUrl, chain.chainId);

  onProgress({ phase: 'chain', done: 0, total: contributions.length });
  let chainId;
  try {
    chainId = Number(BigInt(await provider.send('eth_chainId', [])));
  } catch (e) {
    throw new Error(`The chain endpoint ${rpcUrl} cannot be read: ${e.shortMessage || e.message}`);
  }
  if (chainId === Number(chain.chainId)) report.pass('chain-id');
  else report.fail('chain-id', 'chain', `the endpoint serves chain ${chainId}, the bundle names ${chain.chainId}`);

  // the contracts: both registries must report LabelLedger's EIP-712 domain on this chain
  for (const [key, name] of Object.entries(DOMAINS)) {
    try {
      const d = await new Contract(chain[key], EIP5267_ABI, provider).eip712Domain();
      if (d.name !== name || d.version !== '1' || Number(d.chainId) !== chainId || d.verifyingContract.toLowerCase() !== chain[key]) {
        report.fail('contracts', key, `${chain[key]} reports the EIP-712 domain "${d.name}" v${d.version} on chain ${d.chainId}`);
      }
    } catch (e) {
      report.fail('contracts', key, `${chain[key]} does not answer eip712Domain(): not a LabelLedger ${name}`);
    }
  }
  for (const key of ['marketplace', 'paymentToken']) {
    const code = await provider.getCode(chain[key]).catch(() => '0x');
    if (code === '0x') report.fail('contracts', key, `no contract at ${chain[key]}`);
  }
  report.pass('contracts');

  const marketplace = new Contract(chain.marketplace, MARKETPLACE_ABI, provider);
  let listing = null;
  try {
    listing = await marketplace.dataset(BigInt(dataset.id));
    if (Number(listing.status) !== LISTED) {
      report.fail('dataset', `dataset ${dataset.id}`, Number(listing.status) === 0 ? 'not listed on-chain' : 'delisted');
    }
  } catch (e) {
    report.fail('dataset', `dataset ${dataset.id}`, `not listed on-chain (${e.shortMessage || e.message})`);
    listing = null;
  }
  if (listing) {
    const same = (a, b) => String(a).toLowerCase() === String(b).toLowerCase();
    if (!same(listing.contentRoot, dataset.contentRoot)) report.fail('dataset', 'contentRoot', `on-chain ${listing.contentRoot}, bundle ${dataset.contentRoot}`);
    if (!same(listing.sharesRoot, dataset.sharesRoot)) report.fail('dataset', 'sharesRoot', `on-chain ${listing.sharesRoot}, bundle ${dataset.sharesRoot}`);
    if (listing.totalShares !== BigInt(dataset.totalShares)) report.fail('dataset', 'totalShares', `on-chain ${listing.totalShares}, bundle ${dataset.totalShares}`);
    if (!same(listing.termsHash, dataset.termsHash)) report.fail('dataset', 'termsHash', `on-chain ${listing.termsHash}, bundle ${dataset.termsHash}`);
    report.pass('dataset');
    if (same(listing.paymentToken, chain.paymentToken)) report.pass('payment-token');
    else report.fail('payment-token', `dataset ${dataset.id}`, `sold for ${listing.paymentToken}, the bundle names ${chain.paymentToken}`);
  } else {
    report.skip('payment-token', 'the dataset is not on-chain');
  }

  const domainSeparator = TypedDataEncoder.hashDomain({
    name: DOMAINS.provenanceRegistry, version: '1', chainId: BigInt(chain.chainId), verifyingContract: chain.provenanceRegistry,
  });
  const registry = new Contract(chain.provenanceRegistry, PROVENANCE_REGISTRY_ABI, provider);
  const consents = new Contract(chain.consentRegistry, CONSENT_REGISTRY_ABI, provider);
  const batches = new Map();
  const batch = (id) => {
    if (!batches.has(id)) batches.set(id, registry.batch(id).then((b) => b, () => null));
    return batches.get(id);
  };
  const validity = new Map();
  const validAt = (who, terms, t) => {
    const key = `${who}|${terms}|${t}`;
    if (!validity.has(key)) validity.set(key, consents.wasValidAt(who, terms, t).then((v) => v, () => null));
    return validity.get(key);
  };

  // every contribution: well-formed, signed, its leaf, its proof, its batch time, its terms, consent
  const seen = new Set();
  const digests = [];
  const perAccount = new Map();
  for (let i = 0; i < contributions.length; i++) {
    const c = contributions[i];
    const where = c.id ? `contribution ${c.id}` : `contribution #${i + 1}`;
    const bad = malformed(c);
    if (bad.length) {
      report.fail('malformed', where, `bad or missing ${bad.join(', ')}`);
      continue;
    }
    const digest = contributionDigest(domainSeparator, c);
    const signer = recover(digest, c.signature);
    if (signer instanceof Error) report.fail('signature', where, signer.message);
    else if (signer !== c.contributor) report.fail('signature', where, `signed by ${signer}, not by ${c.contributor}`);
    const leaf = leafOf(digest);
    if (leaf !== c.leaf) report.fail('leaf', where, 'the leaf is not the one of the signed fields');
    if (seen.has(leaf)) report.fail('duplicate', where, 'the same contribution appears earlier in the bundle');
    seen.add(leaf);
    digests.push(digest);
    // shares under the stated rule: one per contribution, or the weight of its campaign
    const weighted = bundle.sharesRule.id === 'weighted-by-campaign';
    const earned = weighted ? BigInt((bundle.sharesRule.weights || {})[String(c.campaignId)] ?? 0) : 1n;
    if (weighted && earned === 0n) report.fail('shares-rule', where, `campaign ${c.campaignId} has no weight in the rule`);
    perAccount.set(c.contributor, (perAccount.get(c.contributor) || 0n) + earned);
    if (c.termsHash !== dataset.termsHash) report.fail('terms', where, `signed under terms ${c.termsHash}, the dataset's are ${dataset.termsHash}`);

    const b = await batch(c.batchId);
    if (!b || b.root === `0x${'0'.repeat(64)}`) {
      report.fail('inclusion', where, `batch ${c.batchId} is not anchored on-chain`);
    } else {
      let included = false;
      try {
        included = StandardMerkleTree.verify(b.root, ['bytes32'], [digest], c.proof);
      } catch {
        included = false;
      }
      if (!included) report.fail('inclusion', where, `the proof does not lead to the root of batch ${c.batchId}`);
      const anchoredAt = Number(b.anchoredAt);
      if (anchoredAt < c.submittedAt) report.fail('anchored-after-signing', where, `batch ${c.batchId} was anchored at ${anchoredAt}, before it was signed at ${c.submittedAt}`);
      const valid = await validAt(c.contributor, dataset.termsHash, anchoredAt);
      if (valid === null) report.fail('consent-at-anchoring', where, 'the ConsentRegistry could not be read');
      else if (!valid) report.fail('consent-at-anchoring', where, `${c.contributor} had no valid consent when batch ${c.batchId} was anchored`);
    }
    if (listing) {
      const valid = await validAt(c.contributor, dataset.termsHash, Number(listing.listedAt));
      if (valid === null) report.fail('consent-at-listing', where, 'the ConsentRegistry could not be read');
      else if (!valid) report.fail('consent-at-listing', where, `${c.contributor} had no valid consent when the dataset was listed`);
    }
    if (i % 25 === 24) {
      onProgress({ phase: 'contributions', done: i + 1, total: contributions.length });
      await tick();
    }
  }
  onProgress({ phase: 'roots', done: contributions.length, total: contributions.length });
  for (const id of ['malformed', 'signature', 'leaf', 'inclusion', 'anchored-after-signing', 'terms', 'duplicate']) report.pass(id);
  report.pass('consent-at-anchoring');
  if (listing) report.pass('consent-at-listing');
  else report.skip('consent-at-listing', 'the dataset is not on-chain');

  if (contributions.length === Number(dataset.contributionCount)) report.pass('count');
  else report.fail('count', 'bundle', `${contributions.length} contributions, the header announces ${dataset.contributionCount}`);

  if (digests.length) {
    const root = StandardMerkleTree.of(digests.map((d) => [d]), ['bytes32']).root;
    if (root === dataset.contentRoot) report.pass('content-root');
    else report.fail('content-root', 'bundle', `the leaves give ${root}, the bundle states ${dataset.contentRoot}`);
  } else {
    report.fail('content-root', 'bundle', 'no contributions to build the root from');
  }

  const shares = bundle.shares;
  const badShares = shares.filter((s) => !Number.isInteger(s.index) || s.index < 0 || !ADDRESS.test(s.account || '') || !UINT.test(String(s.shares ?? '')));
  badShares.forEach((s) => report.fail('malformed', `shares entry ${s.index}`, 'bad index, account or shares'));
  if (!badShares.length && shares.length) {
    const root = StandardMerkleTree.of(shares.map((s) => [BigInt(s.index), s.account, BigInt(s.shares)]), ['uint256', 'address', 'uint256']).root;
    if (root === dataset.sharesRoot) report.pass('shares-root');
    else report.fail('shares-root', 'bundle', `the shares give ${root}, the bundle states ${dataset.sharesRoot}`);
    const total = shares.reduce((sum, s) => sum + BigInt(s.shares), 0n);
    if (total === BigInt(dataset.totalShares)) report.pass('total-shares');
    else report.fail('total-shares', 'bundle', `the shares add up to ${total}, the bundle states ${dataset.totalShares}`);
    if (bundle.sharesRule.id === 'one-share-per-contribution' || bundle.sharesRule.id === 'weighted-by-campaign') {
      const accounts = new Set();
      for (const s of shares) {
        accounts.add(s.account);
        const expected = perAccount.get(s.account) || 0n;
        if (BigInt(s.shares) !== expected) report.fail('shares-rule', s.account, `${s.shares} shares, the rule gives ${expected}`);
      }
      for (const [account, n] of perAccount) {
        if (!accounts.has(account) && n > 0n) report.fail('shares-rule', account, `${n} shares earned and none listed`);
      }
      report.pass('shares-rule');
    } else {
      report.fail('shares-rule', 'bundle', `the rule "${bundle.sharesRule.id}" is not one this page knows`);
    }
  } else if (!shares.length) {
    report.fail('shares-root', 'bundle', 'no shares');
  }

  if (listing && !badShares.length) {
    onProgress({ phase: 'payouts', done: contributions.length, total: contributions.length });
    let claimed = 0n;
    const totalShares = BigInt(listing.totalShares);
    for (const s of shares) {
      const got = await marketplace.claimedOf(BigInt(dataset.id), BigInt(s.index));
      claimed += got;
      const owed = totalShares === 0n ? 0n : (BigInt(listing.revenue) * BigInt(s.shares)) / totalShares;
      if (got > owed) report.fail('payouts', s.account, `claimed ${got}, owed at most ${owed}`);
    }
    if (claimed !== BigInt(listing.paidOut)) report.fail('payouts', `dataset ${dataset.id}`, `claims add up to ${claimed}, the contract paid out ${listing.paidOut}`);
    report.pass('payouts');
  } else {
    report.skip('payouts', listing ? 'the shares are malformed' : 'the dataset is not on-chain');
  }
  onProgress({ phase: 'done', done: contributions.length, total: contributions.length });
  return report.result();
}
