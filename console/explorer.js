// API explorer: any registered method, called as a webhook against the real REST endpoint,
// with the request as curl and the answer. Each parameter the method reads (its registry entry's
// list, the one docs/COMPATIBILITY.md shows) gets a field of its own; anything else can be added
// as JSON. The webhook URL lives only in this page's memory.
import { useEffect, useMemo, useState } from '/_roster/console/vendor/hooks.js';
import { api, copy } from './api.js';
import { ErrorText, html } from './ui.js';

let rememberedHook = '';
const shellQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const CHOICES = { 'Y/N': ['Y', 'N'], bool: ['true', 'false'] };
/** The option that sends an empty string (an empty option means "not sent"). */
const EMPTY = '""';

/** A parameter's example as the text its field holds. */
function exampleText(p) {
  const x = p.example;
  if (x === undefined) return '';
  if (p.type === 'object') return JSON.stringify(x, null, 2);
  if (Array.isArray(x)) return x.join(', ');
  if (p.type === 'enum' && x === '') return EMPTY;
  return String(x);
}

/** The value a field's text sends: `{}` when it is empty (nothing sent), `{value}`, or `{error}`. */
function valueOf(p, text) {
  const t = text.trim();
  if (t === '') return {};
  switch (p.type) {
    case 'int':
      return /^-?\d+$/.test(t) ? { value: Number(t) } : { error: `${p.name} must be a whole number` };
    case 'int[]': {
      const items = t.split(/[\s,]+/).filter(Boolean);
      return items.every((i) => /^-?\d+$/.test(i)) ? { value: items.map(Number) } : { error: `${p.name} must be whole numbers separated by commas` };
    }
    case 'string[]':
      return { value: t.split(',').map((s) => s.trim()).filter(Boolean) };
    case 'bool':
      return { value: t === 'true' };
    case 'enum':
      return { value: t === EMPTY ? '' : t };
    case 'object':
      try {
        const v = JSON.parse(t);
        return v !== null && typeof v === 'object' ? { value: v } : { error: `${p.name} must be a JSON object or list` };
      } catch (e) {
        return { error: `${p.name} is not valid JSON: ${e.message}` };
      }
    default:
      return { value: text };
  }
}

function ParamField({ p, text, onText }) {
  const id = `ex-p-${p.name}`;
  const help = `${id}-help`;
  const set = (e) => onText(e.currentTarget.value);
  const choices = p.type === 'enum' ? p.values : CHOICES[p.type];
  let control;
  if (choices) {
    control = html`<select id=${id} value=${text} onChange=${set} aria-describedby=${help} aria-required=${p.required ? 'true' : undefined}>
      <option value="">(not sent)</option>
      ${choices.map((c) => html`<option value=${c === '' ? EMPTY : c}>${c === '' ? '(empty string)' : c}</option>`)}
    </select>`;
  } else if (p.type === 'object') {
    control = html`<textarea id=${id} class="small" spellcheck="false" value=${text} onInput=${set} aria-describedby=${help} aria-required=${p.required ? 'true' : undefined}></textarea>`;
  } else {
    control = html`<input id=${id} class="mono" value=${text} onInput=${set} inputmode=${p.type === 'int' ? 'numeric' : undefined}
      placeholder=${exampleText(p).split('\n')[0]} autocomplete="off" spellcheck="false" aria-describedby=${help} aria-required=${p.required ? 'true' : undefined} />`;
  }
  return html`<div class="field" data-param=${p.name}>
    <label for=${id}><code>${p.name}</code>${p.required ? html` <span class="badge">required</span>` : null}</label>
    ${control}
    <span id=${help} class="muted hint"><span class="type">${p.type_text}${p.aliases.length ? `, also ${p.aliases.join(', ')}` : ''}.</span> ${p.description}</span>
  </div>`;
}

