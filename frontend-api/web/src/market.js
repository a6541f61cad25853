// Buying and claiming from the browser: transactions sent by the signed-in key (an injected wallet
// sends them itself; a key kept in the browser sends them through the service's public JSON-RPC
// endpoint), token figures read from the chain, and licensed downloads.
import { Contract } from 'ethers';
import { ApiError, currentSessionToken } from './api.js';
import { injectedChainId, switchInjectedChain } from './wallet.js';

const ERC20_ABI = [
  'function symbol() view returns (string)',
  'function decimals() view returns (uint8)',
  'function balanceOf(address) view returns (uint256)',
];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function chain() {
  const { publicProvider } = await import('./chain.js');
  return publicProvider();
}

/** Symbol and decimals of the payment token (null when the chain cannot be read from here). */
export async function tokenInfo(address, account) {
  const rpc = await chain();
  if (!rpc || !address) return null;
  try {
    const token = new Contract(address, ERC20_ABI, rpc.provider);
    const [symbol, decimals, balance, gas] = await Promise.all([token.symbol(), token.decimals(),
      account ? token.balanceOf(account) : null, account ? rpc.provider.getBalance(account) : null]);
    return { symbol, decimals: Number(decimals), balance, gas };
  } catch {
    return null;
  }
}

/**
 * Sends {to, data} from `signer` and waits until it is mined; `onSent(hash)` when it is broadcast.
 * Rejects when it reverts.
 */
export async function sendAndWait(signer, tx, chainId, onSent = () => {}) {
  if (signer.kind === 'injected') {
    if (chainId && (await injectedChainId()) !== Number(chainId)) await switchInjectedChain(Number(chainId));
    const hash = await signer.sendTransaction(tx);
    onSent(hash);
    for (;;) {
      const receipt = await window.ethereum.request({ method: 'eth_getTransactionReceipt', params: [hash] });
      if (receipt) {
        if (Number(receipt.status) !== 1) throw new Error(`Transaction ${hash} reverted.`);
        return { hash, blockNumber: Number(receipt.blockNumber) };
      }
      await sleep(1000);
    }
  }
  const rpc = await chain();
  if (!rpc) {
    throw new Error('This service publishes no chain endpoint, so a key kept in the browser cannot send transactions here: use a wallet.');
  }
  const sent = await signer.wallet.connect(rpc.provider).sendTransaction(tx);
  onSent(sent.hash);
  const receipt = await sent.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`Transaction ${sent.hash} reverted.`);
  return { hash: sent.hash, blockNumber: receipt.blockNumber };
}

/** Downloads a licensed export (`format` jsonl or parquet) and hands it to the browser to save. */
export async function downloadExport(datasetId, format) {
  const response = await fetch(`/api/datasets/${datasetId}/export?format=${format}`, {
    headers: { Authorization: `Bearer ${currentSessionToken()}` }, cache: 'no-store', credentials: 'omit',
  });
  if (!response.ok) {
    let error = null;
    try {
      error = (await response.json()).error;
    } catch {
      error = null;
    }
    throw new ApiError(response.status, error ? error.code : `HTTP_${response.status}`,
      error ? error.message : `The download was refused (${response.status}).`, error && error.details);
  }
  const blob = await response.blob();
  const disposition = response.headers.get('Content-Disposition') || '';
  const named = /filename="?([^";]+)"?/.exec(disposition);
  const name = named ? named[1] : `dataset-${datasetId}.${format}`;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 5000);
  return { name, bytes: blob.size };
}
