// Small shared pieces: the html tag, avatars with a presence dot, formatting, hooks.
import { h } from '/_roster/console/vendor/preact.js';
import { useEffect, useRef, useState } from '/_roster/console/vendor/hooks.js';
import htm from '/_roster/console/vendor/htm.js';
import { onChange } from './api.js';

export const html = htm.bind(h);

export const fullName = (u) => u?.name || [u?.first_name, u?.last_name].filter(Boolean).join(' ') || `User ${u?.id}`;

export function initialsOf(u) {
  const parts = [u?.first_name, u?.last_name].filter(Boolean);
  const base = parts.length ? parts : String(u?.name || '?').split(/\s+/);
  return base.slice(0, 2).map((p) => [...p][0] || '').join('').toUpperCase() || '?';
}

/** Black or white, whichever reads better on the colour (at least 4.5:1 either way). */
function textOn(color) {
  const m = /^#?([0-9a-f]{6})$/i.exec(color || '');
  if (!m) return 'dark';
  const n = parseInt(m[1], 16);
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? 'light' : 'dark';
}

/** How far the server's clock (which the control plane may move) is from this browser's. */
let serverOffset = 0;
export const setServerTime = (ms) => {
  serverOffset = typeof ms === 'number' ? ms - Date.now() : 0;
};
export const serverNow = () => Date.now() + serverOffset;

/** The presence word for a user: the chosen status, or offline when not seen for 15 minutes. */
export function presenceOf(u) {
  if (!u) return 'offline';
  if (u.bot) return 'bot';
  const last = u.last_activity_date ? Date.parse(u.last_activity_date) : NaN;
  const recent = !Number.isNaN(last) && serverNow() - last < 15 * 60 * 1000;
  if (u.status && u.status !== 'online') return u.status;
  if (u.idle) return 'idle';
  return recent ? 'online' : 'offline';
}

export function Avatar({ user, big = false }) {
  const [failed, setFailed] = useState(false);
  const presence = presenceOf(user);
  const photo = user?.avatar && !failed;
  const color = user?.color || '#6e7781';
  // the user's colour through the CSSOM on every render: a style attribute would need 'unsafe-inline'
  const paint = (el) => {
    if (el) el.style.backgroundColor = color;
  };
  return html`<span class=${`avatar${big ? ' big' : ''}`} data-presence=${presence}>
    ${photo
      ? html`<img src=${user.avatar} alt="" loading="lazy" referrerpolicy="no-referrer" onError=${() => setFailed(true)} />`
      : html`<span ref=${paint} class=${`initials ${textOn(color)}`} aria-hidden="true">${initialsOf(user)}</span>`}
    <span class=${`dot ${presence}`} role="img" aria-label=${`presence: ${presence}`} title=${presence}></span>
  </span>`;
}

export function formatTime(value, timeZone) {
  if (!value) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleString('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
}

/** Runs `load` now, when `deps` change, and (debounced) on every change the feed reports that `affects` accepts. */
export function useLive(load, deps, affects = () => true) {
  const [state, setState] = useState({ loading: true, data: undefined, error: undefined });
  const latest = useRef(load);
  latest.current = load;
  const affectsRef = useRef(affects);
  affectsRef.current = affects;
  useEffect(() => {
    let alive = true;
    let timer;
    // loads can answer out of order: only the newest one started may set the state
    let started = 0;
    const run = () => {
      const mine = ++started;
      const current = () => alive && mine === started;
      latest
        .current()
        .then((data) => current() && setState({ loading: false, data, error: undefined }))
        .catch((error) => current() && setState((s) => ({ loading: false, data: s.data, error })));
    };
    setState((s) => ({ ...s, loading: true }));
    run();
    const stop = onChange((record) => {
      if (!affectsRef.current(record)) return;
      clearTimeout(timer);
      timer = setTimeout(run, 100);
    });
    return () => {
      alive = false;
      clearTimeout(timer);
      stop();
    };
  }, deps);
  return state;
}

export function ErrorText({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error.message || String(error)}</p>`;
}

export function Secret({ label, value }) {
  const [copied, setCopied] = useState('');
  const doCopy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied');
    } catch {
      setCopied('Select the text and copy it');
    }
  };
  return html`<div class="notice" role="status">
    <p><strong>${label}</strong> — shown once: copy it now, Roster keeps only a hash.</p>
    <div class="secret"><code data-secret>${value}</code><button type="button" onClick=${doCopy}>Copy</button><span aria-live="polite">${copied}</span></div>
  </div>`;
}
