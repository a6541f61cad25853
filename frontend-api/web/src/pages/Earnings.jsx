// Earnings per dataset and claims. Waits for the datasets API (earnings and claim calls); until the
// service has it, says so instead of showing made-up figures.
import { useEffect, useState } from 'preact/hooks';
import { api, isMissingRoute } from '../api.js';
import { Busy, ErrorMessage, Note } from '../components.jsx';

export function EarningsSection() {
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    api('GET', '/api/earnings/me').then((earnings) => setState({ earnings }), (error) => setState({ error }));
  }, []);
  return (
    <section aria-labelledby="earnings-title" data-waiting={state.error && isMissingRoute(state.error) ? 'datasets' : undefined}>
      <h2 id="earnings-title">Earnings</h2>
      {state.loading && <Busy>Loading your earnings…</Busy>}
      {state.error && isMissingRoute(state.error) && (
        <Note kind="waiting">Earnings per dataset and claims appear here once this service sells datasets (not available on this service yet).</Note>
      )}
      {state.error && !isMissingRoute(state.error) && <ErrorMessage error={state.error} />}
      {state.earnings && <pre class="raw">{JSON.stringify(state.earnings, null, 2)}</pre>}
    </section>
  );
}
