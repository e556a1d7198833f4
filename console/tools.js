// Developer tools: the journal, faults and clock (the control plane's own routes, mounted under
// the console's sign-in at /control/_roster/...), event bindings and deliveries, and state.
import { useEffect, useState } from '/_roster/console/vendor/hooks.js';
import { api, API } from './api.js';
import { ErrorText, html, useLive } from './ui.js';

const C = '/control/_roster';

export function JournalPage() {
  const [rows, setRows] = useState([]);
  const [filter, setFilter] = useState({ method: '', status: '' });
  const [error, setError] = useState(null);
  const [state, setState] = useState('connecting');
  const [open, setOpen] = useState(null);
  useEffect(() => {
    setRows([]);
    const p = new URLSearchParams({ limit: '200' });
    if (filter.method) p.set('method', filter.method);
    if (filter.status) p.set('status', filter.status);
    // the journal's own event stream: the newest 200 calls, then each call as it is journaled
    // (a reconnecting EventSource resumes after the last one it got)
    const source = new EventSource(`${API}${C}/requests/stream?${p}`);
    source.onopen = () => {
      setState('on');
      setError(null);
    };
    source.onerror = () => {
      setState('reconnecting');
      // a refusal (a filter the server rejects, the journal off) closes it: say why
      if (source.readyState === EventSource.CLOSED) api('GET', `${C}/requests?${p}`).catch(setError);
    };
    source.onmessage = (event) => {
      const entry = JSON.parse(event.data);
      setRows((old) => [entry, ...old].slice(0, 500));
    };
    source.addEventListener('clear', () => setRows([]));
    return () => source.close();
  }, [filter.method, filter.status]);
  const clear = async () => {
    await api('DELETE', `${C}/requests`).catch(setError);
  };
  return html`<section aria-labelledby="journal-title"><h1 id="journal-title">Request journal</h1>
    <p class="muted">The last REST calls made to this server, newest first, streamed as they happen. Parameters are redacted as in <code>GET /_roster/requests</code>.${' '}
      <span class=${`live ${state === 'on' ? 'on' : ''}`} role="status">${state === 'on' ? 'Live' : state === 'reconnecting' ? 'Reconnecting…' : 'Connecting…'}</span></p>
    <form class="row panel" onSubmit=${(e) => e.preventDefault()}>
      <div class="field"><label for="j-method">Method</label><input id="j-method" value=${filter.method} placeholder="im.user.get" onChange=${(e) => setFilter({ ...filter, method: e.currentTarget.value.trim() })} /></div>
      <div class="field"><label for="j-status">HTTP status</label><input id="j-status" type="number" min="0" max="599" value=${filter.status} onChange=${(e) => setFilter({ ...filter, status: e.currentTarget.value })} /></div>
      <button type="button" onClick=${clear}>Clear the journal</button>
    </form>
    <${ErrorText} error=${error} />
    ${rows.length === 0 ? html`<p class="empty">No calls yet. Call a method (the API explorer, curl, your application) and it appears here.</p>` : html`<table data-journal>
      <caption class="sr">Journal entries</caption>
      <thead><tr><th scope="col">#</th><th scope="col">Time</th><th scope="col">Method</th><th scope="col">Credential</th><th scope="col">Status</th><th scope="col">ms</th><th scope="col"><span class="sr">Details</span></th></tr></thead>
      <tbody>${rows.map((r) => html`<tr key=${r.id} data-journal-row=${r.method}>
        <td>${r.id}</td><td>${r.time.slice(11, 23)}</td><td class="mono">${r.method}</td>
        <td class="mono">${r.credential ? `${r.credential.kind}:${r.credential.webhook ?? r.credential.client_id ?? ''}` : '—'}</td>
        <td>${r.status}${r.error ? ` ${r.error}` : ''}${r.fault ? html` <span class="badge">fault ${r.fault.rule}</span>` : null}</td><td>${r.duration_ms}</td>
        <td><button type="button" aria-expanded=${String(open === r.id)} onClick=${() => setOpen(open === r.id ? null : r.id)}>Details<span class="sr"> of call ${r.id}</span></button></td>
      </tr>${open === r.id ? html`<tr><td colspan="7"><pre tabindex="0" aria-label=${`Call ${r.id}`}>${JSON.stringify(r, null, 2)}</pre></td></tr>` : null}`)}</tbody>
    </table>`}
  </section>`;
}

