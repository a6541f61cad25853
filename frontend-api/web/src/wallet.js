// The two ways to hold a key: an injected wallet (EIP-1193, window.ethereum: MetaMask, Rabby, ...)
// that signs in its own window, or a key generated and kept in this browser's localStorage.
// Both sign the same things: EIP-4361 sign-in text (personal_sign) and EIP-712 typed data
// (eth_signTypedData_v4), exactly as the service hands them out.
import { BaseWallet, SigningKey, getAddress, hexlify, randomBytes, toUtf8Bytes } from 'ethers';

const KEY_STORAGE = 'labelledger.browserKey.v1';

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled (some private modes): a browser key cannot be kept
  }
}

/** Whether the browser has an injected wallet (never outside a browser: node evaluates the answer modules). */
export function hasInjectedWallet() {
  return typeof window !== 'undefined' && typeof window.ethereum === 'object' && window.ethereum !== null
    && typeof window.ethereum.request === 'function';
}

/** Normalises a pasted private key (with or without 0x, spaces trimmed); throws a readable error. */
export function parsePrivateKey(text) {
  const hex = String(text || '').trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new Error('A private key is 64 hexadecimal characters (optionally starting with 0x).');
  }
  const key = `0x${hex.toLowerCase()}`;
  try {
    return new SigningKey(key).privateKey;
  } catch {
    throw new Error('This is not a valid secp256k1 private key.');
  }
}

class BrowserKeySigner {
  constructor(privateKey) {
    this.wallet = new BaseWallet(new SigningKey(privateKey));
    this.kind = 'browser';
    this.address = this.wallet.address;
  }

  signMessage(text) {
    return this.wallet.signMessage(text);
  }

  /** Signs eth_signTypedData_v4-shaped typed data (ethers wants the types without EIP712Domain). */
  signTypedData(typedData) {
    const { EIP712Domain, ...types } = typedData.types;
    return this.wallet.signTypedData(typedData.domain, types, typedData.message);
  }

  exportKey() {
    return this.wallet.privateKey;
  }
}

class InjectedSigner {
  constructor(provider, address) {
    this.provider = provider;
    this.kind = 'injected';
    this.address = getAddress(address);
  }

  signMessage(text) {
    return this.provider.request({ method: 'personal_sign', params: [hexlify(toUtf8Bytes(text)), this.address] });
  }

  signTypedData(typedData) {
    return this.provider.request({ method: 'eth_signTypedData_v4', params: [this.address, JSON.stringify(typedData)] });
  }

  /** Sends a transaction through the wallet (it asks the user); resolves with the hash. */
  sendTransaction(tx) {
    return this.provider.request({ method: 'eth_sendTransaction', params: [{ from: this.address, ...tx }] });
  }
}

export function storedBrowserKeyAddress() {
  const key = storage()?.getItem(KEY_STORAGE);
  if (!key) return null;
  try {
    return new BrowserKeySigner(key).address;
  } catch {
    return null;
  }
}

/** The signer for the key kept in this browser, creating the key when there is none. */
export function browserKeySigner({ create = false } = {}) {
  const store = storage();
  if (!store) throw new Error('This browser does not allow this site to store data, so it cannot keep a key.');
  let key = store.getItem(KEY_STORAGE);
  if (!key) {
    if (!create) return null;
    key = hexlify(randomBytes(32));
    store.setItem(KEY_STORAGE, key);
  }
  return new BrowserKeySigner(key);
}

/** Replaces the kept key by an imported one; returns its signer. */
export function importBrowserKey(text) {
  const key = parsePrivateKey(text);
  const store = storage();
  if (!store) throw new Error('This browser does not allow this site to store data, so it cannot keep a key.');
  store.setItem(KEY_STORAGE, key);
  return new BrowserKeySigner(key);
}

export function forgetBrowserKey() {
  storage()?.removeItem(KEY_STORAGE);
}

/** Asks the injected wallet for an account (the wallet shows its own prompt). */
export async function connectInjected({ prompt = true } = {}) {
  const provider = window.ethereum;
  const accounts = await provider.request({ method: prompt ? 'eth_requestAccounts' : 'eth_accounts' });
  if (!accounts || !accounts.length) {
    if (!prompt) return null;
    throw new Error('The wallet shared no account.');
  }
  return new InjectedSigner(provider, accounts[0]);
}

/** The chain the injected wallet is on (a number). */
export async function injectedChainId() {
  return Number(BigInt(await window.ethereum.request({ method: 'eth_chainId' })));
}

/** Asks the injected wallet to switch to `chainId`. */
export function switchInjectedChain(chainId) {
  return window.ethereum.request({ method: 'wallet_switchEthereumChain', params: [{ chainId: `0x${chainId.toString(16)}` }] });
}

/** A wallet's refusal ("user rejected") as a sentence; anything else as its message. */
export function describeWalletError(e) {
  if (e && (e.code === 4001 || e.code === 'ACTION_REJECTED')) return 'You declined the request in your wallet.';
  return (e && (e.shortMessage || e.message)) || String(e);
}
