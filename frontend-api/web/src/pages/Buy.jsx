// Buyers: the dataset catalogue with quality figures, a sample, purchase through the wallet, and
// the licensed download. Waits for the datasets API; until the service has it, says so.
import { useEffect, useState } from 'preact/hooks';
import { api, isMissingRoute } from '../api.js';
import { Busy, ErrorMessage, Note, PageTitle } from '../components.jsx';

export function BuyPage({ datasetId }) {
  const [state, setState] = useState({ loading: true });
  useEffect(() => {
    api('GET', '/api/datasets', { auth: false }).then((catalogue) => setState({ catalogue }), (error) => setState({ error }));
  }, []);
  const waiting = state.error && isMissingRoute(state.error);
  return (
    <section data-waiting={waiting ? 'datasets' : undefined}>
      <PageTitle title="Datasets">Datasets for sale</PageTitle>
      <p class="lead">Every dataset is made of signed, consented, anchored contributions. Pay into the marketplace
        contract from your own wallet; the contract splits the payment among the contributors.</p>
      {state.loading && <Busy>Loading the catalogue…</Busy>}
      {waiting && <Note kind="waiting">The catalogue, purchase and download appear here once this service sells datasets (not available on this service yet).</Note>}
      {state.error && !waiting && <ErrorMessage error={state.error} />}
      {state.catalogue && <pre class="raw">{JSON.stringify(state.catalogue, null, 2)}</pre>}
      {datasetId !== null && <p class="meta">Dataset {datasetId}</p>}
    </section>
  );
}