export function FaultsPage() {
  const [tick, setTick] = useState(0);
  const [problem, setProblem] = useState(null);
  const { data, error } = useLive(() => api('GET', `${C}/faults`), [tick], () => false);
  useEffect(() => {
    // hits move with every call: refresh while the page is open
    const t = setInterval(() => setTick((x) => x + 1), 2000);
    return () => clearInterval(t);
  }, []);
  const add = async (e) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const rule = { method: f.get('method') || '*' };
    if (f.get('error')) rule.error = f.get('error');
    if (f.get('status')) rule.status = Number(f.get('status'));
    if (f.get('latency')) rule.latency_ms = Number(f.get('latency'));
    if (f.get('times')) rule.times = Number(f.get('times'));
    if (f.get('drop')) rule.drop = true;
    setProblem(null);
    try {
      await api('POST', `${C}/faults`, rule);
      setTick((x) => x + 1);
    } catch (err) {
      setProblem(err);
    }
  };
  const remove = async (id) => {
    await api('DELETE', `${C}/faults/${id}`).catch(setProblem);
    setTick((x) => x + 1);
  };
  const problems = problem?.body?.problems;
  return html`<section aria-labelledby="faults-title"><h1 id="faults-title">Faults</h1>
    <p class="muted">Scripted failures for REST calls (docs/CONTROL.md). The first rule that fires acts.</p>
    <form class="panel" onSubmit=${add} aria-label="New fault rule">
      <div class="row">
        <div class="field"><label for="f-method">Method or pattern</label><input id="f-method" name="method" placeholder="im.* or user.get" /></div>
        <div class="field"><label for="f-error">Error code</label><input id="f-error" name="error" placeholder="expired_token" /></div>
        <div class="field"><label for="f-status">HTTP status</label><input id="f-status" name="status" type="number" min="400" max="599" /></div>
        <div class="field"><label for="f-latency">Latency (ms)</label><input id="f-latency" name="latency" type="number" min="0" /></div>
        <div class="field"><label for="f-times">Times</label><input id="f-times" name="times" type="number" min="1" /></div>
        <label class="row"><input type="checkbox" name="drop" value="1" /> Drop the connection</label>
      </div>
      <p><button class="primary" type="submit">Add rule</button></p>
    </form>
    <${ErrorText} error=${problem || error} />
    ${problems && html`<ul class="error">${problems.map((p) => html`<li>${p.path}: ${p.message}</li>`)}</ul>`}
    ${data && (data.rules.length === 0 ? html`<p class="empty">No fault rules: every call runs normally.</p>` : html`<table>
      <caption class="sr">Fault rules</caption>
      <thead><tr><th scope="col">Id</th><th scope="col">Rule</th><th scope="col">Matched</th><th scope="col">Fired</th><th scope="col">Remaining</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
      <tbody>${data.rules.map((r) => html`<tr key=${r.id} data-fault=${r.id}><td>${r.id}</td><td class="mono">${JSON.stringify(r.rule ?? r)}</td><td>${r.matched ?? '—'}</td><td>${r.fired ?? '—'}</td><td>${r.remaining ?? '∞'}</td>
        <td><button type="button" class="danger" onClick=${() => remove(r.id)}>Remove<span class="sr"> rule ${r.id}</span></button></td></tr>`)}</tbody>
    </table>`)}
  </section>`;
}

