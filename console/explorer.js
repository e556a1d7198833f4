// API explorer: any registered method, called as a webhook against the real REST endpoint,
// with the request as curl and the answer. The webhook URL lives only in this page's memory.
import { useEffect, useMemo, useState } from '/_roster/console/vendor/hooks.js';
import { api, copy } from './api.js';
import { ErrorText, html } from './ui.js';

let rememberedHook = '';
const shellQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

export function ExplorerPage({ session }) {
  const [methods, setMethods] = useState(null);
  const [error, setError] = useState(null);
  const [filter, setFilter] = useState('');
  const [name, setName] = useState('im.user.get');
  const [params, setParams] = useState('{\n  "ID": 1\n}');
  const [hook, setHook] = useState(rememberedHook);
  const [answer, setAnswer] = useState(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState('');
  useEffect(() => {
    api('GET', '/methods').then((m) => setMethods(m.methods), setError);
  }, []);
  const method = methods?.find((m) => m.name === name);
  const shown = useMemo(() => (methods || []).filter((m) => m.name.includes(filter.trim().toLowerCase())), [methods, filter]);
  let parsed;
  let parseError = '';
  try {
    parsed = params.trim() ? JSON.parse(params) : {};
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) parseError = 'Parameters must be a JSON object';
  } catch (e) {
    parseError = `Parameters are not valid JSON: ${e.message}`;
  }
  const base = hook.trim().replace(/\/?$/, '/');
  const url = `${base}${name}`;
  const curl = `curl -X POST -H 'Content-Type: application/json' -d ${shellQuote(JSON.stringify(parsed ?? {}))} ${shellQuote(url)}`;
  const makeHook = async () => {
    setError(null);
    try {
      const made = await api('POST', '/webhooks', { user_id: session.user.id, title: 'API explorer', scopes: session.scopes });
      rememberedHook = made.url;
      setHook(made.url);
    } catch (err) {
      setError(err);
    }
  };
  const send = async (e) => {
    e.preventDefault();
    if (parseError || !hook.trim()) return;
    rememberedHook = hook.trim();
    setBusy(true);
    const started = performance.now();
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(parsed), credentials: 'omit' });
      const text = await res.text();
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON: as it came
      }
      setAnswer({ status: res.status, text: pretty, ms: Math.round(performance.now() - started) });
    } catch (err) {
      setAnswer({ status: 0, text: String(err), ms: 0 });
    }
    setBusy(false);
  };
  return html`<section aria-labelledby="ex-title"><h1 id="ex-title">API explorer</h1>
    <${ErrorText} error=${error} />
    <div class="grid2">
      <div class="panel">
        <div class="field"><label for="ex-filter">Find a method</label><input id="ex-filter" type="search" value=${filter} onInput=${(e) => setFilter(e.currentTarget.value)} placeholder="im.user" /></div>
        <div class="field"><label for="ex-method">Method</label>
          <select id="ex-method" size="12" value=${name} onChange=${(e) => setName(e.currentTarget.value)}>
            ${shown.map((m) => html`<option value=${m.name}>${m.name}</option>`)}
          </select></div>
      </div>
      <div class="panel">
        ${method ? html`<h2 class="mono">${method.name}</h2><p>${method.summary}</p>
          <dl class="facts"><dt>Scope</dt><dd>${method.granted_by.join(' or ')}</dd><dt>Paging</dt><dd>${method.list}</dd><dt>In batch</dt><dd>${method.batch ? 'yes' : 'no'}</dd></dl>
          ${method.differences.length ? html`<details><summary>Differences from Bitrix24 (${method.differences.length})</summary><ul>${method.differences.map((d) => html`<li>${d}</li>`)}</ul></details>` : null}` : html`<p class="empty">Pick a method.</p>`}
      </div>
    </div>
    <form class="panel" onSubmit=${send} aria-label="Call the method">
      <div class="field"><label for="ex-hook">Webhook URL</label>
        <div class="row"><input id="ex-hook" class="mono" value=${hook} onInput=${(e) => setHook(e.currentTarget.value)} placeholder="http://host/rest/1/secret/" autocomplete="off" spellcheck="false" size="60" />
          <button type="button" onClick=${makeHook}>Create one for me</button></div>
        <span class="muted">Paste a webhook URL (shown when it was created), or create one with every scope for yourself. It stays in this page only.</span></div>
      <div class="field"><label for="ex-params">Parameters (JSON)</label>
        <textarea id="ex-params" spellcheck="false" value=${params} onInput=${(e) => setParams(e.currentTarget.value)} aria-describedby=${parseError ? 'ex-parse' : undefined}></textarea>
        ${parseError && html`<span id="ex-parse" class="error">${parseError}</span>`}</div>
      <button class="primary" type="submit" disabled=${busy || !!parseError || !hook.trim()}>${busy ? 'Calling…' : 'Call'}</button>
    </form>
    ${hook.trim() && html`<div class="panel"><h2>Request</h2><pre tabindex="0" aria-label="curl command" data-curl>${curl}</pre>
      <button type="button" onClick=${async () => setCopied((await copy(curl)) ? 'Copied' : 'Copy failed')}>Copy curl</button> <span aria-live="polite">${copied}</span></div>`}
    ${answer && html`<div class="panel" aria-live="polite"><h2>Response <span class="badge">HTTP ${answer.status}</span> <span class="muted">${answer.ms} ms</span></h2>
      <pre tabindex="0" aria-label="Response" data-answer>${answer.text}</pre></div>`}
  </section>`;
}
