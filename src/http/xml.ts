import { OwnJson, WireMap } from '../rest/wire-map.js';

/**
 * Everything XML 1.0 forbids in a document (its `Char` production): C0 controls other than tab,
 * LF and CR, unpaired surrogates, U+FFFE and U+FFFF. Such characters are dropped, so that the
 * output always parses; with the `u` flag a lone surrogate is one code point outside the ranges.
 */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** The `.xml` transport: `<response>` with the same data, list items as `<item>`. */
function escape(text: string): string {
  return text.replace(NOT_XML_CHAR, '').replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A key as a tag name: ASCII names as they are (never a forbidden character), anything else `item`. */
function tagFor(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) && !/^xml/i.test(key) ? key : 'item';
}

function encode(value: unknown): string {
  if (value instanceof OwnJson) return encode(value.value());
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
