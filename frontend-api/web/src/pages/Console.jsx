// The operator's console: create a campaign (validated as the API validates it), upload its items
// by drag-and-drop (JSONL as is, CSV mapped to the item's data and gold), follow its progress and
// quality live, build and list versions with a confidence-bar preview, reprice, delist, and read the
// sales. Charts are Chart.js, loaded on demand; every chart has its figures in text beside it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, currentSessionToken } from '../api.js';
import { Busy, ErrorMessage, Note, PageTitle } from '../components.jsx';
import { dateTime, percent, plural, shortHex } from '../format.js';

const PROGRESS_POLL_MS = 3000;
const PREVIEW_LINES = 5;
const TASK_TYPES = ['single_choice', 'multi_choice'];
/** The campaign form's numeric settings, in form order; their bounds are the ones validateCampaign checks. */
const NUMBER_FIELDS = [
  { key: 'overlap', label: 'Overlap (answers per item)', min: '1', max: '50', step: '1' },
  { key: 'maxOverlap', label: 'Most answers per item', min: '1', max: '50', step: '1' },
  { key: 'goldRate', label: 'Gold rate (0 to 0.5)', min: '0', max: '0.5', step: '0.01' },
  { key: 'accuracyFloor', label: 'Accuracy floor (0 to 1)', min: '0', max: '1', step: '0.01' },
  { key: 'targetConfidence', label: 'Target confidence (above 0, up to 1)', min: '0', max: '1', step: '0.01' },
];

/** The API's rules for a new campaign (CreateCampaignRequest), checked before sending: field → problem. */
export function validateCampaign(f) {
  const problems = {};
  const labels = f.labels.split(',').map((l) => l.trim()).filter(Boolean);
  if (!f.name.trim()) problems.name = 'Give the campaign a name.';
  else if (f.name.length > 200) problems.name = 'At most 200 characters.';
  if (!f.instructions.trim()) problems.instructions = 'Tell contributors what to do.';
  else if (f.instructions.length > 20000) problems.instructions = 'At most 20,000 characters.';
  if (labels.length < 2) problems.labels = 'Give at least two labels, separated by commas.';
  else if (labels.length > 64) problems.labels = 'At most 64 labels.';
  else if (new Set(labels).size !== labels.length) problems.labels = 'A label is repeated.';
  else if (labels.some((l) => l.length > 200)) problems.labels = 'A label is longer than 200 characters.';
  const int = (v) => /^\d+$/.test(String(v)) ? Number(v) : NaN;
  const num = (v) => (String(v).trim() === '' ? NaN : Number(v));
  const overlap = int(f.overlap);
  if (!(overlap >= 1 && overlap <= 50)) problems.overlap = 'A whole number from 1 to 50.';
  const maxOverlap = int(f.maxOverlap);
  if (!(maxOverlap >= 1 && maxOverlap <= 50)) problems.maxOverlap = 'A whole number from 1 to 50.';
  else if (overlap >= 1 && maxOverlap < overlap) problems.maxOverlap = 'At least the overlap.';
  const gold = num(f.goldRate);
  if (!(gold >= 0 && gold <= 0.5)) problems.goldRate = 'From 0 to 0.5.';
  const floor = num(f.accuracyFloor);
  if (!(floor >= 0 && floor <= 1)) problems.accuracyFloor = 'From 0 to 1.';
  const target = num(f.targetConfidence);
  if (!(target > 0 && target <= 1)) problems.targetConfidence = 'Above 0, at most 1.';
  if (f.termsChoice === 'new') {
    if (!f.termsText.trim()) problems.termsText = 'Write the terms contributors consent to.';
  } else if (!/^0x[0-9a-fA-F]{64}$/.test(f.termsChoice)) {
    problems.termsChoice = 'Pick published terms or publish new ones.';
  }
  return { problems, labels };
}

function Field({ id, label, hint, error, children }) {
  return (
    <div class="stack form-field">
      <label for={id}>{label}</label>
      {children}
      {hint && <p class="hint" id={`${id}-hint`}>{hint}</p>}
      {error && <p class="field-error" id={`${id}-error`} role="alert">{error}</p>}
    </div>
  );
}

/** Terms published by operators, newest first, from the activity log (the API has no list of terms). */
async function publishedTerms() {
  const out = [];
  let before = null;
  for (let page = 0; page < 5; page++) {
    const reply = await api('GET', `/api/operator/activity?limit=200${before ? `&beforeId=${before}` : ''}`);
    reply.entries.filter((e) => e.action === 'terms.published' && e.subject && e.subject.termsHash)
      .forEach((e) => { if (!out.includes(e.subject.termsHash)) out.push(e.subject.termsHash); });
    if (!reply.nextBeforeId) break;
    before = reply.nextBeforeId;
  }
  return out;
}

