// The console's calls: JSON to /_roster/console/api with the session's CSRF token on every
// request that changes something, and one change stream shared by every page.
export const API = '/_roster/console/api';

let csrf = '';
export const setCsrf = (token) => {
  csrf = token;
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error_description || body?.error || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

/** `api('GET', '/webhooks')`; a body is sent as JSON (or as is when it is a string or a Blob). */
export async function api(method, path, body, { raw = false } = {}) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  let payload;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = typeof body === 'string' || body instanceof Blob ? body : JSON.stringify(body);
  }
  const res = await fetch(API + path, { method, headers, body: payload, credentials: 'same-origin' });
  const text = await res.text();
  let data = text;
  try {
    data = JSON.parse(text);
  } catch {
    // keep the text
  }
  if (raw) return { status: res.status, body: data };
  if (res.status === 401 && data?.error === 'NOT_SIGNED_IN') window.dispatchEvent(new CustomEvent('roster:signed-out'));
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

/** A registered REST method as the signed-in administrator: `{result, total, next}`, or an ApiError. */
export const call = (method, params = {}, asUser) => api('POST', '/call', { method, params, ...(asUser ? { as_user: asUser } : {}) });

// ---- live changes: one EventSource, any number of listeners
const listeners = new Set();
let source;
let state = 'off';
const stateListeners = new Set();
const setState = (s) => {
  state = s;
  for (const l of stateListeners) l(s);
};
export const liveState = () => state;
export function onLiveState(fn) {
  stateListeners.add(fn);
  return () => stateListeners.delete(fn);
}

export function startLive() {
  if (source) return;
  source = new EventSource(`${API}/changes/stream`);
  source.onopen = () => setState('on');
  source.onerror = () => setState('reconnecting');
  source.onmessage = (event) => {
    let record;
    try {
      record = JSON.parse(event.data);
    } catch {
      return;
    }
    for (const l of listeners) l(record);
  };
  source.addEventListener('reset', () => {
    for (const l of listeners) l({ kind: 'directory.replaced', entity: null, fields: {} });
  });
}

export function stopLive() {
  source?.close();
  source = undefined;
  setState('off');
}

/** Calls `fn(record)` for every change; returns the function that stops it. */
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Copies text; true when the clipboard took it. */
export async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
