// Inclusion proofs checked in the page. A contribution's leaf is its EIP-712 digest in the
// OpenZeppelin StandardMerkleTree convention (leaf encoding ['bytes32']: double keccak, sorted
// pairs), so @openzeppelin/merkle-tree verifies it exactly as MerkleProof does on-chain.
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { provenanceRegistry, publicProvider } from './chain.js';

export const LEAF_ENCODING = ['bytes32'];

/** Whether `proof` takes `digest` to `root` (false for malformed input rather than throwing). */
export function verifyDigestProof(root, digest, proof) {
  try {
    return StandardMerkleTree.verify(root, LEAF_ENCODING, [digest], proof);
  } catch {
    return false;
  }
}

/**
 * Checks an anchored contribution: the proof against the batch root the service reports, and,
 * when the service names a public JSON-RPC endpoint, that root against the chain's
 * ProvenanceRegistry.batch(batchId). Resolves with a list of {check, ok, detail}.
 */
export async function checkAnchoredContribution({ digest, batchId, root, proof, registry }) {
  const checks = [];
  const local = verifyDigestProof(root, digest, proof);
  checks.push({ check: 'proof', ok: local, detail: local
    ? `the proof (${proof.length} hashes) leads from this answer's digest to the batch root`
    : 'the proof does not lead from this answer\'s digest to the batch root' });
  const rpc = await publicProvider();
  if (!rpc) {
    checks.push({ check: 'chain', ok: null, detail: 'no public chain endpoint: the root was not compared with the chain' });
    return checks;
  }
  const address = rpc.info.contracts.provenanceRegistry;
  if (registry && registry.toLowerCase() !== address.toLowerCase()) {
    checks.push({ check: 'registry', ok: false, detail: `the proof names registry ${registry}, the service's is ${address}` });
  }
  try {
    const contract = provenanceRegistry(address, rpc.provider);
    const onChain = await contract.batch(batchId);
    const same = onChain.root.toLowerCase() === String(root).toLowerCase();
    checks.push({ check: 'root', ok: same, detail: same
      ? `ProvenanceRegistry batch ${batchId} on-chain has this root, anchored ${new Date(Number(onChain.anchoredAt) * 1000).toISOString()}`
      : `ProvenanceRegistry batch ${batchId} on-chain has another root (${onChain.root})` });
    const included = await contract.verifyInclusion(batchId, digest, proof);
    checks.push({ check: 'contract', ok: included, detail: included
      ? 'the contract itself accepts the proof (verifyInclusion)' : 'the contract rejects the proof (verifyInclusion)' });
  } catch (e) {
    checks.push({ check: 'root', ok: false, detail: `could not read batch ${batchId} from the chain: ${e.shortMessage || e.message}` });
  }
  return checks;
}
