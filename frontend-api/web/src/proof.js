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
export async function checkAnchoredContribution({ digest, batchId, root, proof }) {
  const checks = [];
  const local = verifyDigestProof(root, digest, proof);
  checks.push({ check: 'proof', ok: local, detail: local ? 'the proof leads from this answer to the batch root' : 'the proof does not lead to the batch root' });
  const rpc = await publicProvider();
  if (!rpc) {
    checks.push({ check: 'chain', ok: null, detail: 'no public chain endpoint: the root was not compared with the chain' });
    return checks;
  }
  try {
    const registry = provenanceRegistry(rpc.info.contracts.provenanceRegistry, rpc.provider);
    const onChain = await registry.batch(batchId);
    const same = onChain.root.toLowerCase() === String(root).toLowerCase();
    checks.push({ check: 'chain', ok: same, detail: same ? `batch ${batchId} on-chain has this root` : `batch ${batchId} on-chain has another root (${onChain.root})` });
  } catch (e) {
    checks.push({ check: 'chain', ok: false, detail: `could not read batch ${batchId} from the chain: ${e.shortMessage || e.message}` });
  }
  return checks;
}
