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
        <details open>
          <summary>{plural(check.failures, 'failure')}{check.failures > check.listed.length ? ` (first ${check.listed.length} shown)` : ''}</summary>
          <ul>{check.listed.map((f, i) => <li key={i}><strong>{f.where}</strong>: {f.message}</li>)}</ul>
        </details>
      )}
    </li>
  );
}

/** The reason the service gave for not serving a bundle (its JSON error), else its status. */
async function refusal(response, datasetId) {
  let message = `the service answered ${response.status}`;
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) message = `${body.error.message} (${body.error.code})`;
  } catch {
    // not JSON: the status says enough
  }
  return new Error(`No audit bundle for dataset ${datasetId}: ${message}.`);
}

export function AuditPage() {
  const [catalogue, setCatalogue] = useState({ loading: true });
  const [bundles, setBundles] = useState(null); // whether the service serves audit bundles
  // #/audit?dataset=ID (the dataset page links here) preselects a dataset
  const [datasetId, setDatasetId] = useState(() => new URLSearchParams(window.location.hash.split('?')[1] || '').get('dataset') || '');
  const [source, setSource] = useState('service'); // 'service' | 'file'
  const [file, setFile] = useState(null);
  const [rpcUrl, setRpcUrl] = useState('');
  const [allowedOrigin, setAllowedOrigin] = useState(null);
  const [progress, setProgress] = useState(null);
  const [report, setReport] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [runs, setRuns] = useState(0); // verifications started, so a result can be told from the previous one

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
  const fromService = !serviceWaiting && source === 'service';
  const bundlePath = datasetId ? `/api/datasets/${encodeURIComponent(datasetId)}/audit-bundle` : null;

  async function run(e) {
    e.preventDefault();
    setError(null);
    setReport(null);
    setBusy(true);
    setRuns((n) => n + 1);
    try {
      const { parseBundle, verifyBundle } = await import('../audit.js');
      let text;
      let origin;
      if (fromService) {
        const response = await fetch(bundlePath, { cache: 'no-store', credentials: 'omit' });
        if (!response.ok) throw await refusal(response, datasetId);
        text = await response.text();
        origin = `dataset ${datasetId} of this service`;
      } else {
        if (!file) throw new Error('Choose an audit bundle file first.');
        text = await file.text();
        origin = `the file ${file.name}`;
      }
      const bundle = parseBundle(text);
      setProgress({ phase: 'starting', done: 0, total: bundle.contributions.length });
      const result = await verifyBundle(bundle, rpcUrl, { onProgress: setProgress });
      setReport({ ...result, origin, rpcUrl, dataset: bundle.dataset, chainId: bundle.chain.chainId,
        contributions: bundle.contributions.length, accounts: bundle.shares.length });
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
  const ready = rpcUrl && (fromService ? Boolean(datasetId) : Boolean(file));
  const failedChecks = report ? report.checks.filter((c) => c.ok === false) : [];

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
        {!serviceWaiting && (
          <fieldset class="choices">
            <legend>Where the bundle comes from</legend>
            <label class="check"><input type="radio" name="audit-source" value="service" checked={source === 'service'}
              onChange={() => setSource('service')} /> A dataset listed on this service</label>
            <label class="check"><input type="radio" name="audit-source" value="file" checked={source === 'file'}
              onChange={() => setSource('file')} /> A bundle file (JSON, format version 1)</label>
          </fieldset>
        )}
        {fromService && (
          <div class="stack">
            <label for="audit-dataset">Dataset on this service</label>
            {catalogue.loading && <Busy>Loading the datasets…</Busy>}
            {catalogue.error && <ErrorMessage error={catalogue.error} />}
            {catalogue.c && datasets.length === 0 && <Note>No dataset is listed on this service yet.</Note>}
            <select id="audit-dataset" value={datasetId} aria-describedby="audit-dataset-hint"
              onChange={(e) => setDatasetId(e.currentTarget.value)}>
              <option value="">Choose…</option>
              {datasets.map((d) => <option key={d.id} value={String(d.id)}>{d.name ? `${d.name} (#${d.id})` : `Dataset ${d.id}`}</option>)}
            </select>
            <p id="audit-dataset-hint" class="hint">
              The page fetches the bundle from this service, then checks it against the chain only.
              {bundlePath && <> Keep a copy to check it elsewhere: <a href={bundlePath} download>download the bundle</a>
                {' '}(then <code>labelledger audit --rpc URL --bundle FILE</code>).</>}
            </p>
          </div>
        )}
        {!fromService && (
          <div class="stack">
            <label for="audit-file">Audit bundle file (JSON)</label>
            <input id="audit-file" type="file" accept="application/json,.json"
              onChange={(e) => setFile(e.currentTarget.files && e.currentTarget.files[0] ? e.currentTarget.files[0] : null)} />
          </div>
        )}
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
        <div><button type="submit" class="primary" disabled={busy || !ready}>Verify</button></div>
      </form>
      {busy && progress && (
        <p class="busy" role="status">Verifying: {progress.phase}{progress.total ? ` (${progress.done} of ${progress.total} contributions)` : ''}…</p>
      )}
      {busy && !progress && <Busy>Loading the bundle…</Busy>}
      <ErrorMessage error={error}>{error && errorText(error)}</ErrorMessage>
      {report && (
        <section aria-labelledby="audit-result-title" class="card" data-audit-ok={String(report.ok)} data-run={runs}>
          <h2 id="audit-result-title" role="status">{report.ok ? 'Every check passed'
            : `${plural(failedChecks.length, 'check')} failed: ${failedChecks.map((c) => c.id).join(', ')}`}</h2>
          <p class="meta">Bundle: {report.origin} (DataMarketplace dataset {report.dataset.id}): {plural(report.contributions, 'contribution')},
            {' '}{plural(report.accounts, 'shares entry', 'shares entries')}; checked against chain {report.chainId} at {report.rpcUrl}.</p>
          <ul class="check-results">{report.checks.map((c) => <CheckResult key={c.id} check={c} />)}</ul>
        </section>
      )}
    </section>
  );
}
