// Contributors: pick a campaign, read its terms in full, consent (or withdraw) with a signature,
// then label with the keyboard.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { askedFor } from '../answers/index.js';
import { useCampaignPages } from '../campaigns.js';
import { Busy, ErrorMessage, Mono, Note, PageTitle, RequireSession, errorText } from '../components.jsx';
import { consentFor, giveConsent, latestRequestFor, myConsents, revokeConsent, waitForConsentState } from '../consent.js';
import { dateTime, plural, shortHex } from '../format.js';
import { session } from '../session.js';
import { useStore } from '../store.js';
import { Labeller } from './Labeller.jsx';

export function CampaignsPage() {
  const { campaigns, error, hasMore, loadMore } = useCampaignPages();

  return (
    <section>
      <PageTitle title="Campaigns">Label data, get paid for every sale</PageTitle>
      <p class="lead">Choose a campaign, read its terms, consent with a signature, then label with your keyboard.
        Every accepted answer earns shares of each sale of the datasets it ends up in.</p>
      <ErrorMessage error={error} />
      {!campaigns && !error && <Busy>Loading campaigns…</Busy>}
      {campaigns && campaigns.length === 0 && <Note>No campaign is open yet.</Note>}
      {campaigns && campaigns.length > 0 && (
        <ul class="cards" aria-label="Campaigns">
          {campaigns.map((c) => (
            <li key={c.id} class="card">
              <h2><a href={`#/contribute/${c.id}`}>{c.name}</a></h2>
              {c.description && <p>{c.description}</p>}
              <p class="meta">{plural(c.itemCount, 'item')} · {askedFor(c)}</p>
              <a class="button" href={`#/contribute/${c.id}`} aria-label={`Open ${c.name}`}>Open</a>
            </li>
          ))}
        </ul>
      )}
      {hasMore && <button type="button" onClick={loadMore}>More campaigns</button>}
    </section>
  );
}

export function CampaignPage({ id }) {
  const [campaign, setCampaign] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setCampaign(null);
    setError(null);
    api('GET', `/api/campaigns/${id}`, { auth: false }).then(setCampaign, setError);
  }, [id]);

  return (
    <section>
      <PageTitle title={campaign ? campaign.name : 'Campaign'}>{campaign ? campaign.name : `Campaign ${id}`}</PageTitle>
      <p><a href="#/contribute">← All campaigns</a></p>
      <ErrorMessage error={error} />
      {!campaign && !error && <Busy>Loading the campaign…</Busy>}
      {campaign && (
        <RequireSession purpose="to work on this campaign">
          <ConsentGate campaign={campaign} />
        </RequireSession>
      )}
    </section>
  );
}

