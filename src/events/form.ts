/**
 * The body of a delivery, as Bitrix24 sends it: `application/x-www-form-urlencoded` with PHP
 * bracket keys (`data[FIELDS][ID]=5`, `data[UF_DEPARTMENT][0]=1`), the encoding of PHP's
 * http_build_query, so `$_POST` on the handler sees the nested arrays.
 */
import qs from 'qs';

export const SECRET_KEYS = ['access_token', 'refresh_token', 'application_token'];

/** PHP arrays hold strings: booleans become 1/0 (http_build_query's choice), null is left out. */
function phpValues(value: unknown): unknown {
  if (value === true) return '1';
  if (value === false) return '0';
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(phpValues);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const converted = phpValues(v);
      if (converted !== undefined) out[k] = converted;
    }
    return out;
  }
  return value;
}

export function encodeForm(body: Record<string, unknown>): string {
  return qs.stringify(phpValues(body), { arrayFormat: 'indices', skipNulls: true, encodeValuesOnly: false });
}

/** The same body with every token replaced, for the delivery log. */
export function redactedForm(body: Record<string, unknown>): string {
  const auth = body.auth as Record<string, unknown> | undefined;
  if (!auth) return encodeForm(body);
  const hidden: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(auth)) hidden[k] = SECRET_KEYS.includes(k) ? '[redacted]' : v;
  return encodeForm({ ...body, auth: hidden });
}
