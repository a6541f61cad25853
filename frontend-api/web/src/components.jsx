// Pieces several pages use: headings that take focus on navigation, messages, the sign-in panel.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';
import { session, signIn } from './session.js';
import { useStore } from './store.js';
import { browserKeySigner, connectInjected, describeWalletError, hasInjectedWallet, importBrowserKey, storedBrowserKeyAddress } from './wallet.js';
import { shortHex } from './format.js';

/** The page's h1: receives focus when the page is shown, so keyboard and screen-reader users start there. */
export function PageTitle({ children, title }) {
  const ref = useRef(null);
  useEffect(() => {
    document.title = `${title || (typeof children === 'string' ? children : '')} · LabelLedger`;
    if (ref.current) ref.current.focus({ preventScroll: false });
  }, [title, typeof children === 'string' ? children : '']);
  return <h1 ref={ref} tabIndex={-1}>{children}</h1>;
}

export function errorText(e) {
  if (!e) return '';
  if (e instanceof ApiError) return `${e.message} (${e.code})`;
  return describeWalletError(e);
}

/** An error, announced to screen readers as it appears. */
export function ErrorMessage({ error, children }) {
  if (!error && !children) return null;
  return <p class="message error" role="alert">{children || errorText(error)}</p>;
}

export function Note({ children, kind = 'info' }) {
  return <p class={`message ${kind}`}>{children}</p>;
}

export function Busy({ children = 'Loading…' }) {
  return <p class="busy" role="status">{children}</p>;
}

/** Text that can be selected and copied whole (addresses, hashes, keys). */
export function Mono({ children, title }) {
  return <code class="mono" title={title}>{children}</code>;
}

export function Address({ value }) {
  return <Mono title={value}>{shortHex(value, 4)}</Mono>;
}

export const BROWSER_KEY_WARNING = 'A key kept in this browser is stored unencrypted in this site\'s local storage. '
  + 'Anyone who can use this browser profile (or a malicious extension) can sign as you, and clearing the site\'s data '
  + 'deletes the key for good. Export it (Account page) and keep the copy somewhere safe; use a wallet for anything of value.';

export function KeyWarning() {
  return (
    <div class="warning" role="note" aria-label="About keys kept in the browser">
      <strong>Keep a copy of your key.</strong> {BROWSER_KEY_WARNING}
    </div>
  );
}

/** Sign-in choices: the injected wallet when there is one, else (or also) a key kept in this browser. */
export function SignInPanel({ purpose = 'to continue' }) {
  const state = useStore(session);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [importing, setImporting] = useState(false);
  const [keyText, setKeyText] = useState('');
  const stored = storedBrowserKeyAddress();
  const injected = hasInjectedWallet();

  async function run(makeSigner) {
    setBusy(true);
    setError(null);
    try {
      await signIn(await makeSigner());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card signin" aria-labelledby="signin-title">
      <h2 id="signin-title">Sign in {purpose}</h2>
      {state.notice && <Note kind="warn">{state.notice}</Note>}
      <p>Signing in proves you hold your key: you sign a short text (Sign-In with Ethereum). It costs nothing and sends no transaction.</p>
      <div class="actions">
        {injected && (
          <button type="button" class="primary" disabled={busy} onClick={() => run(() => connectInjected())}>
            Sign in with your wallet
          </button>
        )}
        <button type="button" class={injected ? '' : 'primary'} disabled={busy}
          onClick={() => run(() => browserKeySigner({ create: true }))}>
          {stored ? `Sign in with the key kept in this browser (${shortHex(stored, 4)})` : 'Create a key in this browser and sign in'}
        </button>
        <button type="button" class="link" aria-expanded={importing} aria-controls="import-key"
          onClick={() => setImporting(!importing)}>
          Import a key…
        </button>
      </div>
      {!injected && <p class="hint">No browser wallet was found. You can still take part with a key kept in this browser.</p>}
      {importing && (
        <form id="import-key" class="stack" onSubmit={(e) => {
          e.preventDefault();
          run(() => importBrowserKey(keyText)).then(() => setKeyText(''));
        }}>
          <label for="import-key-text">Private key (64 hexadecimal characters)</label>
          <input id="import-key-text" type="password" autocomplete="off" spellcheck={false} value={keyText}
            onInput={(e) => setKeyText(e.currentTarget.value)} />
          {stored && <p class="hint">This replaces the key now kept in this browser ({shortHex(stored, 4)}). Export that one first if you still need it.</p>}
          <div><button type="submit" disabled={busy || !keyText}>Import and sign in</button></div>
        </form>
      )}
      {(!injected || stored) && <KeyWarning />}
      {busy && <Busy>Waiting for the signature…</Busy>}
      <ErrorMessage error={error} />
    </section>
  );
}

/** Renders `children` when signed in, else the sign-in panel. */
export function RequireSession({ purpose, children }) {
  const state = useStore(session);
  if (state.restoring) return <Busy />;
  if (!state.token) return <SignInPanel purpose={purpose} />;
  return children;
}
