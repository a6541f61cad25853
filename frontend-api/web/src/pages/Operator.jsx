// The operator's pages: the activity log (who did what, refreshed while shown) and an overview of
// the campaigns with each one's contributors on demand. Shown to accounts GET /api/me calls
// operators; anyone else who comes here is told so, and nothing operator-only is asked for.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { useCampaignPages } from '../campaigns.js';
import { Address, Busy, ErrorMessage, Note, PageTitle, SignInPanel } from '../components.jsx';
import { dateTime, percent, plural, shortHex } from '../format.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { CampaignConsole, NewCampaign } from './Console.jsx';

const POLL_MS = 10_000;
const DEFAULT_PAGE = 50;

const SECTIONS = [
  { href: '#/operator/activity', label: 'Activity', key: 'activity' },
  { href: '#/operator/campaigns', label: 'Campaigns', key: 'campaigns' },
  { href: '#/operator/new', label: 'New campaign', key: 'new' },
];

/** `/operator[/activity|/campaigns][?limit=n]`: the operator page it names, behind the operator check. */
export function OperatorPage({ path }) {
  const [route, query] = path.split('?');
  const params = new URLSearchParams(query || '');
  const one = route.match(/^\/operator\/campaigns\/(\d+)$/);
  const section = one || route === '/operator/campaigns' ? 'campaigns' : route === '/operator/new' ? 'new' : 'activity';
  const limit = Math.min(200, Math.max(1, Number(params.get('limit')) || DEFAULT_PAGE));
  return (
    <RequireOperator>
      <nav class="subnav" aria-label="Operator">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.key}><a href={s.href} aria-current={s.key === section ? 'page' : undefined}>{s.label}</a></li>
          ))}
        </ul>
      </nav>
      {one ? <CampaignConsole id={Number(one[1])} /> : section === 'campaigns' ? <CampaignsOverview />
        : section === 'new' ? <NewCampaign /> : <ActivityPage limit={limit} />}
    </RequireOperator>
  );
}

export function NotAnOperator({ address }) {
  return (
    <section class="not-operator">
      <PageTitle title="Operator">Operator pages</PageTitle>
      <p class="message warn" role="alert" data-testid="not-operator">
        You are not an operator of this marketplace: the account you signed in with
        {address ? <> (<Address value={address} />)</> : null} is not one of its operators, so these pages have
        nothing to show you. <a href="#/contribute">Go to the campaigns.</a>
      </p>
    </section>
  );
}

/** `children` for a signed-in operator; the sign-in for no one; the not-an-operator message for anyone else. */
function RequireOperator({ children }) {
  const state = useStore(session);
  if (state.restoring) return <Busy />;
  if (!state.token) {
    return (
      <section>
        <PageTitle title="Operator">Operator pages</PageTitle>
        <SignInPanel purpose="as an operator" />
      </section>
    );
  }
  if (!state.operator) return <NotAnOperator address={state.address} />;
  return children;
}

/** A refusal that means the session is not (or no longer) an operator's. */
function refusedAsNonOperator(e) {
  return e instanceof ApiError && (e.code === 'NOT_AN_OPERATOR' || e.code === 'OPERATOR_AUTH_REQUIRED');
}

/** One line saying what an entry acted on, from its subject as the service records it. */
export function describeSubject(action, s = {}) {
  switch (action) {
    case 'terms.published':
      return `terms ${shortHex(s.termsHash, 4)}${s.new === false ? ' (already published)' : ''}`;
    case 'campaign.created':
      return `campaign ${s.campaignId} '${s.name}' (${s.taskType})`;
    case 'version.built':
      return `dataset ${s.datasetId} v${s.version}, ${plural(Number(s.items) || 0, 'item')}`
        + (s.campaignId !== undefined ? ` of campaign ${s.campaignId}` : '');
    case 'version.listed':
    case 'version.delisted':
      return `dataset ${s.datasetId}`;
    case 'version.repriced':
      return `dataset ${s.datasetId} at ${s.price}`;
    case 'items.uploaded':
      return `campaign ${s.campaignId}: ${plural(Number(s.inserted) || 0, 'item')} stored of ${plural(Number(s.lines) || 0, 'line')}`
        + `, ${Number(s.rejected) || 0} rejected`;
    default:
      return JSON.stringify(s);
  }
}

function Actor({ value }) {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value || '')) return <span class="actor">{value}</span>;
  return <span class="actor" aria-label={value}><Address value={value} /></span>;
}

