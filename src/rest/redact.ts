/**
 * Parameters as the request journal keeps them: every secret replaced by `[redacted]`, and the
 * whole bounded in size (a 1 MB body must not become 10,000 × 1 MB of journal).
 *
 * A secret is recognised three ways, so that one slipping past a rule is caught by another:
 * - by key: anything named like a secret, token, password or auth (`client_secret`, `PASSWORD`,
 *   `refresh_token`, `auth`, `Authorization`, `api_key`, ...);
 * - by value: the exact credentials of this request (webhook secret, access token), and the
 *   admin token, wherever they appear, even inside a longer text;
 * - by shape: anything shaped like a credential Roster issues (20 lower-case letters and digits:
 *   a webhook secret; 50: an access or refresh token, a client secret or an OAuth code), even
 *   under an unexpected parameter name.
 */

export const REDACTED = '[redacted]';

export const SECRET_KEY = /secret|passw|pwd|token|^auth|authori[sz]ation|credential|api_?key|private_?key|cookie|session/i;
// `key=value` inside a text (a batch command, a URL in a comment): the value of a secret key goes
const QUERY_PAIR = /(^|[?&;\s])([^=&?;\s]{1,200})=([^&;\s]*)/g;
// a run of exactly 20 or exactly 50 lower-case letters and digits, not part of a longer word
const CREDENTIAL_SHAPE = /(?<![A-Za-z0-9])(?:[a-z0-9]{50}|[a-z0-9]{20})(?![A-Za-z0-9])/g;
// every text a SECRET_KEY key can hide in, unanchored: a text without one (and without escapes) needs no pair-by-pair look
const SECRET_WORD = /secret|passw|pwd|token|auth|credential|api_?key|private_?key|cookie|session/i;

/** Limits on what one journal entry keeps. */
const MAX_STRING = 2000;
const MAX_ITEMS = 200;
const MAX_DEPTH = 8;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class Redactor {
  private readonly known: string[];
  /** `known`: exact secrets to hide wherever they appear (empty strings are ignored) */
  constructor(known: readonly (string | undefined)[] = []) {
    this.known = known.filter((s): s is string => typeof s === 'string' && s.length >= 8);
  }

  /**
   * Whether a form text (`a=1&b[c]=2`) may show one of the exact secrets this redactor hides once
   * decoded: when it holds one as written, or anything percent- or plus-encoded.
   */
  mayDecodeToKnown(text: string): boolean {
    if (text.includes('%') || text.includes('+')) return true;
    for (const secret of this.known) if (text.includes(secret)) return true;
    return false;
  }

  /**
   * `value` without secrets, bounded in size: the value itself when nothing in it changes (most
   * parameters; the journal turns them into JSON text at once), else a copy. A batch's fifty
   * commands copied into a new object took longer than writing them out as JSON.
   */
  value(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[nested too deep]';
    if (Array.isArray(value)) {
      const list: unknown[] = value;
      for (let i = 0; i < list.length && i < MAX_ITEMS; i++) {
        const v = this.value(list[i], depth + 1);
        if (v !== list[i]) return this.listFrom(list, i, v, depth);
      }
      return list.length > MAX_ITEMS ? this.listFrom(list, MAX_ITEMS, undefined, depth) : list;
    }
    const record = value as Record<string, unknown>;
    let n = 0;
    for (const key in record) {
      const v = record[key];
      if (n++ >= MAX_ITEMS || this.text(key) !== key || this.field(key, v, depth) !== v) return this.recordFrom(record, depth);
    }
    return record;
  }

  /** A copy of the list: items before `from` as they are, the one at `from` as redacted (`first`), the rest redacted. */
  private listFrom(list: unknown[], from: number, first: unknown, depth: number): unknown[] {
    const out = list.slice(0, Math.min(from, MAX_ITEMS));
    if (from < MAX_ITEMS) out.push(first);
    for (let i = from + 1; i < list.length && i < MAX_ITEMS; i++) out.push(this.value(list[i], depth + 1));
    if (list.length > MAX_ITEMS) out.push(`[${list.length - MAX_ITEMS} more]`);
    return out;
  }

  private recordFrom(record: Record<string, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let n = 0;
    for (const [key, v] of Object.entries(record)) {
      if (n++ >= MAX_ITEMS) {
        out['…'] = `[${Object.keys(record).length - MAX_ITEMS} more keys]`;
        break;
      }
      out[this.text(key)] = this.field(key, v, depth);
    }
    return out;
  }

  /** A value under `key`: all of it hidden when the key names a secret. */
  private field(key: string, v: unknown, depth: number): unknown {
    return SECRET_KEY.test(key) && v !== '' && v !== null && v !== undefined ? REDACTED : this.value(v, depth + 1);
  }

  text(s: string): string {
    let out = s;
    for (const secret of this.known) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    // the journal redacts every parameter of every call: the common short, plain text skips the regular expressions
    if (out.length >= 20) out = out.replace(CREDENTIAL_SHAPE, REDACTED);
    if (out.includes('=') && (out.includes('%') || SECRET_WORD.test(out))) {
      out = out.replace(QUERY_PAIR, (pair, lead: string, key: string, value: string) =>
        value !== '' && SECRET_KEY.test(safeDecode(key)) ? `${lead}${key}=${REDACTED}` : pair,
      );
    }
    return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…[${out.length - MAX_STRING} more characters]` : out;
  }
}
