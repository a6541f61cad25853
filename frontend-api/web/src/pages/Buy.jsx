// Buyers: the dataset catalogue with quality figures, a version's sample and card, purchase from
// the buyer's own key (approve, then purchase, on DataMarketplace), and the licensed download.
// Until the service has the datasets routes, the page says so.
import { useEffect, useState } from 'preact/hooks';
import { api, isMissingRoute } from '../api.js';
import { Busy, ErrorMessage, Mono, Note, PageTitle, RequireSession, errorText } from '../components.jsx';
import { dateTime, percent, plural, shortHex, tokenAmount } from '../format.js';
import { downloadExport, sendAndWait, tokenInfo } from '../market.js';
import { session } from '../session.js';
import { useStore } from '../store.js';

function useToken(address, account) {
  const [token, setToken] = useState(null);
  useEffect(() => {
    let live = true;
    tokenInfo(address, account).then((t) => { if (live) setToken(t); });
    return () => { live = false; };
  }, [address, account]);
  return token;
}

function Price({ units, token }) {
  if (units === null || units === undefined) return <span>not priced</span>;
  return <span>{token ? tokenAmount(units, token.decimals, token.symbol) : `${units} token units`}</span>;
}

/** Quality figures as the service reports them: rates as percentages, distributions as counts, nothing for null. */
function Quality({ quality }) {
  const entries = Object.entries(quality || {}).filter(([, v]) => v !== null && v !== undefined);
  if (!entries.length) return <p class="meta">No quality figures reported.</p>;
  const show = (k, v) => {
    if (typeof v === 'number' && /accuracy|confidence|agreement|rate/i.test(k) && v >= 0 && v <= 1) return percent(v, 1);
    if (v && typeof v === 'object') return Object.entries(v).map(([label, n]) => `${label}: ${n}`).join(', ');
    return String(v);
  };
  return (
    <dl class="facts">
      {entries.map(([k, v]) => (
        <div key={k}>
          <dt>{k.replace(/([A-Z])/g, ' $1').toLowerCase()}</dt>
          <dd>{show(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function Catalogue({ page }) {
  const token = useToken(page.datasets[0] && page.datasets[0].paymentToken, null);
  if (!page.datasets.length) return <Note>No dataset is for sale yet.</Note>;
  return (
    <ul class="cards" aria-label="Datasets">
      {page.datasets.map((d) => (
        <li key={d.id} class="card" data-dataset-id={d.id}>
          <h2><a href={`#/buy/${d.id}`}>{d.name || `Dataset ${d.id}`}</a></h2>
          <p class="meta">Version {d.version} · {d.status}{d.chainDatasetId ? ` · on-chain #${d.chainDatasetId}` : ''}</p>
          <p>{plural(d.itemCount, 'item')} · {plural(d.contributionCount, 'signed answer')} · {plural(d.contributorCount, 'contributor')}</p>
          <p>Price: <strong><Price units={d.price} token={token} /></strong></p>
          <Quality quality={d.quality} />
          <a class="button" href={`#/buy/${d.id}`} aria-label={`View ${d.name || `dataset ${d.id}`}`}>View</a>
        </li>
      ))}
    </ul>
  );
}

function Sample({ id }) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    api('GET', `/api/datasets/${id}/sample`, { auth: false }).then((r) => setItems(r.items || []), setError);
  }, [id]);
  if (error) return <ErrorMessage error={error} />;
  if (!items) return <Busy>Loading the sample…</Busy>;
  return (
    <section aria-labelledby="sample-title" class="card">
      <h2 id="sample-title">Free sample ({plural(items.length, 'item')})</h2>
      <ol class="sample">
        {items.map((it) => (
          <li key={it.itemId}>
            <p>{it.data && typeof it.data === 'object' && typeof it.data.text === 'string' ? it.data.text : JSON.stringify(it.data)}</p>
            <p class="meta">label <strong>{it.label}</strong> · confidence {percent(it.confidence, 1)} · item {it.item}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Card({ id }) {
  const [text, setText] = useState(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (!open || text !== null) return;
    fetch(`/api/datasets/${id}/card`, { cache: 'no-store' }).then((r) => (r.ok ? r.text() : `(no card: ${r.status})`))
      .then(setText, () => setText('(the card could not be loaded)'));
  }, [open, id]);
  return (
    <details class="card" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Dataset card: provenance, terms, quality and how to verify</summary>
      {text === null ? <Busy /> : <pre class="raw card-text">{text}</pre>}
    </details>
  );
}

/** Licence state, purchase and download for the signed-in buyer. */
function Purchase({ dataset, token }) {
  const { signer, address } = useStore(session);
  const [licence, setLicence] = useState(undefined);
  const [step, setStep] = useState(null);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  const mine = useToken(dataset.paymentToken, address);

  async function refresh() {
    const r = await api('GET', '/api/licences/me');
    setLicence((r.licences || []).find((l) => l.datasetId === dataset.id) || null);
  }
  useEffect(() => { refresh().catch(setError); }, [dataset.id, address]);

  async function buy() {
    setError(null);
    try {
      const instructions = await api('GET', `/api/datasets/${dataset.id}/purchase`);
      for (const call of instructions.approveThenPurchase) {
        setStep(`${call.description}: waiting for the signature…`);
        await sendAndWait(signer, { to: call.to, data: call.data }, instructions.chainId,
          (hash) => setStep(`${call.description}: transaction ${shortHex(hash, 6)} sent, waiting for it to be mined…`));
      }
      setStep('Bought. Waiting for the service to record the licence…');
      for (let i = 0; i < 30; i++) {
        const r = await api('GET', '/api/licences/me');
        const found = (r.licences || []).find((l) => l.datasetId === dataset.id);
        if (found) {
          setLicence(found);
          break;
        }
        await new Promise((res) => setTimeout(res, 1000));
      }
    } catch (e) {
      setError(e);
    } finally {
      setStep(null);
    }
  }

  async function download(format) {
    setError(null);
    setStep(`Preparing the ${format.toUpperCase()} download…`);
    try {
      const saved = await downloadExport(dataset.id, format);
      setDone(`Downloaded ${saved.name} (${saved.bytes.toLocaleString()} bytes).`);
    } catch (e) {
      setError(e);
    } finally {
      setStep(null);
    }
  }

  if (licence === undefined) return <Busy>Checking your licence…</Busy>;
  return (
    <div class="stack" data-licensed={licence ? 'yes' : 'no'}>
      {licence ? (
        <>
          <p class="message ok">You hold a licence: bought {dateTime(licence.purchasedAt)} for <Price units={licence.price} token={token} />
            {licence.txHash && <> (tx <Mono title={licence.txHash}>{shortHex(licence.txHash, 6)}</Mono>)</>}.</p>
          <div class="actions">
            <button type="button" class="primary" disabled={Boolean(step)} onClick={() => download('jsonl')}>Download JSONL</button>
            <button type="button" disabled={Boolean(step)} onClick={() => download('parquet')}>Download Parquet</button>
          </div>
        </>
      ) : (
        <>
          <p>Buying sends two transactions from your account: an <em>approve</em> of the price to the marketplace, then the
            <em> purchase</em>. The contract takes the platform fee and adds the rest to what the dataset's contributors can claim.</p>
          {mine && <p class="meta">Your balance: {tokenAmount(mine.balance, mine.decimals, mine.symbol)} · {tokenAmount(mine.gas, 18, 'ETH')} for gas</p>}
          <div><button type="button" class="primary" disabled={Boolean(step) || dataset.status !== 'listed'} onClick={buy}>
            Buy for <Price units={dataset.price} token={token} />
          </button></div>
        </>
      )}
      {step && <p class="busy" role="status">{step}</p>}
      {done && <p class="message ok" role="status">{done}</p>}
      <ErrorMessage error={error}>{error && errorText(error)}</ErrorMessage>
    </div>
  );
}

function Detail({ id }) {
  const [dataset, setDataset] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setDataset(null);
    api('GET', `/api/datasets/${id}`, { auth: false }).then(setDataset, setError);
  }, [id]);
  const token = useToken(dataset && dataset.paymentToken, null);
  if (error) return <ErrorMessage error={error} />;
  if (!dataset) return <Busy>Loading the dataset…</Busy>;
  return (
    <>
      <section class="card" aria-labelledby="dataset-facts">
        <h2 id="dataset-facts">{dataset.name || `Dataset ${dataset.id}`} · version {dataset.version}</h2>
        <p>{plural(dataset.itemCount, 'item')} · {plural(dataset.contributionCount, 'signed answer')} from {plural(dataset.contributorCount, 'contributor')}
          {' '}· price <strong><Price units={dataset.price} token={token} /></strong> · {dataset.status}</p>
        <Quality quality={dataset.quality} />
        <dl class="facts">
          <div><dt>on-chain dataset</dt><dd>{dataset.chainDatasetId ?? 'not listed yet'}</dd></div>
          <div><dt>marketplace</dt><dd><Mono>{dataset.marketplace}</Mono></dd></div>
          <div><dt>content root</dt><dd><Mono title={dataset.contentRoot}>{shortHex(dataset.contentRoot, 8)}</Mono></dd></div>
          <div><dt>terms</dt><dd><Mono title={dataset.termsHash}>{shortHex(dataset.termsHash, 8)}</Mono></dd></div>
          <div><dt>anchored batches</dt><dd>{(dataset.batchIds || []).join(', ') || '—'}</dd></div>
        </dl>
        {dataset.sharesRule && <p class="meta">Shares: {dataset.sharesRule}</p>}
        <p><a href={`#/audit?dataset=${dataset.id}`}>Audit this dataset against the chain</a></p>
      </section>
      <section class="card" aria-labelledby="buy-title">
        <h2 id="buy-title">Licence</h2>
        <RequireSession purpose="to buy or download">
          <Purchase dataset={dataset} token={token} />
        </RequireSession>
      </section>
      <Sample id={dataset.id} />
      <Card id={dataset.id} />
    </>
  );
}

export function BuyPage({ datasetId }) {
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    if (datasetId !== null) return;
    api('GET', '/api/datasets', { auth: false }).then((catalogue) => setState({ catalogue }), (error) => setState({ error }));
  }, [datasetId]);
  const waiting = state.error && isMissingRoute(state.error);
  if (datasetId !== null) {
    return (
      <section>
        <PageTitle title="Dataset">Dataset {datasetId}</PageTitle>
        <p><a href="#/buy">← All datasets</a></p>
        <Detail id={datasetId} />
      </section>
    );
  }
  return (
    <section data-waiting={waiting ? 'datasets' : undefined}>
      <PageTitle title="Datasets">Datasets for sale</PageTitle>
      <p class="lead">Every dataset is made of signed, consented, anchored contributions. Pay into the marketplace
        contract from your own wallet; the contract splits the payment among the contributors.</p>
      {state.loading && <Busy>Loading the catalogue…</Busy>}
      {waiting && <Note kind="waiting">The catalogue, purchase and download appear here once this service sells datasets (not available on this service yet).</Note>}
      {state.error && !waiting && <ErrorMessage error={state.error} />}
      {state.catalogue && <Catalogue page={state.catalogue} />}
    </section>
  );
}
