// Reading the chain from the browser, through the public JSON-RPC endpoint the service names in
// GET /api/chain (the page's Content-Security-Policy allows that origin and no other).
import { Contract, JsonRpcProvider } from 'ethers';
import { apiCached } from './api.js';

export const CONSENT_REGISTRY_ABI = [
  'function nonceOf(address contributor, bytes32 termsHash) view returns (uint256)',
  'function isValid(address contributor, bytes32 termsHash) view returns (bool)',
  'function wasValidAt(address contributor, bytes32 termsHash, uint256 timestamp) view returns (bool)',
];

export const PROVENANCE_REGISTRY_ABI = [
  'function batch(uint64 batchId) view returns (bytes32 root, uint64 leafCount, uint48 anchoredAt)',
  'function verifyInclusion(uint64 batchId, bytes32 digest, bytes32[] proof) view returns (bool)',
];

export function chainInfo() {
  return apiCached('/api/chain');
}

const providers = new Map();

/** A provider for `url` pinned to `chainId` (no network auto-detection polling). */
export function providerFor(url, chainId) {
  const key = `${url}|${chainId}`;
  if (!providers.has(key)) {
    providers.set(key, new JsonRpcProvider(url, Number(chainId), { staticNetwork: true, batchMaxCount: 20 }));
  }
  return providers.get(key);
}

/** The provider of the service's public RPC endpoint, or null when it publishes none. */
export async function publicProvider() {
  try {
    const info = await chainInfo();
    return info.rpcUrl ? { provider: providerFor(info.rpcUrl, info.chainId), info } : null;
  } catch {
    return null;
  }
}

export function consentRegistry(address, provider) {
  return new Contract(address, CONSENT_REGISTRY_ABI, provider);
}

export function provenanceRegistry(address, provider) {
  return new Contract(address, PROVENANCE_REGISTRY_ABI, provider);
}
