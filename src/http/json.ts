import { RestError } from '../rest/errors.js';
import { RawJson, WireMap } from '../rest/wire-map.js';

/** The 413 for an answer over the size limit, before a string that large is ever built. */
export function answerTooLarge(maxBytes: number): RestError {
  return new RestError('ANSWER_TOO_LARGE', `The answer would be larger than ${maxBytes} bytes: ask for less per request`);
}

/**
 * JSON text for a response: JSON.stringify, except that WireMaps keep their key order (an
 * object would put integer keys first in ascending order) and RawJson is copied as it is. The pieces are counted as they are
 * made: past `maxChars` it throws ANSWER_TOO_LARGE instead of going on towards V8's string
 * limit (a RangeError, once a 500).
 */
export function toJson(value: unknown, maxChars = Infinity): string {
  let size = 0;
  const piece = (text: string): string => {
    size += text.length;
    if (size > maxChars) throw answerTooLarge(maxChars);
    return text;
  };
  const walk = (v: unknown): string => {
    if (v instanceof RawJson) return piece(v.text);
    if (v instanceof WireMap) {
      if (v.isList()) return `[${v.pairs().map(([, x]) => walk(x)).join(',')}]`;
      return `{${v.pairs().map(([k, x]) => `${piece(JSON.stringify(k))}:${walk(x)}`).join(',')}}`;
    }
    // a list without WireMaps in one native call: 50 commands of 20,000 ids each, one piece per
    // id, held the event loop a quarter of a second (JSON.stringify writes undefined as null too)
    if (Array.isArray(v) && !containsWireMap(v)) return piece(JSON.stringify(v));
    if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : walk(x))).join(',')}]`;
    if (v !== null && typeof v === 'object' && !containsWireMap(v)) return piece(JSON.stringify(v));
    if (v !== null && typeof v === 'object') {
      const parts: string[] = [];
      for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${piece(JSON.stringify(k))}:${walk(x)}`);
      return `{${parts.join(',')}}`;
    }
    return piece(JSON.stringify(v) ?? 'null');
  };
  const text = walk(value);
  if (text.length > maxChars) throw answerTooLarge(maxChars);
  return text;
}

function containsWireMap(value: object): boolean {
  for (const v of Object.values(value)) {
    if (v instanceof WireMap || v instanceof RawJson) return true;
    if (v !== null && typeof v === 'object' && containsWireMap(v)) return true;
  }
  return false;
}