function ActivityPage({ limit }) {
  const { address } = useStore(session);
  const [entries, setEntries] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const [denied, setDenied] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [checkedAt, setCheckedAt] = useState(null);
  const newest = useRef(null);

  const page = (beforeId) => api('GET', `/api/operator/activity?limit=${limit}${beforeId ? `&beforeId=${beforeId}` : ''}`);

  /** The newest page; entries not yet shown go on top (all of it replaces the list when there is a gap). */
  async function refresh() {
    try {
      const fresh = await page(null);
      const top = newest.current;
      const unseen = top === null ? fresh.entries : fresh.entries.filter((e) => e.id > top);
      const gap = top === null || (unseen.length === fresh.entries.length && fresh.nextBeforeId !== null);
      if (gap) {
        setEntries(fresh.entries);
        setNext(fresh.nextBeforeId);
      } else if (unseen.length) {
        setEntries((old) => [...unseen, ...(old || [])]);
      }
      if (fresh.entries.length) newest.current = Math.max(top || 0, fresh.entries[0].id);
      setError(null);
      setCheckedAt(new Date());
    } catch (e) {
      if (refusedAsNonOperator(e)) setDenied(true);
      else setError(e);
    }
  }

  async function loadOlder() {
    setLoadingOlder(true);
    try {
      const older = await page(next);
      setEntries((old) => [...(old || []), ...older.entries.filter((e) => !(old || []).some((o) => o.id === e.id))]);
      setNext(older.nextBeforeId);
    } catch (e) {
      setError(e);
    } finally {
      setLoadingOlder(false);
    }
  }

  // polls while this page is shown: stops when it is left or the tab is hidden, catches up when it is back
  useEffect(() => {
    newest.current = null;
    setEntries(null);
    refresh();
    let timer = null;
    const start = () => { if (!timer) timer = setInterval(refresh, POLL_MS); };
    const stop = () => { clearInterval(timer); timer = null; };
    const visibility = () => {
      if (document.hidden) {
        stop();
      } else {
        refresh();
        start();
      }
    };
    if (!document.hidden) start();
    document.addEventListener('visibilitychange', visibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', visibility);
    };
  }, [limit, address]);

  if (denied) return <NotAnOperator address={address} />;
  return (
    <section>
      <PageTitle title="Operator activity">Activity</PageTitle>
      <p class="lead">What each operator did, newest first: terms published, campaigns created, versions built and
        listed. This list checks for new entries every {POLL_MS / 1000} seconds while it is shown.</p>
      <ErrorMessage error={error} />
      {!entries && !error && <Busy>Loading the activity…</Busy>}
      {entries && entries.length === 0 && <Note>Nothing has been done yet.</Note>}
      {entries && entries.length > 0 && (
        <div class="table-wrap" role="region" aria-label="Activity log" tabIndex={0}>
          {/* explicit roles: on narrow screens the rows are laid out as blocks, which would drop a table's semantics */}
          <table class="data activity" role="table" aria-describedby="activity-checked">
            <caption class="sr-only">Operator activity, newest first</caption>
            <thead role="rowgroup">
              <tr role="row">
                <th role="columnheader" scope="col">When</th><th role="columnheader" scope="col">Who</th>
                <th role="columnheader" scope="col">What</th><th role="columnheader" scope="col">Subject</th>
              </tr>
            </thead>
            <tbody role="rowgroup">
              {entries.map((e) => (
                <tr key={e.id} role="row" data-entry-id={e.id} data-actor={e.actor} data-action={e.action}>
                  <td role="cell" data-label="When"><time datetime={e.at}>{dateTime(e.at)}</time></td>
                  <td role="cell" data-label="Who"><Actor value={e.actor} /></td>
                  <td role="cell" data-label="What">{e.action}</td>
                  <td role="cell" data-label="Subject" class="subject">{describeSubject(e.action, e.subject)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p id="activity-checked" class="meta" aria-live="polite">
        {checkedAt ? `Checked at ${checkedAt.toLocaleTimeString()}.` : ''}
      </p>
      {entries && next !== null && next !== undefined && (
        <button type="button" disabled={loadingOlder} onClick={loadOlder}>Load older</button>
      )}
    </section>
  );
}

function CampaignsOverview() {
  const { address } = useStore(session);
  // the list is public, but a new sign-in may be looking at a marketplace changed meanwhile
  const { campaigns, error, hasMore, loadMore } = useCampaignPages([address]);

  return (
    <section>
      <PageTitle title="Operator campaigns">Campaigns</PageTitle>
      <p class="lead">Every campaign with its items; open one's contributors to see their gold record and estimated
        accuracy.</p>
      <ErrorMessage error={error} />
      {!campaigns && !error && <Busy>Loading campaigns…</Busy>}
      {campaigns && campaigns.length === 0 && <Note>There is no campaign yet.</Note>}
      {campaigns && campaigns.length > 0 && (
        <ul class="overview" aria-label="Campaigns">
          {campaigns.map((c) => <CampaignRow key={c.id} campaign={c} />)}
        </ul>
      )}
      {hasMore && <button type="button" onClick={loadMore}>More campaigns</button>}
    </section>
  );
}

function CampaignRow({ campaign: c }) {
  const [open, setOpen] = useState(false);
  const panel = `contributors-${c.id}`;
  return (
    <li class="card" data-campaign-id={c.id}>
      <h2><a href={`#/operator/campaigns/${c.id}`} aria-label={`${c.name}: console`}>{c.name}</a></h2>
      <p class="meta">{`Campaign ${c.id} · ${c.taskType} · ${plural(c.itemCount, 'item')}`
        + `${c.goldCount ? ` (${c.goldCount.toLocaleString()} gold)` : ''} · overlap ${c.overlap}`
        + ` · accuracy floor ${percent(c.accuracyFloor)}`}</p>
      <button type="button" class="small" aria-expanded={open} aria-controls={panel}
        aria-label={`${open ? 'Hide' : 'Show'} the contributors of ${c.name}`} onClick={() => setOpen(!open)}>
        {open ? 'Hide contributors' : 'Show contributors'}
      </button>
      <div id={panel} hidden={!open}>
        {open && <Contributors campaign={c} />}
      </div>
    </li>
  );
}

function Contributors({ campaign }) {
  const { address } = useStore(session);
  const [rows, setRows] = useState(null);
  const [info, setInfo] = useState(null);
  const [next, setNext] = useState(null);
  const [error, setError] = useState(null);
  const [denied, setDenied] = useState(false);

  async function load(after) {
    try {
      const page = await api('GET', `/api/campaigns/${campaign.id}/contributors?limit=100${after ? `&after=${after}` : ''}`);
      setRows((old) => [...(after ? old || [] : []), ...page.contributors]);
      setInfo({ floor: page.accuracyFloor, minGold: page.floorMinGold });
      setNext(page.nextAfter);
    } catch (e) {
      if (refusedAsNonOperator(e)) setDenied(true);
      else setError(e);
    }
  }
  useEffect(() => { load(null); }, [campaign.id]);

  if (denied) return <NotAnOperator address={address} />;
  return (
    <div class="contributors">
      <ErrorMessage error={error} />
      {!rows && !error && <Busy>Loading contributors…</Busy>}
      {rows && rows.length === 0 && <Note>No contributor has answered in this campaign yet.</Note>}
      {rows && rows.length > 0 && (
        <>
          <p class="meta">Contributors below the floor ({percent(info.floor)} on gold, once they have answered
            {' '}{plural(info.minGold, 'gold item')}) are stopped.</p>
          <div class="table-wrap" role="region" aria-label={`Contributors of ${campaign.name}`} tabIndex={0}>
            <table class="data">
              <caption class="sr-only">Contributors of {campaign.name}</caption>
              <thead>
                <tr>
                  <th scope="col">Contributor</th><th scope="col">Answers</th><th scope="col">Gold correct</th>
                  <th scope="col">Gold accuracy (smoothed)</th><th scope="col">Estimated accuracy</th><th scope="col">Floor</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.contributor} data-contributor={r.contributor.toLowerCase()}>
                    <td><Actor value={r.contributor} /></td>
                    <td>{r.answers.toLocaleString()}</td>
                    <td data-cell="gold">{r.goldCorrect} of {r.goldSeen}</td>
                    <td data-cell="gold-accuracy">{r.goldSeen ? percent(r.goldAccuracy, 1) : '—'}</td>
                    <td data-cell="estimated">{typeof r.estimatedAccuracy === 'number'
                      ? percent(r.estimatedAccuracy, 1) : 'not estimated yet'}</td>
                    <td>{r.belowFloor ? <strong class="bad">below the floor</strong> : 'above'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {next && <button type="button" class="small" onClick={() => load(next)}>More contributors</button>}
        </>
      )}
    </div>
  );
}
