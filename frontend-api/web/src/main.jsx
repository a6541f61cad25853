// The LabelLedger browser app: one page, hash routes, Preact. Contributors sign in, consent and
// label; buyers browse and buy datasets; auditors verify a dataset's bundle against the chain;
// operators follow the activity log and their campaigns' contributors.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { restoreSession, session, signOut } from './session.js';
import { useStore } from './store.js';
import { Address } from './components.jsx';
import { CampaignsPage, CampaignPage } from './pages/Contribute.jsx';
import { WorkPage } from './pages/Work.jsx';
import { AccountPage } from './pages/Account.jsx';
import { BuyPage } from './pages/Buy.jsx';
import { AuditPage } from './pages/Audit.jsx';
import { OperatorPage } from './pages/Operator.jsx';

const NAV = [
  { href: '#/contribute', label: 'Label', match: /^\/(contribute.*)?$/ },
  { href: '#/work', label: 'My work', match: /^\/work/ },
  { href: '#/buy', label: 'Datasets', match: /^\/buy/ },
  { href: '#/audit', label: 'Audit', match: /^\/audit/ },
  { href: '#/account', label: 'Account', match: /^\/account/ },
  // only for accounts the service calls operators; the pages say so to anyone else who finds them
  { href: '#/operator', label: 'Operator', match: /^\/operator/, operatorOnly: true },
];

function currentPath() {
  const hash = window.location.hash.replace(/^#/, '');
  return hash.startsWith('/') ? hash : `/${hash}`;
}

function useRoute() {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const update = () => setPath(currentPath());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return path;
}

function Page({ path }) {
  let m;
  if ((m = path.match(/^\/contribute\/(\d+)$/))) return <CampaignPage id={Number(m[1])} />;
  if (path === '/' || path === '/contribute') return <CampaignsPage />;
  if (path === '/work') return <WorkPage />;
  if ((m = path.match(/^\/buy(?:\/(\d+))?$/))) return <BuyPage datasetId={m[1] ? Number(m[1]) : null} />;
  if (path === '/audit' || path.startsWith('/audit?')) return <AuditPage />;
  if (path === '/account') return <AccountPage />;
  if (/^\/operator(\/(activity|campaigns(\/\d+)?|new))?(\?.*)?$/.test(path)) return <OperatorPage path={path} />;
  return (
    <section>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>There is no page at <code>{path}</code>. <a href="#/contribute">Go to the campaigns.</a></p>
    </section>
  );
}

function Header({ path }) {
  const state = useStore(session);
  return (
    <header class="site">
      <div class="bar">
        <a class="brand" href="#/contribute">LabelLedger</a>
        <div class="who">
          {state.token ? (
            <>
              <span class="signed-in" aria-label={`Signed in as ${state.address}`}>
                <span aria-hidden="true">{state.signer && state.signer.kind === 'injected' ? 'Wallet' : 'Browser key'} </span>
                <Address value={state.address} />
              </span>
              <button type="button" class="small" onClick={() => signOut()}>Sign out</button>
            </>
          ) : (
            <span class="signed-out">Not signed in</span>
          )}
        </div>
      </div>
      <nav aria-label="Main">
        <ul>
          {NAV.filter((item) => !item.operatorOnly || (state.token && state.operator)).map((item) => (
            <li key={item.href}>
              <a href={item.href} aria-current={item.match.test(path) ? 'page' : undefined}>{item.label}</a>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}

function App() {
  const path = useRoute();
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main').focus();
      }}>Skip to content</a>
      <Header path={path} />
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
      <footer class="site">
        <p>Your answers and consent are signed in this page with your own key; the chain keeps the record.
          API: <a href="/api/eip712">EIP-712 types</a> · <a href="/api/chain">chain</a></p>
      </footer>
    </>
  );
}

restoreSession();
render(<App />, document.getElementById('app'));
