// Auditors: load a dataset's audit bundle and verify it against the chain from this page.
// Waits for the audit bundle API; until the service has it, says so.
import { useEffect, useState } from 'preact/hooks';
import { api, isMissingRoute } from '../api.js';
import { Busy, Note, PageTitle } from '../components.jsx';

export function AuditPage() {
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    api('GET', '/api/datasets', { auth: false }).then((catalogue) => setState({ catalogue }), (error) => setState({ error }));
  }, []);
  const waiting = state.error && isMissingRoute(state.error);
  return (
    <section data-waiting={waiting ? 'audit' : undefined}>
      <PageTitle title="Audit">Audit a dataset</PageTitle>
      <p class="lead">Load a dataset's public audit bundle and check it against the chain yourself: every signature,
        every inclusion proof, every consent, the listed roots and the payouts.</p>
      {state.loading && <Busy />}
      {waiting && <Note kind="waiting">Audit bundles appear here once this service lists datasets (not available on this service yet).</Note>}
    </section>
  );
}
