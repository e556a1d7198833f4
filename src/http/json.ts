import { WireMap } from '../rest/wire-map.js';

/**
 * JSON text for a response: JSON.stringify, except that WireMaps keep their key order (an
 * object would put integer keys first in ascending order).
 */
export function toJson(value: unknown): string {
  if (value instanceof WireMap) {
    if (value.isList()) return `[${value.pairs().map(([, v]) => toJson(v)).join(',')}]`;
    return `{${value.pairs().map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object' && !containsWireMap(value)) return JSON.stringify(value);
  if (value !== null && typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) if (v !== undefined) parts.push(`${JSON.stringify(k)}:${toJson(v)}`);
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function containsWireMap(value: object): boolean {
  for (const v of Object.values(value)) {
    if (v instanceof WireMap) return true;
    if (v !== null && typeof v === 'object' && containsWireMap(v)) return true;
  }
  return false;
}