export function ClockPage({ session }) {
  const [state, setState] = useState(null);
  const [problem, setProblem] = useState(null);
  const load = () => api('GET', `${C}/clock`).then(setState, setProblem);
  useEffect(() => {
    load();
    const t = setInterval(load, 1000);
    return () => clearInterval(t);
  }, []);
  const change = async (body) => {
    setProblem(null);
    try {
      setState(await api('POST', `${C}/clock`, body));
    } catch (err) {
      setProblem(err);
    }
  };
  const set = (e) => {
    e.preventDefault();
    const v = new FormData(e.currentTarget).get('at');
    if (v) change({ set: new Date(v).toISOString() });
  };
  return html`<section aria-labelledby="clock-title"><h1 id="clock-title">Clock</h1>
    <p class="muted">The server's clock: every time Roster reads or writes (expiry, presence, events) comes from it.</p>
    <${ErrorText} error=${problem} />
    ${state && html`<div class="panel"><dl class="facts">
      <dt>Now</dt><dd data-clock-now>${state.now}</dd>
      <dt>In ${session.timezone}</dt><dd>${new Date(state.now).toLocaleString('en-GB', { timeZone: session.timezone })}</dd>
      <dt>Frozen</dt><dd>${state.frozen ? 'yes' : 'no'}</dd>
      <dt>Offset</dt><dd>${Math.round(state.offset_ms / 1000)} s</dd></dl></div>`}
    <div class="panel">
      <p class="row">
        <button type="button" onClick=${() => change({ advance: 60 })}>+1 minute</button>
        <button type="button" onClick=${() => change({ advance: 3600 })}>+1 hour</button>
        <button type="button" onClick=${() => change({ advance: 86400 })}>+1 day</button>
        <button type="button" onClick=${() => change({ freeze: !state?.frozen })}>${state?.frozen ? 'Unfreeze' : 'Freeze'}</button>
        <button type="button" class="danger" onClick=${() => change({ reset: true })}>Back to real time</button>
      </p>
      <form class="row" onSubmit=${set}>
        <div class="field"><label for="clock-at">Set to (your local time)</label><input id="clock-at" name="at" type="datetime-local" step="1" /></div>
        <button type="submit">Set</button>
      </form>
    </div>
  </section>`;
}

export function EventsPage() {
  const [tick, setTick] = useState(0);
  const [open, setOpen] = useState(null);
  const [problem, setProblem] = useState(null);
  const { data, error } = useLive(
    async () => ({ bindings: (await api('GET', '/bindings')).bindings, deliveries: (await api('GET', '/deliveries')).deliveries }),
    [tick],
    () => true,
  );
  const redeliver = async (id) => {
    try {
      await api('POST', `/deliveries/${id}/redeliver`);
      setTimeout(() => setTick((t) => t + 1), 500);
    } catch (err) {
      setProblem(err);
    }
  };
  return html`<section aria-labelledby="events-title"><h1 id="events-title">Events</h1>
    <p class="row"><button type="button" onClick=${() => setTick((t) => t + 1)}>Refresh</button></p>
    <${ErrorText} error=${problem || error} />
    <h2>Bindings</h2>
    ${data && (data.bindings.length === 0 ? html`<p class="empty">No event bindings: applications bind with <code>event.bind</code>; outgoing webhooks are on the Credentials page.</p>` : html`<table>
      <caption class="sr">Event bindings</caption>
      <thead><tr><th scope="col">Id</th><th scope="col">Event</th><th scope="col">Owner</th><th scope="col">Handler</th><th scope="col">User</th></tr></thead>
      <tbody>${data.bindings.map((b) => html`<tr key=${b.id}><td>${b.id}</td><td class="mono">${b.event}</td>
        <td>${b.app_id !== null ? `application ${b.app_id}${b.app_status ? ` (${b.app_status})` : ''}` : `outgoing webhook ${b.hook_id}`}</td>
        <td class="mono">${b.offline ? 'offline' : b.handler}</td><td>${b.user_id || '—'}</td></tr>`)}</tbody></table>`)}
    <h2>Deliveries</h2>
    ${data && (data.deliveries.length === 0 ? html`<p class="empty">Nothing delivered yet.</p>` : html`<table>
      <caption class="sr">Delivery attempts</caption>
      <thead><tr><th scope="col">Delivery</th><th scope="col">At</th><th scope="col">Event</th><th scope="col">Handler</th><th scope="col">Outcome</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
      <tbody>${data.deliveries.slice().reverse().map((d) => html`<tr key=${d.id}><td>${d.delivery_id} (try ${d.attempt})</td><td>${d.at.slice(0, 19).replace('T', ' ')}</td><td class="mono">${d.event}</td><td class="mono">${d.handler}</td>
        <td>${d.status}${d.http_status ? ` · HTTP ${d.http_status}` : ''}${d.error ? ` · ${d.error}` : ''}</td>
        <td class="row"><button type="button" aria-expanded=${String(open === d.id)} onClick=${() => setOpen(open === d.id ? null : d.id)}>Body<span class="sr"> of attempt ${d.id}</span></button>
          <button type="button" onClick=${() => redeliver(d.delivery_id)}>Redeliver<span class="sr"> delivery ${d.delivery_id}</span></button></td>
      </tr>${open === d.id ? html`<tr><td colspan="6"><pre tabindex="0" aria-label=${`Attempt ${d.id}`}>${d.body}\n\n${d.response ?? ''}</pre></td></tr>` : null}`)}</tbody></table>`)}
  </section>`;
}