/** Shows the terms and the consent state; the labeller only once the chain records a valid consent. */
function ConsentGate({ campaign }) {
  const { signer, address } = useStore(session);
  const [terms, setTerms] = useState(null);
  const [mine, setMine] = useState(null);
  const [error, setError] = useState(null);
  const [readTerms, setReadTerms] = useState(false);
  const [days, setDays] = useState('365');
  const [step, setStep] = useState(null); // null | 'signing' | 'relaying' | 'confirm-revoke' | 'revoking'
  const [showTerms, setShowTerms] = useState(false);
  const confirmRef = useRef(null);
  useEffect(() => {
    // the confirmation replaces the button that opened it: keyboard focus moves into it
    if (step === 'confirm-revoke' && confirmRef.current) confirmRef.current.focus();
  }, [step]);

  async function refresh() {
    setMine(await myConsents());
  }
  useEffect(() => {
    setError(null);
    Promise.all([api('GET', `/api/terms/${campaign.termsHash}`, { auth: false }), myConsents()])
      .then(([t, m]) => { setTerms(t); setMine(m); }, setError);
  }, [campaign.termsHash, address]);

  if (error && !mine) return <ErrorMessage error={error} />;
  if (!terms || !mine) return <Busy>Loading the terms and your consent…</Busy>;

  const consent = consentFor(mine, campaign.termsHash);
  const request = latestRequestFor(mine, campaign.termsHash);
  const valid = Boolean(consent && consent.valid);

  async function consentNow() {
    setError(null);
    setStep('signing');
    try {
      const accepted = await giveConsent(signer, campaign.termsHash, Number(days), mine);
      setStep('relaying');
      const { mine: after, request: r, settled } = await waitForConsentState(accepted.id, campaign.termsHash, true,
        { onTick: (m) => setMine(m) });
      setMine(after);
      if (r && r.status === 'failed') setError(new Error(`The chain refused the consent (${r.failure || 'unknown reason'}).`));
      else if (!settled) setError(new Error('The consent is signed and stored but not on-chain yet. This page will show it once it is; reload in a minute.'));
    } catch (e) {
      setError(e);
    } finally {
      setStep(null);
    }
  }

  async function revokeNow() {
    setError(null);
    setStep('revoking');
    try {
      const accepted = await revokeConsent(signer, campaign.termsHash, mine);
      const { mine: after, request: r, settled } = await waitForConsentState(accepted.id, campaign.termsHash, false,
        { onTick: (m) => setMine(m) });
      setMine(after);
      if (r && r.status === 'failed') setError(new Error(`The chain refused the revocation (${r.failure || 'unknown reason'}).`));
      else if (!settled) setError(new Error('The revocation is signed and stored but not on-chain yet.'));
    } catch (e) {
      setError(e);
    } finally {
      setStep(null);
    }
  }

  const termsBlock = (
    <section class="card" aria-labelledby="terms-title">
      <h2 id="terms-title">Terms of this campaign</h2>
      <p class="meta">Terms hash <Mono title={terms.termsHash}>{shortHex(terms.termsHash, 8)}</Mono>
        {' '}({terms.chainStatus === 'registered' ? 'registered on-chain' : `on-chain registration ${terms.chainStatus}`})
        {terms.uri && <> · published at <Mono>{terms.uri}</Mono></>}</p>
      <div class="terms" tabIndex={0} role="region" aria-label="Full text of the terms">
        {terms.text.split(/\n{2,}/).map((para, i) => <p key={i}>{para}</p>)}
      </div>
    </section>
  );

  if (valid) {
    return (
      <>
        <div class="consent-state ok" role="status">
          <p><strong>You consented</strong> to these terms on {dateTime(consent.grantedAt)}; valid until {dateTime(consent.expiresAt)}.</p>
          <div class="actions">
            <button type="button" class="link" aria-expanded={showTerms} onClick={() => setShowTerms(!showTerms)}>
              {showTerms ? 'Hide the terms' : 'Read the terms again'}
            </button>
            {step !== 'confirm-revoke' && step !== 'revoking' && (
              <button type="button" class="danger" onClick={() => setStep('confirm-revoke')}>Withdraw consent…</button>
            )}
          </div>
          {step === 'confirm-revoke' && (
            <div class="confirm" role="group" aria-label="Confirm withdrawal" tabIndex={-1} ref={confirmRef}>
              <p>Withdrawing stops any future use of your work under these terms: the next dataset versions leave it
                out. Data already sold stays sold. You sign a Revocation; the chain records when.</p>
              <button type="button" class="danger" onClick={revokeNow}>Sign the withdrawal</button>
              <button type="button" onClick={() => setStep(null)}>Keep my consent</button>
            </div>
          )}
          {step === 'revoking' && <Busy>Withdrawing: signing, then waiting for the chain…</Busy>}
        </div>
        {showTerms && termsBlock}
        <ErrorMessage error={error} />
        {step !== 'revoking' && <Labeller campaign={campaign} />}
      </>
    );
  }

  return (
    <>
      <div class="instructions card">
        <h2>What you will do</h2>
        <p>{campaign.instructions}</p>
        <p class="meta">{askedFor(campaign)} · {plural(campaign.itemCount, 'item')}</p>
      </div>
      {termsBlock}
      <section class="card" aria-labelledby="consent-title">
        <h2 id="consent-title">Your consent</h2>
        {consent && consent.revokedAt && <Note>You withdrew your consent on {dateTime(consent.revokedAt)}.</Note>}
        {consent && !consent.revokedAt && !consent.valid && <Note>Your consent expired on {dateTime(consent.expiresAt)}.</Note>}
        {request && request.status === 'pending' && <Note>Your signed {request.kind} is waiting to be recorded on-chain.</Note>}
        <p>To label in this campaign you consent to the terms above. You sign an EIP-712 <em>Consent</em>;
          the service relays it to the ConsentRegistry contract, where you can also withdraw it at any time.</p>
        <div class="stack">
          <div class="check">
            <input id="terms-read" type="checkbox" checked={readTerms} onChange={(e) => setReadTerms(e.currentTarget.checked)} />
            <label for="terms-read">I have read the terms above in full and agree to them</label>
          </div>
          <div class="field">
            <label for="consent-days">Valid for</label>
            <select id="consent-days" value={days} onChange={(e) => setDays(e.currentTarget.value)}>
              <option value="30">30 days</option>
              <option value="90">90 days</option>
              <option value="365">1 year</option>
            </select>
          </div>
          <div>
            <button type="button" class="primary" disabled={!readTerms || step !== null} onClick={consentNow}>
              Sign my consent
            </button>
          </div>
        </div>
        {step === 'signing' && <Busy>Waiting for your signature…</Busy>}
        {step === 'relaying' && <Busy>Signed. Waiting for the chain to record your consent (a few seconds)…</Busy>}
        <ErrorMessage error={error}>{error && errorText(error)}</ErrorMessage>
      </section>
    </>
  );
}
