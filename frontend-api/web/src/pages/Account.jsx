// The account: which key signs, and for a key kept in this browser, export, import and forget.
import { useState } from 'preact/hooks';
import { ErrorMessage, KeyWarning, Mono, Note, PageTitle, SignInPanel } from '../components.jsx';
import { dateTime } from '../format.js';
import { session, signIn, signOut } from '../session.js';
import { useStore } from '../store.js';
import { browserKeySigner, forgetBrowserKey, importBrowserKey, storedBrowserKeyAddress } from '../wallet.js';

function download(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function BrowserKey() {
  const state = useStore(session);
  const [revealed, setRevealed] = useState(false);
  const [confirmForget, setConfirmForget] = useState(false);
  const [keyText, setKeyText] = useState('');
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const stored = storedBrowserKeyAddress();
  const signer = stored ? browserKeySigner() : null;

  async function importKey(e) {
    e.preventDefault();
    setError(null);
    try {
      const imported = importBrowserKey(keyText);
      setKeyText('');
      setRevealed(false);
      if (state.signer && state.signer.kind === 'browser') await signIn(imported);
      setDone(`Key imported: ${imported.address}.`);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section class="card" aria-labelledby="browser-key-title">
      <h2 id="browser-key-title">Key kept in this browser</h2>
      <KeyWarning />
      {signer ? (
        <>
          <p>Address: <Mono>{signer.address}</Mono></p>
          <div class="actions">
            <button type="button" aria-expanded={revealed} aria-controls="exported-key" onClick={() => setRevealed(!revealed)}>
              {revealed ? 'Hide the private key' : 'Show the private key…'}
            </button>
            <button type="button" onClick={() => download(`labelledger-key-${signer.address}.txt`,
              `LabelLedger key kept in a browser. Anyone with this private key can sign as ${signer.address}.\n`
              + `address: ${signer.address}\nprivateKey: ${signer.exportKey()}\n`)}>
              Download the key as a file
            </button>
          </div>
          {revealed && (
            <div id="exported-key" class="secret">
              <label for="exported-key-text">Private key — anyone who sees it can sign as you</label>
              <input id="exported-key-text" readOnly value={signer.exportKey()} spellcheck={false}
                onFocus={(e) => e.currentTarget.select()} />
            </div>
          )}
        </>
      ) : <Note>No key is kept in this browser.</Note>}
      <form class="stack" onSubmit={importKey}>
        <label for="account-import-key">Import a private key (replaces the kept key)</label>
        <input id="account-import-key" type="password" autocomplete="off" spellcheck={false} value={keyText}
          onInput={(e) => setKeyText(e.currentTarget.value)} />
        <div><button type="submit" disabled={!keyText}>Import</button></div>
      </form>
      {signer && (
        <div class="actions">
          {!confirmForget ? (
            <button type="button" class="danger" onClick={() => setConfirmForget(true)}>Forget this key…</button>
          ) : (
            <div class="confirm" role="group" aria-label="Confirm forgetting the key">
              <p>The key is deleted from this browser. Without an exported copy, this account is lost for good.</p>
              <button type="button" class="danger" onClick={() => {
                if (state.signer && state.signer.kind === 'browser') signOut();
                forgetBrowserKey();
                setConfirmForget(false);
                setDone('The key was deleted from this browser.');
              }}>Delete the key</button>
              <button type="button" onClick={() => setConfirmForget(false)}>Keep it</button>
            </div>
          )}
        </div>
      )}
      {done && <p class="message ok" role="status">{done}</p>}
      <ErrorMessage error={error} />
    </section>
  );
}

export function AccountPage() {
  const state = useStore(session);
  return (
    <section>
      <PageTitle title="Account">Account</PageTitle>
      {state.token ? (
        <section class="card" aria-labelledby="session-title">
          <h2 id="session-title">Signed in</h2>
          <p>Account <Mono>{state.address}</Mono></p>
          <p>Signing with {state.signer && state.signer.kind === 'injected' ? 'your browser wallet' : 'the key kept in this browser'};
            session valid until {dateTime(state.expiresAt)}.</p>
          <button type="button" onClick={() => signOut()}>Sign out</button>
        </section>
      ) : <SignInPanel purpose="to see your account" />}
      <BrowserKey />
    </section>
  );
}