export function ExplorerPage({ session }) {
  const [methods, setMethods] = useState(null);
  const [error, setError] = useState(null);
  const [filter, setFilter] = useState('');
  const [name, setName] = useState('im.user.get');
  const [texts, setTexts] = useState({ ID: '1' });
  const [extra, setExtra] = useState('');
  const [hook, setHook] = useState(rememberedHook);
  const [answer, setAnswer] = useState(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState('');
  useEffect(() => {
    api('GET', '/methods').then((m) => setMethods(m.methods), setError);
  }, []);
  const method = methods?.find((m) => m.name === name);
  const shown = useMemo(() => (methods || []).filter((m) => m.name.includes(filter.trim().toLowerCase())), [methods, filter]);
  const pick = (next) => {
    if (next === name) return;
    setName(next);
    setTexts({});
    setAnswer(null);
  };

  // the parameters sent: the JSON ones, then every filled-in field over them
  const problems = [];
  let params = {};
  if (extra.trim()) {
    try {
      const v = JSON.parse(extra);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) problems.push('More parameters must be a JSON object');
      else params = { ...v };
    } catch (e) {
      problems.push(`More parameters are not valid JSON: ${e.message}`);
    }
  }
  for (const p of method?.params || []) {
    const { value, error: problem } = valueOf(p, texts[p.name] ?? '');
    if (problem) problems.push(problem);
    else if (value !== undefined) params[p.name] = value;
  }
  const base = hook.trim().replace(/\/?$/, '/');
  const url = `${base}${name}`;
  const curl = `curl -X POST -H 'Content-Type: application/json' -d ${shellQuote(JSON.stringify(params))} ${shellQuote(url)}`;
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
  const example = () => setTexts(Object.fromEntries((method?.params || []).filter((p) => p.example !== undefined).map((p) => [p.name, exampleText(p)])));
  const send = async (e) => {
    e.preventDefault();
    if (problems.length || !hook.trim()) return;
    rememberedHook = hook.trim();
    setBusy(true);
    const started = performance.now();
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params), credentials: 'omit' });
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
          <select id="ex-method" size="12" value=${name} onChange=${(e) => pick(e.currentTarget.value)}>
            ${shown.map((m) => html`<option value=${m.name}>${m.name}</option>`)}
          </select></div>
      </div>
      <div class="panel">
        ${method ? html`<h2 class="mono">${method.name}</h2><p>${method.summary}</p>
          <dl class="facts"><dt>Scope</dt><dd>${method.granted_by.join(' or ')}</dd><dt>Paging</dt><dd>${method.list}</dd><dt>In batch</dt><dd>${method.batch ? 'yes' : 'no'}</dd>
            <dt>Parameters</dt><dd>${method.params.length ? method.params.map((p) => p.name).join(', ') : 'none'}</dd></dl>
          ${method.differences.length ? html`<details><summary>Differences from Bitrix24 (${method.differences.length})</summary><ul>${method.differences.map((d) => html`<li>${d}</li>`)}</ul></details>` : null}` : html`<p class="empty">Pick a method.</p>`}
      </div>
    </div>
    <form class="panel" onSubmit=${send} aria-label="Call the method">
      <div class="field"><label for="ex-hook">Webhook URL</label>
        <div class="row"><input id="ex-hook" class="mono" value=${hook} onInput=${(e) => setHook(e.currentTarget.value)} placeholder="http://host/rest/1/secret/" autocomplete="off" spellcheck="false" size="60" />
          <button type="button" onClick=${makeHook}>Create one for me</button></div>
        <span class="muted">Paste a webhook URL (shown when it was created), or create one with every scope for yourself. It stays in this page only.</span></div>
      ${method && html`<fieldset class="params" aria-describedby="ex-params-help">
        <legend>Parameters of <code>${method.name}</code></legend>
        <p id="ex-params-help" class="muted">An empty field is not sent.${method.params.some((p) => p.example !== undefined) ? ' ' : ''}
          ${method.params.some((p) => p.example !== undefined) ? html`<button type="button" class="link" onClick=${example}>Fill in an example</button>` : null}</p>
        ${method.params.length
          ? html`<div class="param-grid">${method.params.map((p) => html`<${ParamField} key=${`${method.name}:${p.name}`} p=${p} text=${texts[p.name] ?? ''} onText=${(t) => setTexts((old) => ({ ...old, [p.name]: t }))} />`)}</div>`
          : html`<p>This method reads no parameters.</p>`}
      </fieldset>`}
      <div class="field"><label for="ex-extra">More parameters (JSON)</label>
        <textarea id="ex-extra" class="small" spellcheck="false" value=${extra} onInput=${(e) => setExtra(e.currentTarget.value)} placeholder='{"FILTER": {">ID": 10}}' aria-describedby="ex-extra-help"></textarea>
        <span id="ex-extra-help" class="muted">Sent too; a field above wins over the same key here.</span></div>
      ${problems.length ? html`<ul id="ex-problems" class="error">${problems.map((p) => html`<li>${p}</li>`)}</ul>` : null}
      <button class="primary" type="submit" disabled=${busy || problems.length > 0 || !hook.trim()} aria-describedby=${problems.length ? 'ex-problems' : undefined}>${busy ? 'Calling…' : 'Call'}</button>
    </form>
    ${hook.trim() && html`<div class="panel"><h2>Request</h2><pre tabindex="0" aria-label="curl command" data-curl>${curl}</pre>
      <button type="button" onClick=${async () => setCopied((await copy(curl)) ? 'Copied' : 'Copy failed')}>Copy curl</button> <span aria-live="polite">${copied}</span></div>`}
    ${answer && html`<div class="panel" aria-live="polite"><h2>Response <span class="badge">HTTP ${answer.status}</span> <span class="muted">${answer.ms} ms</span></h2>
      <pre tabindex="0" aria-label="Response" data-answer>${answer.text}</pre></div>`}
  </section>`;
}
