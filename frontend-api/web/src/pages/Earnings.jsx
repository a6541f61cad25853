// Earnings per dataset (GET /api/earnings/me) and claims: by the service on the contributor's
// behalf (it pays the gas; the contract only ever pays the account), or from the contributor's
// own key with the claimMany call the statement carries. Until the service sells datasets, the
// section says so.
import { useEffect, useState } from 'preact/hooks';
import { api, isMissingRoute } from '../api.js';
import { Busy, ErrorMessage, Mono, Note, errorText } from '../components.jsx';
import { shortHex, tokenAmount } from '../format.js';
import { sendAndWait, tokenInfo } from '../market.js';
import { session } from '../session.js';
import { useStore } from '../store.js';

export function EarningsSection() {
  const { signer } = useStore(session);
  const [state, setState] = useState({ loading: true });
  const [token, setToken] = useState(null);
  const [step, setStep] = useState(null);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);

  async function load() {
    try {
      const statement = await api('GET', '/api/earnings/me');
      setState({ statement });
      tokenInfo(statement.paymentToken, null).then(setToken);
    } catch (e) {
      setState({ error: e });
    }
  }
  useEffect(() => { load(); }, []);

  const amount = (units) => (token ? tokenAmount(units, token.decimals, token.symbol) : `${units} token units`);

  async function claimByService() {
    setError(null);
    setStep('The service is sending your claim…');
    try {
      const r = await api('POST', '/api/earnings/me/claims');
      setDone(`Claimed ${amount(r.paid)} to your account${r.txHash ? ` (tx ${shortHex(r.txHash, 6)})` : ''}.`);
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setStep(null);
    }
  }

  async function claimFromWallet(call) {
    setError(null);
    setStep('Waiting for your signature…');
    try {
      const sent = await sendAndWait(signer, { to: call.to, data: call.data }, null,
        (hash) => setStep(`Claim ${shortHex(hash, 6)} sent, waiting for it to be mined…`));
      setDone(`Claimed in block ${sent.blockNumber}.`);
      await load();
    } catch (e) {
      setError(e);
    } finally {
      setStep(null);
    }
  }

  const s = state.statement;
  return (
    <section aria-labelledby="earnings-title" data-waiting={state.error && isMissingRoute(state.error) ? 'datasets' : undefined}>
      <h2 id="earnings-title">Earnings</h2>
      {state.loading && <Busy>Loading your earnings…</Busy>}
      {state.error && isMissingRoute(state.error) && (
        <Note kind="waiting">Earnings per dataset and claims appear here once this service sells datasets (not available on this service yet).</Note>
      )}
      {state.error && !isMissingRoute(state.error) && <ErrorMessage error={state.error} />}
      {s && (
        <>
          {s.datasets.length === 0 ? <Note>None of your work is in a dataset for sale yet.</Note> : (
            <ul class="contributions" aria-label="Earnings per dataset">
              {s.datasets.map((d) => (
                <li key={d.datasetId} class="contribution" data-dataset-id={d.datasetId}>
                  <p><strong>{d.name || `Dataset ${d.datasetId}`}</strong> (on-chain #{d.chainDatasetId})</p>
                  <p>{d.shares} of {d.totalShares} shares · entitled {amount(d.entitled)} · claimed {amount(d.claimed)} ·
                    {' '}<strong>owed {amount(d.owed)}</strong></p>
                </li>
              ))}
            </ul>
          )}
          <p>Owed in all: <strong data-testid="total-owed">{amount(s.totalOwed)}</strong>{s.rule ? <span class="meta"> · {s.rule}</span> : null}</p>
          {s.claimCall && BigInt(s.totalOwed || '0') > 0n && (
            <div class="actions">
              <button type="button" class="primary" disabled={Boolean(step)} onClick={claimByService}>Claim (the service pays the gas)</button>
              <button type="button" disabled={Boolean(step)} onClick={() => claimFromWallet(s.claimCall)}>Claim from my own key</button>
            </div>
          )}
          {s.claimCall && <p class="meta">The claim call: <Mono>{s.claimCall.function}</Mono> on <Mono>{shortHex(s.claimCall.to, 6)}</Mono>.</p>}
        </>
      )}
      {step && <p class="busy" role="status">{step}</p>}
      {done && <p class="message ok" role="status">{done}</p>}
      <ErrorMessage error={error}>{error && errorText(error)}</ErrorMessage>
    </section>
  );
}
