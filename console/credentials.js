// Credentials: incoming webhooks, outgoing webhooks and OAuth applications. Secrets appear once,
// in the answer that creates them; the lists never hold them.
import { useState } from '/_roster/console/vendor/hooks.js';
import { api } from './api.js';
import { ErrorText, Secret, formatTime, html, useLive } from './ui.js';

const isCredentialChange = (r) => /^(webhook|app)\./.test(r.kind);

function ScopeBoxes({ scopes, name, legend, checked = [] }) {
  return html`<fieldset class="checks"><legend>${legend}</legend>
    ${scopes.map((s) => html`<label><input type="checkbox" name=${name} value=${s} defaultChecked=${checked.includes(s)} /> ${s}</label>`)}
  </fieldset>`;
}

function Incoming({ session }) {
  const [created, setCreated] = useState(null);
  const [problem, setProblem] = useState(null);
  const { data, error } = useLive(async () => ({ hooks: (await api('GET', '/webhooks')).webhooks }), [], isCredentialChange);
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setProblem(null);
    try {
      const made = await api('POST', '/webhooks', { user_id: Number(form.get('user_id')), title: form.get('title'), scopes: form.getAll('scope') });
      setCreated(made);
      e.currentTarget?.reset?.();
    } catch (err) {
      setProblem(err);
    }
  };
  const revoke = async (id) => {
    if (!confirm(`Revoke webhook ${id}? Calls with it stop working at once.`)) return;
    await api('POST', `/webhooks/${id}/revoke`).catch(setProblem);
  };
  const active = (data?.hooks || []).filter((h) => h.revoked_at === null);
  return html`<section aria-labelledby="in-title"><h2 id="in-title">Incoming webhooks</h2>
    <form class="panel" onSubmit=${submit} aria-label="New incoming webhook">
      <div class="row">
        <div class="field"><label for="wh-user">Acts as user id</label><input id="wh-user" name="user_id" type="number" min="1" required value=${session.user.id} /></div>
        <div class="field"><label for="wh-title">Title</label><input id="wh-title" name="title" maxlength="200" placeholder="What it is for" /></div>
      </div>
      <${ScopeBoxes} scopes=${session.scopes} name="scope" legend="Scopes" checked=${['im']} />
      <button class="primary" type="submit">Create webhook</button>
    </form>
    <${ErrorText} error=${problem || error} />
    ${created && html`<${Secret} label=${`Webhook ${created.id} URL`} value=${created.url} />`}
    ${data && (active.length === 0 ? html`<p class="empty">No active incoming webhooks.</p>` : html`<table>
      <caption class="sr">Active incoming webhooks</caption>
      <thead><tr><th scope="col">Id</th><th scope="col">User</th><th scope="col">Title</th><th scope="col">Scopes</th><th scope="col">Created</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
      <tbody>${active.map((h) => html`<tr key=${h.id} data-webhook=${h.id}><td>${h.id}</td><td><a href=${`#/user/${h.user_id}`}>${h.user_id}</a></td><td>${h.title || html`<span class="muted">—</span>`}</td><td>${h.scopes.join(', ')}</td>
        <td>${formatTime(h.date_create * 1000, session.timezone)}</td><td><button type="button" class="danger" onClick=${() => revoke(h.id)}>Revoke<span class="sr"> webhook ${h.id}</span></button></td></tr>`)}</tbody>
    </table>`)}
  </section>`;
}

function Outgoing() {
  const [created, setCreated] = useState(null);
  const [problem, setProblem] = useState(null);
  const [tick, setTick] = useState(0);
  const { data, error } = useLive(() => api('GET', '/outgoing'), [tick], () => false);
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setProblem(null);
    try {
      setCreated(await api('POST', '/outgoing', { handler: form.get('handler'), title: form.get('title'), events: form.getAll('event') }));
      setTick((t) => t + 1);
    } catch (err) {
      setProblem(err);
    }
  };
  const remove = async (id) => {
    if (!confirm(`Delete outgoing webhook ${id}?`)) return;
    await api('DELETE', `/outgoing/${id}`).then(() => setTick((t) => t + 1), setProblem);
  };
  return html`<section aria-labelledby="out-title"><h2 id="out-title">Outgoing webhooks</h2>
    <form class="panel" onSubmit=${submit} aria-label="New outgoing webhook">
      <div class="row">
        <div class="field"><label for="out-handler">Handler URL</label><input id="out-handler" name="handler" type="url" required placeholder="https://example.com/hook" /></div>
        <div class="field"><label for="out-title-in">Title</label><input id="out-title-in" name="title" maxlength="200" /></div>
      </div>
      ${data && html`<${ScopeBoxes} scopes=${data.events} name="event" legend="Events" />`}
      <button class="primary" type="submit">Create outgoing webhook</button>
    </form>
    <${ErrorText} error=${problem || error} />
    ${created && html`<${Secret} label=${`Application token of outgoing webhook ${created.id}`} value=${created.application_token} />`}
    ${data && (data.hooks.length === 0 ? html`<p class="empty">No outgoing webhooks.</p>` : html`<table>
      <caption class="sr">Outgoing webhooks</caption>
      <thead><tr><th scope="col">Id</th><th scope="col">Handler</th><th scope="col">Events</th><th scope="col">Title</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
      <tbody>${data.hooks.map((h) => html`<tr key=${h.id}><td>${h.id}</td><td class="mono">${h.handler}</td><td>${h.events.join(', ')}</td><td>${h.title}</td>
        <td><button type="button" class="danger" onClick=${() => remove(h.id)}>Delete<span class="sr"> outgoing webhook ${h.id}</span></button></td></tr>`)}</tbody>
    </table>`)}
  </section>`;
}

function Applications({ session }) {
  const [created, setCreated] = useState(null);
  const [problem, setProblem] = useState(null);
  const [notice, setNotice] = useState('');
  const { data, error } = useLive(() => api('GET', '/apps'), [], isCredentialChange);
  const submit = async (e) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setProblem(null);
    try {
      setCreated(await api('POST', '/apps', { name: form.get('name'), redirect_uri: form.get('redirect_uri'), scopes: form.getAll('app-scope') }));
    } catch (err) {
      setProblem(err);
    }
  };
  const act = async (what, clientId) => {
    setProblem(null);
    setNotice('');
    try {
      if (what === 'delete') {
        if (!confirm(`Delete application ${clientId}? Its tokens stop working.`)) return;
        await api('DELETE', `/apps/${encodeURIComponent(clientId)}`);
      } else {
        await api('POST', `/apps/${encodeURIComponent(clientId)}/${what}`, {});
        setNotice(`${clientId}: ${what === 'install' ? 'installed' : 'uninstalled'}`);
      }
    } catch (err) {
      setProblem(err);
    }
  };
  return html`<section aria-labelledby="apps-title"><h2 id="apps-title">OAuth applications</h2>
    <form class="panel" onSubmit=${submit} aria-label="New OAuth application">
      <div class="row">
        <div class="field"><label for="app-name">Name</label><input id="app-name" name="name" required maxlength="200" /></div>
        <div class="field"><label for="app-redirect">Redirect URI (optional)</label><input id="app-redirect" name="redirect_uri" type="url" placeholder="https://example.com/callback" /></div>
      </div>
      <${ScopeBoxes} scopes=${session.scopes} name="app-scope" legend="Scopes" checked=${['im']} />
      <button class="primary" type="submit">Create application</button>
    </form>
    <${ErrorText} error=${problem || error} />
    ${notice && html`<p class="notice" role="status">${notice}</p>`}
    ${created && html`<${Secret} label=${`Client secret of ${created.name} (client_id ${created.client_id})`} value=${created.client_secret} />`}
    ${data && (data.apps.length === 0 ? html`<p class="empty">No OAuth applications.</p>` : html`<table>
      <caption class="sr">OAuth applications</caption>
      <thead><tr><th scope="col">Name</th><th scope="col">client_id</th><th scope="col">Scopes</th><th scope="col">Redirect URI</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
      <tbody>${data.apps.map((a) => html`<tr key=${a.id}><td>${a.name}</td><td class="mono">${a.client_id}</td><td>${a.scopes.join(', ')}</td><td class="mono">${a.redirect_uri || '—'}</td>
        <td class="row"><button type="button" onClick=${() => act('install', a.client_id)}>Install<span class="sr"> ${a.name}</span></button>
          <button type="button" onClick=${() => act('uninstall', a.client_id)}>Uninstall<span class="sr"> ${a.name}</span></button>
          <button type="button" class="danger" onClick=${() => act('delete', a.client_id)}>Delete<span class="sr"> ${a.name}</span></button></td></tr>`)}</tbody>
    </table>`)}
  </section>`;
}

export function CredentialsPage({ session }) {
  return html`<div><h1>Credentials</h1>
    <${Incoming} session=${session} />
    <${Outgoing} />
    <${Applications} session=${session} />
  </div>`;
}
