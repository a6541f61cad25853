// Consent and revocation: EIP-712 messages under the ConsentRegistry domain, signed by the
// contributor, stored by the service (202) and relayed on-chain; the page then watches
// GET /api/consents/me until the chain says so.
import { ApiError, api, apiCached } from './api.js';

const HOUR = 3600;
const DAY = 86400;

export function myConsents() {
  return api('GET', '/api/consents/me');
}

/** The consent to `termsHash` as the chain's events say (or null), from a /consents/me reply. */
export function consentFor(mine, termsHash) {
  const h = termsHash.toLowerCase();
  return (mine.consents || []).find((c) => c.termsHash.toLowerCase() === h) || null;
}

/** The newest signed request for `termsHash`, from a /consents/me reply (newest first). */
export function latestRequestFor(mine, termsHash) {
  const h = termsHash.toLowerCase();
  return (mine.requests || []).find((r) => r.termsHash.toLowerCase() === h) || null;
}

/**
 * ConsentRegistry.nonceOf(contributor, terms): read from the chain when the service names a public
 * endpoint, else inferred from the relayed requests (each confirmed one used a nonce); a wrong
 * guess is corrected from the service's CONSENT_NONCE_MISMATCH reply.
 */
async function currentNonce(address, termsHash, mine) {
  // chain reading code (ethers' providers) is loaded only when needed
  const { consentRegistry, publicProvider } = await import('./chain.js');
  const rpc = await publicProvider();
  if (rpc) {
    try {
      return Number(await consentRegistry(rpc.info.contracts.consentRegistry, rpc.provider).nonceOf(address, termsHash));
    } catch {
      // fall through to the inference below
    }
  }
  const h = termsHash.toLowerCase();
  return (mine.requests || []).filter((r) => r.termsHash.toLowerCase() === h && r.status === 'confirmed').length;
}

async function typedData(primaryType, message) {
  const eip712 = await apiCached('/api/eip712');
  return {
    types: { EIP712Domain: eip712.types.EIP712Domain, [primaryType]: eip712.types[primaryType] },
    primaryType,
    domain: eip712.domains[eip712.primaryTypes[primaryType]],
    message,
  };
}

async function signAndPost(signer, path, build, mine, termsHash) {
  let nonce = await currentNonce(signer.address, termsHash, mine);
  for (let attempt = 0; ; attempt++) {
    const td = await typedData(...build(nonce));
    const signature = await signer.signTypedData(td);
    try {
      return await api('POST', path, { body: { typedData: td, signature } });
    } catch (e) {
      const expected = e instanceof ApiError && e.code === 'CONSENT_NONCE_MISMATCH' ? Number(e.details.expected) : NaN;
      if (attempt === 0 && Number.isInteger(expected) && expected !== nonce) {
        nonce = expected;
        continue;
      }
      throw e;
    }
  }
}

/** Signs and submits a Consent to `termsHash` valid for `days`; resolves with {id, status}. */
export function giveConsent(signer, termsHash, days, mine) {
  const now = Math.floor(Date.now() / 1000);
  return signAndPost(signer, '/api/consents', (nonce) => ['Consent', {
    contributor: signer.address, termsHash, expiresAt: now + days * DAY, nonce, deadline: now + HOUR,
  }], mine, termsHash);
}

/** Signs and submits a Revocation of the consent to `termsHash`. */
export function revokeConsent(signer, termsHash, mine) {
  const now = Math.floor(Date.now() / 1000);
  return signAndPost(signer, '/api/revocations', (nonce) => ['Revocation', {
    contributor: signer.address, termsHash, nonce, deadline: now + HOUR,
  }], mine, termsHash);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls /consents/me until request `id` is settled and the consent state agrees with it
 * (`wantValid`), or `timeoutMs` passes. Resolves with the last reply and the request.
 */
export async function waitForConsentState(id, termsHash, wantValid, { timeoutMs = 120000, onTick } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const mine = await myConsents();
    const request = (mine.requests || []).find((r) => r.id === id) || null;
    const consent = consentFor(mine, termsHash);
    if (onTick) onTick(mine, request);
    if (request && request.status === 'failed') return { mine, request, settled: true };
    if (request && request.status === 'confirmed' && Boolean(consent && consent.valid) === wantValid) {
      return { mine, request, settled: true };
    }
    if (Date.now() > until) return { mine, request, settled: false };
    await sleep(1000);
  }
}
