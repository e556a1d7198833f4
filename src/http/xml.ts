import { WireMap } from '../rest/wire-map.js';

/** The `.xml` transport: `<response>` with the same data, list items as `<item>`. */
function escape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

function tagFor(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) && !/^xml/i.test(key) ? key : 'item';
}

function encode(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value !== 'object') return escape(String(value));
  const entries = Array.isArray(value)
    ? value.map((v) => ['item', v] as const)
    : value instanceof WireMap
      ? value.pairs()
      : Object.entries(value);
  return entries.map(([k, v]) => {
    const tag = tagFor(String(k));
    return `<${tag}>${encode(v)}</${tag}>`;
  }).join('');
}

export function toXml(body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<response>${encode(body)}</response>\n`;
}