export function NewCampaign() {
  const [f, setF] = useState({ name: '', instructions: '', taskType: 'single_choice', labels: '', overlap: '2',
    maxOverlap: '2', goldRate: '0.1', accuracyFloor: '0.6', targetConfidence: '0.9', termsChoice: 'new', termsText: '' });
  const [terms, setTerms] = useState([]);
  const [shown, setShown] = useState({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => {
    publishedTerms().then((t) => {
      setTerms(t);
      if (t.length) setF((old) => ({ ...old, termsChoice: t[0] }));
    }).catch(setError);
  }, []);
  const set = (key) => (e) => setF({ ...f, [key]: e.currentTarget.value });
  const { problems, labels } = validateCampaign(f);
  const show = (key) => shown[key] || shown.all ? problems[key] : null;
  const input = (key, extra = {}) => ({
    id: `nc-${key}`, value: f[key], onInput: set(key), onBlur: () => setShown({ ...shown, [key]: true }),
    'aria-invalid': show(key) ? 'true' : undefined,
    'aria-describedby': show(key) ? `nc-${key}-error` : undefined, ...extra,
  });

  async function submit(e) {
    e.preventDefault();
    setShown({ all: true });
    if (Object.keys(problems).length) {
      document.getElementById(`nc-${Object.keys(problems)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      let termsHash = f.termsChoice;
      if (f.termsChoice === 'new') {
        termsHash = (await api('POST', '/api/terms', { body: { text: f.termsText } })).termsHash;
      }
      const created = await api('POST', '/api/campaigns', { body: {
        name: f.name.trim(), instructions: f.instructions, taskType: f.taskType, labels, termsHash,
        overlap: Number(f.overlap), maxOverlap: Number(f.maxOverlap), goldRate: Number(f.goldRate),
        accuracyFloor: Number(f.accuracyFloor), targetConfidence: Number(f.targetConfidence),
      } });
      window.location.hash = `#/operator/campaigns/${created.id}`;
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section>
      <PageTitle title="New campaign">New campaign</PageTitle>
      <p class="lead">The form checks what the service checks; items are uploaded on the campaign's page next.</p>
      <form class="card stack new-campaign" onSubmit={submit} noValidate>
        <Field id="nc-name" label="Name" error={show('name')}><input type="text" {...input('name')} /></Field>
        <Field id="nc-instructions" label="Instructions for contributors" error={show('instructions')}>
          <textarea rows={3} {...input('instructions')} />
        </Field>
        <Field id="nc-taskType" label="Task type">
          <select id="nc-taskType" value={f.taskType} onChange={set('taskType')}>
            {TASK_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </Field>
        <Field id="nc-labels" label="Labels (separated by commas)" error={show('labels')}>
          <input type="text" {...input('labels')} />
        </Field>
        <div class="grid-fields">
          {NUMBER_FIELDS.map(({ key, label, min, max, step }) => (
            <Field key={key} id={`nc-${key}`} label={label} error={show(key)}>
              <input type="number" min={min} max={max} step={step} {...input(key)} />
            </Field>
          ))}
        </div>
        <Field id="nc-termsChoice" label="Terms contributors consent to" error={show('termsChoice')}>
          <select id="nc-termsChoice" value={f.termsChoice} onChange={set('termsChoice')}>
            {terms.map((t) => <option key={t} value={t}>{`Published terms ${shortHex(t, 6)}`}</option>)}
            <option value="new">Publish new terms…</option>
          </select>
        </Field>
        {f.termsChoice === 'new' && (
          <Field id="nc-termsText" label="Text of the new terms" error={show('termsText')}>
            <textarea rows={4} {...input('termsText')} />
          </Field>
        )}
        <ErrorMessage error={error} />
        <div><button type="submit" class="primary" disabled={busy}>Create the campaign</button></div>
      </form>
    </section>
  );
}

/** A chart drawn by Chart.js into a canvas, redrawn when `config` changes; `summary` is its text. */
export function ChartBox({ id, label, config, summary }) {
  const canvas = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    let gone = false;
    import('../charts.js').then(({ Chart }) => {
      if (gone || !canvas.current) return;
      if (chart.current) {
        chart.current.data = config.data;
        chart.current.options = config.options || {};
        chart.current.update('none');
      } else {
        chart.current = new Chart(canvas.current, config);
      }
    });
    return () => { gone = true; };
  }, [JSON.stringify(config.data), JSON.stringify(config.options || {})]);
  useEffect(() => () => chart.current && chart.current.destroy(), []);
  return (
    <figure class="chart" data-chart={id}>
      <div class="chart-area"><canvas ref={canvas} role="img" aria-label={`${label}: ${summary}`} /></div>
      <figcaption>{label}. <span class="meta" data-chart-summary>{summary}</span></figcaption>
    </figure>
  );
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return 'unknown (nobody is answering)';
  if (seconds < 90) return `${seconds} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** The campaign's console page: upload, live progress, quality, versions and money. */
export function CampaignConsole({ id }) {
  const [campaign, setCampaign] = useState(null);
  const [error, setError] = useState(null);
  const [progress, setProgress] = useState(null);
  const [tick, setTick] = useState(0);
  const refresh = useRef(() => {});
  useEffect(() => { api('GET', `/api/campaigns/${id}`, { auth: false }).then(setCampaign).catch(setError); }, [id]);
  useEffect(() => {
    let timer = null;
    const load = () => api('GET', `/api/campaigns/${id}/progress?bucketSeconds=10&buckets=30`)
      .then((p) => { setProgress(p); setTick((t) => t + 1); }).catch(setError);
    refresh.current = load;
    load();
    timer = setInterval(() => { if (!document.hidden) load(); }, PROGRESS_POLL_MS);
    return () => clearInterval(timer);
  }, [id]);
  if (error) return <ErrorMessage error={error} />;
  if (!campaign) return <Busy>Loading the campaign…</Busy>;
  return (
    <section class="console">
      <PageTitle title={`Campaign ${campaign.name}`}>{campaign.name}</PageTitle>
      <p class="meta">{`Campaign ${campaign.id} · ${campaign.taskType} · overlap ${campaign.overlap}`
        + ` · accuracy floor ${percent(campaign.accuracyFloor)} · target confidence ${percent(campaign.targetConfidence)}`}</p>
      <nav class="subnav" aria-label="On this page">
        <ul>
          <li><a href="#upload" onClick={jump('upload')}>Items</a></li>
          <li><a href="#progress" onClick={jump('progress')}>Progress</a></li>
          <li><a href="#quality" onClick={jump('quality')}>Quality</a></li>
          <li><a href="#versions" onClick={jump('versions')}>Versions and money</a></li>
        </ul>
      </nav>
      <Upload campaign={campaign} onUploaded={() => refresh.current()} />
      <Progress progress={progress} />
      <Quality campaign={campaign} progress={progress} tick={tick} />
      <Versions campaign={campaign} tick={tick} />
    </section>
  );
}

/** In-page links without touching the hash route. */
function jump(target) {
  return (e) => {
    e.preventDefault();
    const el = document.getElementById(target);
    if (el) {
      el.scrollIntoView();
      el.focus();
    }
  };
}

/** Papa Parse, fetched the first time a CSV is dropped. */
async function papa() {
  return (await import('papaparse')).default;
}

async function csvToItems(file, mapping, onProgress) {
  // streams the CSV through Papa Parse and builds JSONL lines: { id, data: {mapped columns}, gold? }
  const Papa = await papa();
  return new Promise((resolve, reject) => {
    const parts = [];
    let line = 0;
    Papa.parse(file, {
      header: true, skipEmptyLines: true, worker: false, chunkSize: 1 << 20,
      chunk: (results) => {
        for (const row of results.data) {
          line++;
          const data = {};
          mapping.data.forEach((col) => { data[col] = row[col]; });
          const item = { id: String(row[mapping.id] ?? `row-${line}`), data };
          if (mapping.gold && row[mapping.gold] !== undefined && row[mapping.gold] !== '') item.gold = row[mapping.gold];
          parts.push(`${JSON.stringify(item)}\n`);
        }
        onProgress(results.meta.cursor / file.size);
      },
      complete: () => resolve(new Blob(parts, { type: 'application/x-ndjson' })),
      error: reject,
    });
  });
}

/** Sends `body` as the item upload with XMLHttpRequest (fetch reports no upload progress). */
function sendItems(campaignId, body, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/campaigns/${campaignId}/items`);
    xhr.setRequestHeader('Content-Type', 'application/x-ndjson');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Authorization', `Bearer ${currentSessionToken()}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.onload = () => {
      let json = null;
      try { json = JSON.parse(xhr.responseText); } catch { json = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else reject(new ApiError(xhr.status, json?.error?.code || `HTTP_${xhr.status}`,
        json?.error?.message || `The service answered ${xhr.status}.`, json?.error?.details));
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'The service cannot be reached.'));
    xhr.send(body);
  });
}

