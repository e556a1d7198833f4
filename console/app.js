// The console's shell: sign-in, navigation (hash routes) and the live connection.
import { render } from '/_roster/console/vendor/preact.js';
import { useEffect, useRef, useState } from '/_roster/console/vendor/hooks.js';
import { api, onLiveState, setCsrf, startLive, stopLive, liveState } from './api.js';
import { html, ErrorText, setServerTime } from './ui.js';
import { DirectoryPage } from './directory.js';
import { OrgPage } from './org.js';
import { UserCard } from './card.js';
import { CredentialsPage } from './credentials.js';
import { JournalPage, FaultsPage, ClockPage, EventsPage, StatePage } from './tools.js';
import { ExplorerPage } from './explorer.js';

const PAGES = [
  { group: 'Directory', items: [['directory', 'People'], ['org', 'Org chart']] },
  { group: 'Access', items: [['credentials', 'Credentials']] },
  { group: 'Developer tools', items: [['journal', 'Journal'], ['faults', 'Faults'], ['clock', 'Clock'], ['events', 'Events'], ['state', 'State'], ['explorer', 'API explorer']] },
];
const TITLES = Object.fromEntries(PAGES.flatMap((g) => g.items));

function parseRoute() {
  const [page = 'directory', arg = ''] = location.hash.replace(/^#\/?/, '').split('/');
  return { page: TITLES[page] || page === 'user' ? page : 'directory', arg: decodeURIComponent(arg) };
}

function SignIn({ csrf, onSignedIn }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError('');
    setCsrf(csrf);
    const res = await api('POST', '/sign-in', { login: form.get('login'), password: form.get('password') }, { raw: true });
    setBusy(false);
    if (res.status === 200) return onSignedIn(res.body);
    setError(res.body?.error_description || `Sign-in failed (HTTP ${res.status})`);
  };
  return html`<main class="signin" id="main">
    <div class="brand"><img src="/_roster/console/assets/icon.svg" alt="" width="30" height="30" /> Roster</div>
    <form class="panel" onSubmit=${submit} aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in to the console</h1>
      <p class="muted">For administrators of this directory, with the password of <code>roster user password</code>.</p>
      ${error && html`<p class="error" id="signin-error" role="alert">${error}</p>`}
      <div class="field"><label for="login">Login or e-mail</label>
        <input id="login" name="login" autocomplete="username" required autofocus aria-describedby=${error ? 'signin-error' : undefined} /></div>
      <div class="field"><label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required /></div>
      <button class="primary" type="submit" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>
  </main>`;
}

function LiveBadge() {
  const [state, setState] = useState(liveState());
  useEffect(() => onLiveState(setState), []);
  const text = state === 'on' ? 'Live' : state === 'reconnecting' ? 'Reconnecting…' : 'Not live';
  return html`<p class=${`live ${state === 'on' ? 'on' : ''}`} role="status" aria-live="polite">${text}</p>`;
}

function Shell({ session, onSignOut }) {
  const [route, setRoute] = useState(parseRoute());
  const mainRef = useRef(null);
  useEffect(() => {
    const onHash = () => {
      setRoute(parseRoute());
      mainRef.current?.focus();
    };
    addEventListener('hashchange', onHash);
    startLive();
    return () => {
      removeEventListener('hashchange', onHash);
      stopLive();
    };
  }, []);
  useEffect(() => {
    document.title = `${route.page === 'user' ? 'User card' : TITLES[route.page]} · Roster console`;
  }, [route]);
  const signOut = async () => {
    await api('POST', '/sign-out').catch(() => undefined);
    onSignOut();
  };
  const current = route.page === 'user' ? 'directory' : route.page;
  let page;
  switch (route.page) {
    case 'org': page = html`<${OrgPage} id=${route.arg} />`; break;
    case 'user': page = html`<${UserCard} id=${route.arg} session=${session} />`; break;
    case 'credentials': page = html`<${CredentialsPage} session=${session} />`; break;
    case 'journal': page = html`<${JournalPage} session=${session} />`; break;
    case 'faults': page = html`<${FaultsPage} />`; break;
    case 'clock': page = html`<${ClockPage} session=${session} />`; break;
    case 'events': page = html`<${EventsPage} session=${session} />`; break;
    case 'state': page = html`<${StatePage} />`; break;
    case 'explorer': page = html`<${ExplorerPage} session=${session} />`; break;
    default: page = html`<${DirectoryPage} session=${session} />`;
  }
  return html`<div class="shell">
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); mainRef.current?.focus(); }}>Skip to content</a>
    <header class="side">
      <div class="brand"><img src="/_roster/console/assets/icon.svg" alt="" width="26" height="26" /> Roster</div>
      <nav aria-label="Console">
        ${PAGES.map((g) => html`<h2>${g.group}</h2><ul>${g.items.map(([id, title]) => html`<li><a href=${`#/${id}`} aria-current=${current === id ? 'page' : undefined}>${title}</a></li>`)}</ul>`)}
      </nav>
      <div class="who">
        <${LiveBadge} />
        Signed in as <strong>${session.user.name}</strong>
        <button type="button" class="link" onClick=${signOut}>Sign out</button>
      </div>
    </header>
    <main id="main" tabindex="-1" ref=${mainRef}>${page}</main>
  </div>`;
}

function App() {
  const [session, setSession] = useState(undefined);
  const [error, setError] = useState(undefined);
  const load = () =>
    api('GET', '/session')
      .then((s) => {
        setCsrf(s.csrf);
        setServerTime(s.now);
        setSession(s);
      })
      .catch(setError);
  useEffect(() => {
    load();
    const onOut = () => load();
    addEventListener('roster:signed-out', onOut);
    return () => removeEventListener('roster:signed-out', onOut);
  }, []);
  if (error) return html`<main class="signin"><${ErrorText} error=${error} /></main>`;
  if (!session) return html`<p class="loading">Loading…</p>`;
  if (!session.signed_in) return html`<${SignIn} csrf=${session.csrf} onSignedIn=${(s) => { setCsrf(s.csrf); setServerTime(s.now); setSession(s); }} />`;
  return html`<${Shell} session=${session} onSignOut=${load} />`;
}

render(html`<${App} />`, document.getElementById('app'));