export function StatePage() {
  const [outcome, setOutcome] = useState(null);
  const [busy, setBusy] = useState(false);
  const upload = async (e) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const file = f.get('file');
    if (!file || !file.size) return setOutcome({ error: 'Choose a directory file (JSON) first.' });
    setBusy(true);
    const res = await api('POST', `/import?mode=${f.get('mode')}`, await file.text(), { raw: true });
    setBusy(false);
    setOutcome(res.status === 200 ? { ok: res.body.result } : { error: res.body?.error_description || `HTTP ${res.status}`, problems: res.body?.problems });
  };
  const reset = async () => {
    if (!confirm('Reset the directory to its seed? Every change since is lost; webhooks and applications stay.')) return;
    setBusy(true);
    const res = await api('POST', '/reset', {}, { raw: true });
    setBusy(false);
    setOutcome(res.status === 200 ? { ok: res.body.result, reset: true } : { error: res.body?.error_description || `HTTP ${res.status}` });
  };
  return html`<section aria-labelledby="state-title"><h1 id="state-title">State</h1>
    <div class="panel"><h2>Export</h2><p>The whole directory as a document (<code>roster export</code>), without password hashes.</p>
      <a class="button primary" href=${`${API}/export`} download>Download export</a></div>
    <form class="panel" onSubmit=${upload} aria-labelledby="import-title"><h2 id="import-title">Import</h2>
      <p>A directory document is checked first: any problem and nothing is written.</p>
      <div class="row">
        <div class="field"><label for="import-file">Directory file</label><input id="import-file" name="file" type="file" accept=".json,application/json" /></div>
        <div class="field"><label for="import-mode">Mode</label><select id="import-mode" name="mode"><option value="replace">Replace</option><option value="merge">Merge</option></select></div>
        <button class="primary" type="submit" disabled=${busy}>Import</button>
      </div>
    </form>
    <div class="panel"><h2>Reset</h2><p>Back to the seed this server started with (or an empty directory).</p>
      <button type="button" class="danger" onClick=${reset} disabled=${busy}>Reset the directory</button></div>
    <div aria-live="polite">
      ${outcome?.ok && html`<p class="notice" role="status">${outcome.reset ? 'Reset' : 'Imported'}: ${Object.entries(outcome.ok).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${v} ${k}`).join(', ')}.</p>`}
      ${outcome?.error && html`<div class="error" role="alert"><p>${outcome.error}</p>
        ${outcome.problems && html`<ul data-problems>${outcome.problems.map((p) => html`<li><code>${p.path}</code>: ${p.message} <span class="muted">(${p.code})</span></li>`)}</ul>`}</div>`}
    </div>
  </section>`;
}
