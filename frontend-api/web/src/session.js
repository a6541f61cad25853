// Sign-In with Ethereum (EIP-4361) against the service, and the session that follows. The session
// token lives in sessionStorage (this tab only); the key stays wherever it is (wallet or browser).
import { getAddress } from 'ethers';
import { api, onSessionEnded, onSessionExpired, setSessionToken } from './api.js';
import { createStore } from './store.js';
import { browserKeySigner, connectInjected, hasInjectedWallet } from './wallet.js';

const SESSION_STORAGE = 'labelledger.session.v1';

export const session = createStore({
  signer: null,      // BrowserKeySigner | InjectedSigner
  token: null,
  address: null,     // checksummed
  expiresAt: null,   // ISO time
  operator: false,   // what GET /api/me says: the account is one of the marketplace's operators
  restoring: true,
  notice: null,      // why the last session ended, shown once
});

/** The EIP-4361 text the service expects (its domain and chain id come with the nonce). */
export function siweMessage({ domain, address, uri, chainId, nonce, issuedAt }) {
  return `${domain} wants you to sign in with your Ethereum account:\n${address}\n\n`
    + 'Sign in to LabelLedger.\n\n'
    + `URI: ${uri}\nVersion: 1\nChain ID: ${chainId}\nNonce: ${nonce}\nIssued At: ${issuedAt}`;
}

function remember(state) {
  try {
    if (state) {
      window.sessionStorage.setItem(SESSION_STORAGE, JSON.stringify(state));
    } else {
      window.sessionStorage.removeItem(SESSION_STORAGE);
    }
  } catch {
    // no storage: the session lasts as long as the page
  }
}

/** Signs in with `signer`: nonce, the signed message, a session token. */
export async function signIn(signer) {
  const nonce = await api('GET', '/api/auth/nonce', { auth: false });
  const address = getAddress(signer.address);
  const message = siweMessage({
    domain: nonce.domain,
    address,
    uri: `${window.location.origin}/`,
    chainId: nonce.chainId,
    nonce: nonce.nonce,
    issuedAt: new Date().toISOString(),
  });
  const signature = await signer.signMessage(message);
  let reply;
  try {
    reply = await api('POST', '/api/auth/siwe', { body: { message, signature }, auth: false });
  } catch (e) {
    if (e.code === 'SIWE_ISSUED_IN_FUTURE') {
      throw new Error('This device\'s clock is ahead of the service\'s: set it to the right time and sign in again.');
    }
    throw e;
  }
  setSessionToken(reply.token);
  remember({ token: reply.token, address, expiresAt: reply.expiresAt, kind: signer.kind });
  session.set({ signer, token: reply.token, address, expiresAt: reply.expiresAt, operator: await isOperator(),
    restoring: false, notice: null });
}

/** Whether the session's account is an operator; false when the service cannot say (the operator pages then say so). */
async function isOperator() {
  try {
    return (await api('GET', '/api/me')).operator === true;
  } catch {
    return false;
  }
}

export async function signOut(notice = null) {
  const { token } = session.get();
  if (token) {
    api('POST', '/api/auth/logout').catch(() => {});
  }
  setSessionToken(null);
  remember(null);
  session.set({ signer: null, token: null, address: null, expiresAt: null, operator: false, notice });
}

// a key kept in the browser signs a new sign-in message by itself when the session runs out, so a
// long labelling run is not interrupted; a wallet would have to ask, so its user signs in again
onSessionExpired(async () => {
  const { signer, token } = session.get();
  if (!token || !signer || signer.kind !== 'browser') return false;
  await signIn(signer);
  return true;
});

onSessionEnded((code) => {
  signOut(code === 'SESSION_EXPIRED' ? 'Your session expired: please sign in again.'
    : 'Your session ended: please sign in again.');
});

/** Picks up this tab's session after a reload, if its key is still at hand and the service still knows it. */
export async function restoreSession() {
  let saved = null;
  try {
    saved = JSON.parse(window.sessionStorage.getItem(SESSION_STORAGE) || 'null');
  } catch {
    saved = null;
  }
  try {
    if (!saved || !saved.token || Date.parse(saved.expiresAt) <= Date.now()) return;
    let signer = null;
    if (saved.kind === 'browser') {
      signer = browserKeySigner();
    } else if (saved.kind === 'injected' && hasInjectedWallet()) {
      signer = await connectInjected({ prompt: false });
    }
    if (!signer || getAddress(signer.address) !== saved.address) {
      remember(null);
      return;
    }
    setSessionToken(saved.token);
    const me = await api('GET', '/api/me');
    if (getAddress(me.address) !== saved.address) throw new Error('another account');
    session.set({ signer, token: saved.token, address: saved.address, expiresAt: me.sessionExpiresAt,
      operator: me.operator === true });
  } catch {
    setSessionToken(null);
    remember(null);
  } finally {
    session.set({ restoring: false });
  }
}

if (hasInjectedWallet() && typeof window.ethereum.on === 'function') {
  // the wallet switched accounts: the session belongs to the old one
  window.ethereum.on('accountsChanged', (accounts) => {
    const { signer, address } = session.get();
    if (signer && signer.kind === 'injected' && (!accounts[0] || getAddress(accounts[0]) !== address)) {
      signOut('Your wallet switched accounts: sign in again with the new one.');
    }
  });
}
