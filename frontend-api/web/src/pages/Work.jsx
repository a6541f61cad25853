// My contributions: what I answered, whether it was accepted, where it is anchored, and a proof
// check run in this page (the proof against the batch root, the root against the chain).
import { useEffect, useState } from 'preact/hooks';
import { Busy, ErrorMessage, Mono, Note, PageTitle, RequireSession } from '../components.jsx';
import { dateTime, plural, shortHex } from '../format.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { anchorOf, anchorStateText, contributionsPage, goldOf, goldSummary, proofOf } from '../work.js';
import { GoldSummary } from './Labeller.jsx';
import { EarningsSection } from './Earnings.jsx';

export function WorkPage() {
  return (
    <section>
      <PageTitle title="My work">My work</PageTitle>
      <RequireSession purpose="to see your contributions">
        <Contributions />
        <EarningsSection />
      </RequireSession>
    </section>
  );
}

const STATUS_TEXT = {
  accepted: 'Accepted',
  rejected: 'Rejected',
  pending: 'Pending review',
};

function ProofCheck({ contribution }) {
  const [result, setResult] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      const reply = await proofOf(contribution.id);
      const a = reply.anchor || {};
      if (!a.root || !Array.isArray(a.proof) || a.batchId === null || a.batchId === undefined) {
        throw new Error('The service has no proof for this contribution yet.');
      }
      // the Merkle tree library and chain reading are loaded on first use
      const { checkAnchoredContribution } = await import('../proof.js');
      setResult(await checkAnchoredContribution({ digest: contribution.digest, batchId: a.batchId, root: a.root,
        proof: a.proof, registry: reply.registry }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  if (!result) {
    return (
      <>
        <button type="button" class="small" disabled={busy} onClick={run}
          aria-label={`Check the inclusion proof of contribution ${contribution.id}`}>
          {busy ? 'Checking…' : 'Check proof'}
        </button>
        <ErrorMessage error={error} />
      </>
    );
  }
  const failed = result.some((r) => r.ok === false);
  return (
    <ul class={`checks ${failed ? 'bad' : 'ok'}`} aria-label={`Proof check of contribution ${contribution.id}`}
      data-proof-result={failed ? 'fail' : 'pass'} role="status">
      {result.map((r) => (
        <li key={r.check}><span aria-hidden="true">{r.ok === true ? '✓' : r.ok === false ? '✗' : '–'}</span> {r.detail}</li>
      ))}
    </ul>
  );
}

function ContributionRow({ c }) {
  const anchor = anchorOf(c);
  const gold = goldOf(c);
  return (
    <li class="contribution" data-contribution-id={c.id} data-status={c.status}
      data-anchored={anchor && anchor.anchored ? 'yes' : 'no'} data-anchor-state={anchor ? anchor.state : 'unknown'}>
      <div class="row-head">
        <span class={`badge ${c.status}`}>{STATUS_TEXT[c.status] || c.status}</span>
        <span>Campaign {c.campaignId} · item {c.itemId}</span>
        <span class="meta">#{c.id} · {dateTime(c.submittedAt)}</span>
      </div>
      <p>Answer: <strong>{c.answer}</strong>
        {gold && gold.correct !== null && <> · gold item, {gold.correct ? 'answered correctly' : 'answered differently from the known answer'}</>}</p>
      <p class="meta">Signed digest <Mono title={c.digest}>{shortHex(c.digest, 6)}</Mono></p>
      {anchor ? (
        <div class="anchor">
          <p>{anchor.anchored ? <span class="badge anchored">Anchored</span> : <span class="badge pending">{anchorStateText(anchor.state)}</span>}
            {anchor.batchId !== null && <> batch <strong>{anchor.batchId}</strong></>}
            {anchor.txHash && <> · tx <Mono title={anchor.txHash}>{shortHex(anchor.txHash, 6)}</Mono></>}
            {anchor.blockNumber !== null && <> · block {anchor.blockNumber}</>}
            {anchor.anchoredAt && <> · {dateTime(anchor.anchoredAt)}</>}</p>
          {anchor.anchored && <ProofCheck contribution={c} />}
        </div>
      ) : (
        <p class="meta">Anchoring on-chain: not reported by this service yet.</p>
      )}
    </li>
  );
}

function Contributions() {
  const { address } = useStore(session);
  const [rows, setRows] = useState(null);
  const [next, setNext] = useState(null);
  const [gold, setGold] = useState(null);
  const [error, setError] = useState(null);
  const [loading, setLoading] = useState(false);

  async function load(afterId, replace) {
    setLoading(true);
    try {
      const page = await contributionsPage(afterId, 100);
      const all = replace ? page.contributions : [...(rows || []), ...page.contributions];
      setRows(all);
      setNext(page.nextAfterId ?? null);
      setGold(goldSummary(page, all));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }
  useEffect(() => { load(0, true); }, [address]);

  if (!rows) return error ? <ErrorMessage error={error} /> : <Busy>Loading your contributions…</Busy>;
  const byStatus = {};
  let anchored = 0;
  for (const c of rows) {
    byStatus[c.status] = (byStatus[c.status] || 0) + 1;
    const a = anchorOf(c);
    if (a && a.anchored) anchored++;
  }
  return (
    <section aria-labelledby="contrib-title">
      <h2 id="contrib-title">Contributions</h2>
      {rows.length === 0 ? <Note>You have not contributed yet. <a href="#/contribute">Pick a campaign.</a></Note> : (
        <>
          <p class="summary" data-testid="contribution-summary">
            {plural(rows.length, 'contribution')} shown
            {Object.entries(byStatus).map(([s, n]) => ` · ${n} ${(STATUS_TEXT[s] || s).toLowerCase()}`).join('')}
            {` · ${anchored} anchored`}
          </p>
          <GoldSummary stats={{ gold }} />
          <ol class="contributions" aria-label="Your contributions, oldest first">
            {rows.map((c) => <ContributionRow key={c.id} c={c} />)}
          </ol>
          <div class="actions">
            {next !== null && <button type="button" disabled={loading} onClick={() => load(next, false)}>Show more</button>}
            <button type="button" disabled={loading} onClick={() => load(0, true)}>Refresh</button>
          </div>
        </>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}
