// Auditors: load a dataset's audit bundle (from this service, or a file) and verify it against the
// chain from this page, with a readable result per check.
import { useEffect, useState } from 'preact/hooks';
import { api, isMissingRoute } from '../api.js';
import { Busy, ErrorMessage, Note, PageTitle, errorText } from '../components.jsx';
import { plural } from '../format.js';

function CheckResult({ check }) {
  const mark = check.ok === true ? '✓' : check.ok === false ? '✗' : '–';
  const status = check.ok === true ? 'passed' : check.ok === false ? `failed ${plural(check.failures, 'time')}` : 'not run';
  return (
    <li class={`check-result ${check.ok === true ? 'ok' : check.ok === false ? 'bad' : 'skipped'}`} data-check={check.id}
      data-check-ok={String(check.ok)}>
      <p><span aria-hidden="true" class="mark">{mark}</span> <strong>{check.id}</strong>: {check.description}
        <span class="sr-only"> — {status}</span></p>
      {check.skipped && <p class="meta">Not run: {check.skipped}.</p>}
      {check.failures > 0 && (
        <details>
          <summary>{plural(check.failures, 'failure')}{check.failures > check.listed.length ? ` (first ${check.listed.length} shown)` : ''}</summary>
          <ul>{check.listed.map((f, i) => <li key={i}><strong>{f.where}</strong>: {f.message}</li>)}</ul>
        </details>
      )}
    </li>
  );
}

export function AuditPage() {
  const [catalogue, setCatalogue] = useState({ loading: true });
  const [bundles, setBundles] = useState(null); // whether the service serves audit bundles
  // #/audit?dataset=ID (the dataset page links here) preselects a dataset
  const [datasetId, setDatasetId] = useState(() => new URLSearchParams(window.location.hash.split('?')[1] || '').get('dataset') || '');
  const [file, setFile] = useState(null);
  const [rpcUrl, setRpcUrl] = useState('');
  const [allowedOrigin, setAllowedOrigin] = useState(null);
  const [progress, setProgress] = useState(null);
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api('GET', '/api/datasets', { auth: false }).then((c) => setCatalogue({ c }), (e) => setCatalogue({ error: e }));
    // a bundle of no dataset: the route refuses the id when it exists, and is unknown when it does not
    api('GET', '/api/datasets/0/audit-bundle', { auth: false }).then(() => setBundles(true),
      (e) => setBundles(!isMissingRoute(e)));
    api('GET', '/api/chain', { auth: false }).then((info) => {
      if (info.rpcUrl) {
        setRpcUrl(info.rpcUrl);
        setAllowedOrigin(new URL(info.rpcUrl).origin);
      }
    }, () => {});
  }, []);

  const serviceWaiting = bundles === false || Boolean(catalogue.error && isMissingRoute(catalogue.error));
  const datasets = catalogue.c ? (catalogue.c.datasets || catalogue.c.items || []) : [];

  async function run(e) {
    e.preventDefault();
    setError(null);
    setReport(null);
    setBusy(true);
    try {
      const { parseBundle, verifyBundle } = await import('../audit.js');
      let text;
      if (file) {
        text = await file.text();
      } else {
        const response = await fetch(`/api/datasets/${encodeURIComponent(datasetId)}/audit-bundle`, { cache: 'no-store' });
        if (!response.ok) throw new Error(`The service has no audit bundle for dataset ${datasetId} (${response.status}).`);
        text = await response.text();
      }
      const bundle = parseBundle(text);
      setProgress({ phase: 'starting', done: 0, total: bundle.contributions.length });
      setReport(await verifyBundle(bundle, rpcUrl, { onProgress: setProgress }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setProgress(null);
    }
  }

  const otherOrigin = allowedOrigin && rpcUrl && (() => {
    try {
      return new URL(rpcUrl).origin !== allowedOrigin;
    } catch {
      return true;
    }
  })();

  return (
    <section data-waiting={serviceWaiting ? 'audit' : undefined} data-ready={bundles !== null && !catalogue.loading ? 'yes' : undefined}>
      <PageTitle title="Audit">Audit a dataset</PageTitle>
      <p class="lead">Check a dataset's public audit bundle against the chain yourself, in this page: every signature,
        every inclusion proof, every consent, the listed roots and the payouts. Only the chain is trusted.</p>
      {serviceWaiting && (
        <Note kind="waiting">This service does not publish audit bundles yet (not available on this service yet). You
          can still verify an audit bundle file (format version 1) here.</Note>
      )}
      <form class="card stack" onSubmit={run} aria-labelledby="audit-form-title">
        <h2 id="audit-form-title">Bundle and chain</h2>
        {!serviceWaiting && catalogue.c && (
          <div class="field">
            <label for="audit-dataset">Dataset on this service</label>
            <select id="audit-dataset" value={datasetId} disabled={Boolean(file)} onChange={(e) => setDatasetId(e.currentTarget.value)}>
              <option value="">Choose…</option>
              {datasets.map((d) => <option key={d.id} value={d.id}>{d.name ? `${d.name} (#${d.id})` : `Dataset ${d.id}`}</option>)}
            </select>
          </div>
        )}
        <div class="stack">
          <label for="audit-file">{serviceWaiting ? 'Audit bundle file (JSON)' : 'Or an audit bundle file (JSON)'}</label>
          <input id="audit-file" type="file" accept="application/json,.json"
            onChange={(e) => setFile(e.currentTarget.files && e.currentTarget.files[0] ? e.currentTarget.files[0] : null)} />
        </div>
        <div class="stack">
          <label for="audit-rpc">Chain JSON-RPC endpoint</label>
          <input id="audit-rpc" type="url" value={rpcUrl} spellcheck={false} aria-describedby="audit-rpc-hint"
            onInput={(e) => setRpcUrl(e.currentTarget.value)} />
          <p id="audit-rpc-hint" class="hint">
            {allowedOrigin
              ? <>This page may connect only to {allowedOrigin} (its security policy). To check against a node of your own, verify the bundle outside this page.</>
              : <>This service publishes no chain endpoint, and this page's security policy allows no other: verify the bundle outside this page.</>}
          </p>
          {otherOrigin && <p class="message warn">The page's policy will block {rpcUrl}.</p>}
        </div>
        <div><button type="submit" class="primary" disabled={busy || !rpcUrl || (!file && !datasetId)}>Verify</button></div>
      </form>
      {busy && progress && (
        <p class="busy" role="status">Verifying: {progress.phase}{progress.total ? ` (${progress.done} of ${progress.total} contributions)` : ''}…</p>
      )}
      {busy && !progress && <Busy>Loading the bundle…</Busy>}
      <ErrorMessage error={error}>{error && errorText(error)}</ErrorMessage>
      {report && (
        <section aria-labelledby="audit-result-title" class="card" data-audit-ok={String(report.ok)}>
          <h2 id="audit-result-title" role="status">{report.ok ? 'Every check passed' : 'Some checks failed'}</h2>
          <ul class="check-results">{report.checks.map((c) => <CheckResult key={c.id} check={c} />)}</ul>
        </section>
      )}
    </section>
  );
}
