// The public campaign list, page by page, as the contributors' and the operator's campaign pages
// both show it.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';

const PAGE = 50;

/**
 * Loads the first page of `GET /api/campaigns` (again whenever a value in `deps` changes) and
 * returns `{ campaigns, error, hasMore, loadMore }`: `campaigns` is null until the first page
 * arrives; `loadMore()` appends the next page while `hasMore`.
 */
export function useCampaignPages(deps = []) {
  const [campaigns, setCampaigns] = useState(null);
  const [next, setNext] = useState(0);
  const [error, setError] = useState(null);

  async function load(afterId) {
    try {
      const page = await api('GET', `/api/campaigns?afterId=${afterId}&limit=${PAGE}`, { auth: false });
      setCampaigns((old) => [...(afterId ? old || [] : []), ...page.campaigns]);
      setNext(page.nextAfterId);
    } catch (e) {
      setError(e);
    }
  }
  useEffect(() => { load(0); }, deps);

  const hasMore = next !== null && next !== undefined && campaigns !== null && campaigns.length > 0;
  return { campaigns, error, hasMore, loadMore: () => load(next) };
}