function Upload({ campaign, onUploaded }) {
  const [file, setFile] = useState(null);
  const [preview, setPreview] = useState(null);
  const [mapping, setMapping] = useState(null);
  const [over, setOver] = useState(false);
  const [stage, setStage] = useState(null); // { what, fraction }
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const fileInput = useRef(null);

  async function take(f) {
    setFile(f);
    setPreview(null);
    setResult(null);
    setError(null);
    setMapping(null);
    const head = await f.slice(0, 256 * 1024).text();
    const csv = /\.csv$/i.test(f.name) || f.type === 'text/csv';
    if (csv) {
      const parsed = (await papa()).parse(head, { header: true, preview: PREVIEW_LINES, skipEmptyLines: true });
      const columns = parsed.meta.fields || [];
      setPreview({ kind: 'csv', columns, rows: parsed.data });
      const pick = (re) => columns.find((c) => re.test(c)) || '';
      const id = pick(/^id$/i) || columns[0] || '';
      const gold = pick(/^gold$/i);
      setMapping({ id, gold, data: columns.filter((c) => c !== id && c !== gold) });
    } else {
      const lines = head.split('\n').filter((l) => l.trim()).slice(0, PREVIEW_LINES);
      setPreview({ kind: 'jsonl', lines });
    }
  }

  async function upload() {
    setError(null);
    setResult(null);
    try {
      let body = file;
      if (preview.kind === 'csv') {
        setStage({ what: 'Converting the CSV', fraction: 0 });
        body = await csvToItems(file, mapping, (x) => setStage({ what: 'Converting the CSV', fraction: x }));
      }
      setStage({ what: 'Uploading', fraction: 0 });
      const reply = await sendItems(campaign.id, body, (x) => setStage({ what: x < 1 ? 'Uploading' : 'Storing', fraction: x }));
      setResult(reply);
      onUploaded();
    } catch (e) {
      setError(e);
    } finally {
      setStage(null);
    }
  }

  return (
    <section id="upload" tabIndex={-1} class="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Items</h2>
      <p class="hint">JSONL, one item a line: <code>{'{"id": "…", "data": {…}, "gold": "label"?}'}</code>, or a CSV with
        a header row whose columns you map below. The file is streamed: large files are fine.</p>
      <div class={`dropzone${over ? ' over' : ''}`} data-testid="dropzone"
        onDragEnter={(e) => { e.preventDefault(); setOver(true); }}
        onDragOver={(e) => { e.preventDefault(); setOver(true); }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
          if (f) take(f);
        }}>
        <p>Drop a .jsonl or .csv file here, or</p>
        {/* the visible button opens it: the input itself is out of the tab order but named for assistive tech */}
        <input ref={fileInput} id="items-file" type="file" accept=".jsonl,.ndjson,.csv,application/x-ndjson,text/csv"
          class="sr-only" tabIndex={-1} aria-label="Items file (.jsonl or .csv)" onChange={(e) => e.currentTarget.files[0] && take(e.currentTarget.files[0])} />
        <button type="button" onClick={() => fileInput.current.click()}>Choose a file…</button>
      </div>
      {file && preview && (preview.kind === 'jsonl' || mapping) && (
        <div class="stack" data-testid="upload-preview">
          <p><strong>{file.name}</strong> · {(file.size / 1048576).toFixed(1)} MiB · first {PREVIEW_LINES} rows:</p>
          {preview.kind === 'jsonl' ? (
            <pre class="preview" tabIndex={0} aria-label="First lines of the file">{preview.lines.join('\n')}</pre>
          ) : (
            <>
              <div class="table-wrap" role="region" aria-label="First rows of the CSV" tabIndex={0}>
                <table class="data">
                  <thead><tr>{preview.columns.map((c) => <th scope="col" key={c}>{c}</th>)}</tr></thead>
                  <tbody>{preview.rows.map((r, i) => (
                    <tr key={i}>{preview.columns.map((c) => <td key={c}>{r[c]}</td>)}</tr>
                  ))}</tbody>
                </table>
              </div>
              <fieldset class="mapping">
                <legend>Map the columns</legend>
                <label for="map-id">Item id</label>
                <select id="map-id" value={mapping.id} onChange={(e) => {
                  const id = e.currentTarget.value;
                  setMapping({ ...mapping, id, data: mapping.data.filter((c) => c !== id) });
                }}>
                  {preview.columns.map((c) => <option key={c} value={c}>{c}</option>)}
                </select>
                <label for="map-gold">Gold answer</label>
                <select id="map-gold" value={mapping.gold} onChange={(e) => {
                  const gold = e.currentTarget.value;
                  setMapping({ ...mapping, gold, data: mapping.data.filter((c) => c !== gold) });
                }}>
                  <option value="">none</option>
                  {preview.columns.map((c) => <option key={c} value={c}>{c}</option>)}
                </select>
                <p class="meta">Item data:</p>
                {preview.columns.map((c) => (
                  <label class="check" key={c}>
                    <input type="checkbox" checked={mapping.data.includes(c)} onChange={(e) => setMapping({ ...mapping,
                      data: e.currentTarget.checked ? [...mapping.data, c] : mapping.data.filter((x) => x !== c) })} />
                    {c}
                  </label>
                ))}
              </fieldset>
            </>
          )}
          <div><button type="button" class="primary" disabled={!!stage} onClick={upload}>Upload the items</button></div>
        </div>
      )}
      {stage && (
        <div class="stack">
          <label for="upload-progress">{stage.what}</label>
          <progress id="upload-progress" max="1" value={stage.fraction}>{percent(stage.fraction)}</progress>
        </div>
      )}
      <ErrorMessage error={error} />
      {result && (
        <div class="message ok" role="status" data-testid="upload-result" data-inserted={result.inserted}
          data-rejected={result.rejectedCount}>
          <p>{`${result.lines.toLocaleString('en')} lines read: ${result.inserted.toLocaleString('en')} items stored,`
            + ` ${result.duplicates.toLocaleString('en')} already there, ${result.rejectedCount.toLocaleString('en')} rejected.`}</p>
          {result.rejected.length > 0 && (
            <ul class="rejected" aria-label="Rejected lines">
              {result.rejected.map((r) => <li key={r.line} data-line={r.line}>Line {r.line}: {r.error}</li>)}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

function Progress({ progress: p }) {
  if (!p) return <section id="progress" tabIndex={-1} class="card"><h2>Progress</h2><Busy /></section>;
  const times = p.series.map((b) => new Date(b.start).toLocaleTimeString());
  return (
    <section id="progress" tabIndex={-1} class="card" aria-labelledby="progress-title">
      <h2 id="progress-title">Progress</h2>
      <dl class="figures" data-testid="progress-figures" data-answers={p.answers} data-decided={p.decided}
        data-active={p.activeContributors}>
        <div><dt>Items open</dt><dd>{p.open.toLocaleString('en')}</dd></div>
        <div><dt>Items decided</dt><dd>{p.decided.toLocaleString('en')}</dd></div>
        <div><dt>Answers</dt><dd>{p.answers.toLocaleString('en')}</dd></div>
        <div><dt>Answers per minute</dt><dd>{p.answersPerMinute.toFixed(1)}</dd></div>
        <div><dt>Active contributors</dt><dd>{p.activeContributors}</dd></div>
        <div><dt>Estimated time to completion</dt><dd>{p.items === 0 ? 'no items yet' : duration(p.etaSeconds)}</dd></div>
      </dl>
      <ChartBox id="progress" label={`Answers and decided items per ${p.bucketSeconds} s`}
        summary={`${p.series.reduce((s, b) => s + b.answers, 0)} answers and ${p.series.reduce((s, b) => s + b.decided, 0)}`
          + ` items decided in the last ${Math.round(p.series.length * p.bucketSeconds / 60)} minutes`}
        config={{ type: 'line', data: { labels: times, datasets: [
          { label: 'Answers', data: p.series.map((b) => b.answers), borderColor: '#1f5fbf', backgroundColor: '#1f5fbf' },
          { label: 'Items decided', data: p.series.map((b) => b.decided), borderColor: '#2e7d32', backgroundColor: '#2e7d32' },
        ] }, options: { scales: { y: { beginAtZero: true } } } }} />
      <p class="meta">Refreshed every {PROGRESS_POLL_MS / 1000} s · {dateTime(p.at)}</p>
    </section>
  );
}

function Quality({ campaign, progress, tick }) {
  const [rows, setRows] = useState(null);
  const [info, setInfo] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (tick % 3 !== 1) return; // every third progress poll
    api('GET', `/api/campaigns/${campaign.id}/contributors?limit=200`).then((page) => {
      setRows(page.contributors);
      setInfo({ floor: page.accuracyFloor, minGold: page.floorMinGold, labels: page.labels || campaign.labels });
    }).catch(setError);
  }, [campaign.id, tick]);
  const stopped = (rows || []).filter((r) => r.belowFloor);
  const labels = progress ? Object.entries(progress.labels) : [];
  const series = progress ? progress.series : [];
  return (
    <section id="quality" tabIndex={-1} class="card" aria-labelledby="quality-title">
      <h2 id="quality-title">Quality</h2>
      <ErrorMessage error={error} />
      {!rows && !error && <Busy>Loading contributors…</Busy>}
      {rows && rows.length === 0 && <Note>No contributor has answered yet.</Note>}
      {rows && rows.length > 0 && (
        <>
          <ChartBox id="accuracy" label="Contributor accuracy: smoothed gold accuracy and the model's estimate, with the floor"
            summary={`${rows.length} contributors, ${stopped.length} below the floor of ${percent(info.floor)}`}
            config={{ type: 'bar', data: { labels: rows.map((r) => shortHex(r.contributor, 4)), datasets: [
              { label: 'Gold accuracy (smoothed)', data: rows.map((r) => (r.goldSeen ? r.goldAccuracy : null)), backgroundColor: '#c77800' },
              { label: 'Estimated accuracy', data: rows.map((r) => r.estimatedAccuracy), backgroundColor: '#1f5fbf' },
              { type: 'line', label: 'Floor', data: rows.map(() => info.floor), borderColor: '#b3261e', pointRadius: 0, borderDash: [6, 4] },
            ] }, options: { scales: { y: { min: 0, max: 1 } } } }} />
          <div data-testid="below-floor">
            {stopped.length === 0 ? <p>No contributor is below the floor.</p> : (
              <p class="message warn">
                {`Stopped by the floor (${percent(info.floor)} on gold after ${plural(info.minGold, 'gold answer')}): `}
                {stopped.map((r, i) => <span key={r.contributor} data-contributor={r.contributor.toLowerCase()}>
                  {i ? ', ' : ''}{shortHex(r.contributor, 4)} ({percent(r.goldAccuracy, 1)} smoothed gold accuracy)</span>)}
              </p>
            )}
          </div>
        </>
      )}
      {rows && rows.some((r) => r.confusion) && <Confusion rows={rows.filter((r) => r.confusion)} labels={info.labels} />}
      {labels.length > 0 && (
        <ChartBox id="labels" label="Label distribution of decided items"
          summary={labels.map(([l, n]) => `${l}: ${n}`).join(', ')}
          config={{ type: 'bar', data: { labels: labels.map(([l]) => l), datasets: [
            { label: 'Items', data: labels.map(([, n]) => n), backgroundColor: '#6a4fb3' }] } }} />
      )}
      {series.some((b) => b.agreement !== null || b.meanConfidence !== null) && (
        <ChartBox id="agreement" label="Agreement and confidence over time"
          summary="share of judged answers agreeing with their item's label, and mean confidence of items decided, per bucket"
          config={{ type: 'line', data: { labels: series.map((b) => new Date(b.start).toLocaleTimeString()), datasets: [
            { label: 'Agreement', data: series.map((b) => b.agreement), borderColor: '#2e7d32', spanGaps: true },
            { label: 'Mean confidence', data: series.map((b) => b.meanConfidence), borderColor: '#1f5fbf', spanGaps: true },
          ] }, options: { scales: { y: { min: 0, max: 1 } } } }} />
      )}
      <ItemsDrillDown campaign={campaign} tick={tick} />
    </section>
  );
}

/** One contributor's confusion matrix (the model's P(answer | true label)) as a heat map, picked from a list. */
function Confusion({ rows, labels }) {
  const [who, setWho] = useState(rows[0].contributor);
  const row = rows.find((r) => r.contributor === who) || rows[0];
  const k = labels.length;
  const cells = [];
  row.confusion.forEach((line, t) => line.forEach((v, a) => cells.push({ x: labels[a], y: labels[t], v })));
  const diagonal = row.confusion.map((line, t) => `${labels[t]} ${percent(line[t])}`).join(', ');
  return (
    <div class="stack confusion">
      <label for="confusion-of">Confusion matrix of</label>
      <select id="confusion-of" value={row.contributor} onChange={(e) => setWho(e.currentTarget.value)}>
        {rows.map((r) => <option key={r.contributor} value={r.contributor}>{r.contributor}</option>)}
      </select>
      <ChartBox id="confusion" label={`Confusion matrix of ${shortHex(row.contributor, 4)}: rows the true label, columns the answer`}
        summary={`right answers by true label: ${diagonal}`}
        config={{ type: 'matrix', data: { datasets: [{
          label: 'P(answer | true label)', data: cells,
          backgroundColor: (c) => `rgba(31, 95, 191, ${(c.raw && c.raw.v) || 0})`,
          borderColor: '#8a94a6', borderWidth: 1,
          width: ({ chart }) => ((chart.chartArea || {}).width || 0) / k - 2,
          height: ({ chart }) => ((chart.chartArea || {}).height || 0) / k - 2,
        }] }, options: { plugins: { legend: { display: false } }, scales: {
          x: { type: 'category', labels, offset: true, grid: { display: false }, title: { display: true, text: 'answer' } },
          y: { type: 'category', labels, offset: true, grid: { display: false }, title: { display: true, text: 'true label' } },
        } } }} />
    </div>
  );
}

/** The first answered items with their aggregate; one opened shows every answer it was made from. */
function ItemsDrillDown({ campaign, tick }) {
  const [items, setItems] = useState(null);
  const [open, setOpen] = useState(null);
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (tick % 3 !== 1) return;
    api('GET', `/api/campaigns/${campaign.id}/labels?limit=40`)
      .then((page) => setItems(page.items.filter((i) => i.answers > 0).slice(0, 12))).catch(setError);
  }, [campaign.id, tick]);
  useEffect(() => {
    if (open === null) return;
    setDetail(null);
    api('GET', `/api/campaigns/${campaign.id}/items/${open}`).then(setDetail).catch(setError);
  }, [open]);
  if (!items || items.length === 0) return <ErrorMessage error={error} />;
  return (
    <div class="drill">
      <h3>Items and their answers</h3>
      <ErrorMessage error={error} />
      <div class="table-wrap" role="region" aria-label="Answered items" tabIndex={0}>
        <table class="data items">
          <thead><tr><th scope="col">Item</th><th scope="col">Label</th><th scope="col">Confidence</th>
            <th scope="col">Answers</th><th scope="col">Details</th></tr></thead>
          <tbody>{items.map((i) => (
            <tr key={i.itemId} data-item-id={i.itemId}>
              <td>{i.externalId}{i.gold ? ' (gold)' : ''}</td><td>{i.label ?? '—'}</td>
              <td>{i.confidence === null ? '—' : percent(i.confidence, 1)}</td>
              <td>{`${i.answers} of ${i.answersWanted}`}</td>
              <td><button type="button" class="small" aria-expanded={open === i.itemId} aria-controls="item-detail"
                aria-label={`Answers of item ${i.externalId}`} onClick={() => setOpen(open === i.itemId ? null : i.itemId)}>
                {open === i.itemId ? 'Hide' : 'Answers'}</button></td>
            </tr>
          ))}</tbody>
        </table>
      </div>
      <div id="item-detail" aria-live="polite">
        {open !== null && !detail && <Busy>Loading the item…</Busy>}
        {open !== null && detail && (
          <div class="card" data-testid="item-detail" data-item-id={detail.itemId}>
            <p><strong>{detail.externalId}</strong>{` · label ${detail.label ?? '—'}`}
              {detail.confidence !== null ? ` at ${percent(detail.confidence, 1)}` : ''}
              {detail.gold ? ` · gold answer ${detail.goldAnswer}` : ''}
              {detail.decidedAt ? ` · decided ${dateTime(detail.decidedAt)}` : ' · not decided yet'}</p>
            <pre class="preview" tabIndex={0} aria-label="Item data">{JSON.stringify(detail.data)}</pre>
            <ul class="answers" aria-label={`Answers of item ${detail.externalId}`}>
              {detail.contributions.map((a) => (
                <li key={a.id} data-contribution-id={a.id} data-contributor={a.contributor} data-answer={a.answer}
                  data-status={a.status}>{`${shortHex(a.contributor, 4)} answered ${a.answer} (${a.status})`}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}

function Versions({ campaign, tick }) {
  const [bar, setBar] = useState(campaign.targetConfidence);
  const [preview, setPreview] = useState(null);
  const [price, setPrice] = useState('1000000000000000000');
  const [versions, setVersions] = useState([]);
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const t = setTimeout(() => api('GET', `/api/campaigns/${campaign.id}/versions/preview?minConfidence=${bar}`)
      .then(setPreview).catch(setError), 200);
    return () => clearTimeout(t);
  }, [bar, campaign.id, tick % 2]);
  useEffect(() => {
    api('GET', '/api/datasets?status=all&limit=200', { auth: false })
      .then((page) => setVersions(page.datasets.filter((d) => d.campaignId === campaign.id))).catch(setError);
  }, [campaign.id, reload]);

  async function act(what, call) {
    setBusy(what);
    setError(null);
    try {
      await call();
      setReload((r) => r + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section id="versions" tabIndex={-1} class="card" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions and money</h2>
      <div class="stack">
        <label for="confidence-bar">Confidence bar: {percent(bar)}</label>
        <input id="confidence-bar" type="range" min="0" max="1" step="0.01" value={bar}
          aria-valuetext={percent(bar)} onInput={(e) => setBar(Number(e.currentTarget.value))} />
        <p aria-live="polite" data-testid="version-preview" data-items={preview ? preview.items : ''}
          data-contributions={preview ? preview.contributions : ''}>
          {preview ? `At ${percent(preview.minConfidence)}: ${plural(preview.items, 'item')} and`
            + ` ${plural(preview.contributions, 'contribution')} from ${plural(preview.contributors, 'contributor')}`
            + ` would qualify (of ${preview.decidedItems.toLocaleString('en')} decided items).` : 'Counting…'}
        </p>
        <label for="version-price">Price (token units)</label>
        <input id="version-price" type="text" inputMode="numeric" value={price} onInput={(e) => setPrice(e.currentTarget.value)} />
        <div><button type="button" class="primary" disabled={!!busy || !preview || preview.items === 0}
          onClick={() => act('build', () => api('POST', `/api/campaigns/${campaign.id}/datasets`,
            { body: { price, confidenceBar: bar } }))}>Build a version at {percent(bar)}</button></div>
      </div>
      {busy && <Busy>{busy === 'build' ? 'Building the version…' : 'Sending the transaction…'}</Busy>}
      <ErrorMessage error={error} />
      {versions.length > 0 && (
        <ul class="versions" aria-label="Versions">
          {versions.map((d) => <Version key={d.id} d={d} busy={busy} act={act} tick={tick} />)}
        </ul>
      )}
    </section>
  );
}

function Version({ d, busy, act, tick }) {
  const [sales, setSales] = useState(null);
  const [newPrice, setNewPrice] = useState(d.price);
  useEffect(() => {
    if (d.status !== 'listed') return;
    api('GET', `/api/datasets/${d.id}/sales`).then(setSales).catch(() => {});
  }, [d.id, d.status, tick]);
  const delisted = sales && sales.delistedAt;
  let cumulative = 0n;
  const points = sales ? sales.sales.map((s) => {
    cumulative += BigInteger(s.price) - BigInteger(s.fee);
    return { at: dateTime(s.at), revenue: Number(cumulative) / 1e18 };
  }) : [];
  return (
    <li class="card version" data-dataset-id={d.id} data-status={delisted ? 'delisted' : d.status}>
      <h3>{d.name} <span class="meta">v{d.version}</span></h3>
      <p class="meta">{`${plural(d.itemCount, 'item')} · ${plural(d.contributionCount, 'contribution')} · bar ${percent(d.confidenceBar)}`
        + ` · ${delisted ? 'delisted' : d.status}${d.chainDatasetId ? ` · marketplace id ${d.chainDatasetId}` : ''} · price ${d.price}`}</p>
      <div class="actions">
        {(d.status === 'built' || d.status === 'failed') && (
          <button type="button" disabled={!!busy} aria-label={`List ${d.name} on the marketplace`}
            onClick={() => act('list', () => api('POST', `/api/datasets/${d.id}/listing`))}>List on the marketplace</button>
        )}
        {d.status === 'listed' && !delisted && (
          <>
            <label for={`price-${d.id}`}>New price</label>
            <input id={`price-${d.id}`} type="text" inputMode="numeric" value={newPrice} class="short"
              onInput={(e) => setNewPrice(e.currentTarget.value)} />
            <button type="button" disabled={!!busy} aria-label={`Reprice ${d.name}`}
              onClick={() => act('reprice', () => api('POST', `/api/datasets/${d.id}/price`, { body: { price: newPrice } }))}>Reprice</button>
            <button type="button" class="danger" disabled={!!busy} aria-label={`Delist ${d.name}`}
              onClick={() => act('delist', () => api('POST', `/api/datasets/${d.id}/delisting`))}>Delist</button>
          </>
        )}
      </div>
      {sales && (
        <div data-testid="sales" data-purchases={sales.purchases} data-revenue={sales.revenue}>
          <dl class="figures">
            <div><dt>Purchases</dt><dd>{sales.purchases}</dd></div>
            <div><dt>Paid in</dt><dd>{sales.gross}</dd></div>
            <div><dt>Revenue for contributors</dt><dd>{sales.revenue}</dd></div>
            <div><dt>Treasury fees</dt><dd>{sales.fees}</dd></div>
            <div><dt>Claimed</dt><dd>{`${sales.claimed} (${plural(sales.claims, 'claim')})`}</dd></div>
          </dl>
          {points.length > 0 && (
            <ChartBox id={`revenue-${d.id}`} label="Revenue over time (tokens, cumulative)"
              summary={`${points[points.length - 1].revenue} tokens after ${plural(points.length, 'purchase')}`}
              config={{ type: 'line', data: { labels: points.map((x) => x.at), datasets: [
                { label: 'Revenue', data: points.map((x) => x.revenue), borderColor: '#2e7d32', stepped: true }] },
                options: { scales: { y: { beginAtZero: true } } } }} />
          )}
        </div>
      )}
    </li>
  );
}

const BigInteger = (s) => BigInt(s);
