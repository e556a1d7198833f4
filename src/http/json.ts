import { RestError } from '../rest/errors.js';
import { digitCount, OwnJson, WireMap, type JsonOut } from '../rest/wire-map.js';

/** The 413 for an answer over the size limit, before a string that large is ever built. */
export function answerTooLarge(maxBytes: number): RestError {
  return new RestError('ANSWER_TOO_LARGE', `The answer would be larger than ${maxBytes} bytes: ask for less per request`);
}

/**
 * How much the writer produces between two turns of the event loop when writing in slices:
 * about a millisecond of work, so that a 5 MiB answer does not hold every other request.
 */
const SLICE_BYTES = 256 * 1024;

/** Text up to this long is copied in by hand when it is ASCII: below it a native encoding call costs more than the text (about 2.5 ns a character against 100 ns a call). */
const SHORT_TEXT = 32;

/** The first buffer of an answer: most answers fit, larger ones double it as they grow. */
const FIRST_BYTES = 64 * 1024;

/** The largest buffer kept for later answers, and how many are kept. */
const KEPT_BYTES = 1024 * 1024;
const KEPT_BUFFERS = 16;

/**
 * Buffers answers are written into, each lent to one answer at a time and kept for the next.
 * Fresh memory for every answer had its pages faulted in as the answer was written or copied
 * (the C library hands freed blocks of this size back to the system): a third of a colleague
 * list's CPU under load, a fifth of a batch's.
 */
const kept: Buffer[] = [];

function lend(): Buffer {
  return kept.pop() ?? Buffer.allocUnsafeSlow(FIRST_BYTES);
}

function giveBack(buffer: Buffer): void {
  if (buffer.length <= KEPT_BYTES && kept.length < KEPT_BUFFERS) kept.push(buffer);
}

/**
 * JSON for a response, as UTF-8: JSON.stringify, except that WireMaps keep their key order (an
 * object would put integer keys first in ascending order) and OwnJson values write themselves. The
 * pieces are counted as they are made: past `maxBytes` it throws ANSWER_TOO_LARGE instead of
 * going on towards V8's string limit (a RangeError, once a 500).
 */
export function toJsonBytes(value: unknown, maxBytes = Infinity): Buffer {
  const out = new Pieces(maxBytes, Infinity);
  try {
    const steps = write(value, out);
    while (!steps.next().done);
    return Buffer.from(out.bytes());
  } finally {
    out.release();
  }
}

/** The same as text. */
export function toJson(value: unknown, maxBytes = Infinity): string {
  return toJsonBytes(value, maxBytes).toString('utf8');
}

/** An answer's bytes in a lent buffer: `release` once they are sent (a response's `close`), and not read after. */
export interface LentJson {
  bytes: Buffer;
  release(): void;
}

/**
 * The same bytes, with the event loop served every SLICE_BYTES: what the server answers with.
 * Small answers are written in one go; the slices cost nothing until one is full.
 */
export async function toJsonSliced(value: unknown, maxBytes = Infinity): Promise<LentJson> {
  const out = new Pieces(maxBytes, SLICE_BYTES);
  try {
    const steps = write(value, out);
    while (!steps.next().done) await new Promise<void>((resolve) => setImmediate(resolve));
  } catch (error) {
    out.release();
    throw error;
  }
  let released = false;
  return {
    bytes: out.bytes(),
    release: () => {
      if (!released) out.release();
      released = true;
    },
  };
}

/**
 * The answer being written, straight into one buffer: text is encoded into it as it comes and
 * the bytes of RawJson copied in, so nothing is held twice or walked again at the end. (Text
 * joined into a string first was a string and a concatenation per piece: a batch's answer is
 * several hundred pieces.)
 */
class Pieces implements JsonOut {
  private buffer = lend();
  private size = 0;
  private nextSlice: number;

  constructor(
    private readonly maxBytes: number,
    private readonly slice: number,
  ) {
    this.nextSlice = slice;
  }

  /** The buffer back for later answers. */
  release(): void {
    giveBack(this.buffer);
  }

  add(text: string): void {
    const length = text.length;
    // a UTF-16 unit is at most three bytes of UTF-8: counted exactly only when that might not fit
    if (this.size + length * 3 > this.buffer.length) this.reserve(Buffer.byteLength(text));
    if (length <= SHORT_TEXT && this.ascii(text)) return;
    this.size += this.buffer.write(text, this.size);
    if (this.size > this.maxBytes) throw answerTooLarge(this.maxBytes);
  }

  /** One ASCII character: JSON's punctuation. */
  char(code: number): void {
    this.reserve(1);
    this.buffer[this.size++] = code;
  }

  int(n: number): void {
    // digits straight into the buffer: printing a number makes a string, and when V8's cache of
    // printed numbers misses (a new operating time on every call) a slow one. The arithmetic is
    // on 32-bit integers: `%` of a double is a call into the C library
    if (n > 0x7fffffff) {
      const high = Math.floor(n / 1e9);
      this.int(high);
      return this.digits(n - high * 1e9, 9);
    }
    this.digits(n, digitCount(n));
  }

  /** The last `count` digits of a 32-bit integer, zeros in front. */
  private digits(n: number, count: number): void {
    this.reserve(count);
    const { buffer } = this;
    let at = this.size + count;
    let rest = n | 0;
    for (let i = 0; i < count; i++) {
      buffer[--at] = 0x30 + (rest % 10);
      rest = (rest / 10) | 0;
    }
    this.size += count;
  }

  /**
   * `"key":` for a key of letters, digits and `_.-` up to 40 long (ids, command keys: they need no
   * escaping), checked as it is copied; false (nothing written) for any other key.
   */
  plainKey(k: string): boolean {
    const length = k.length;
    if (length === 0 || length > 40) return false;
    this.reserve(length + 3);
    const { buffer } = this;
    let at = this.size;
    buffer[at++] = QUOTE;
    for (let i = 0; i < length; i++) {
      const c = k.charCodeAt(i);
      // 0-9 A-Z a-z _ . -
      if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c === 0x2d)) return false;
      buffer[at++] = c;
    }
    buffer[at++] = QUOTE;
    buffer[at++] = COLON;
    this.size = at;
    return true;
  }

  /** Copies a short text in when it is all ASCII; false (nothing written) when it is not. */
  private ascii(text: string): boolean {
    const { buffer } = this;
    let at = this.size;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) return false;
      buffer[at++] = c;
    }
    if (at > this.maxBytes) throw answerTooLarge(this.maxBytes);
    this.size = at;
    return true;
  }

  raw(bytes: Buffer): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.size);
    this.size += bytes.length;
  }

  /** Whether a slice is full: the writer then yields. */
  full(): boolean {
    if (this.size < this.nextSlice) return false;
    this.nextSlice = this.size + this.slice;
    return true;
  }

  /** The answer so far, in the lent buffer. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.size);
  }

  /** Room for `bytes` more, unless that takes the answer past the cap. */
  private reserve(bytes: number): void {
    const need = this.size + bytes;
    if (need > this.maxBytes) throw answerTooLarge(this.maxBytes);
    if (need <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(need, this.buffer.length * 2));
    grown.set(this.buffer.subarray(0, this.size));
    giveBack(this.buffer);
    this.buffer = grown;
  }
}

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;

/** A key and its colon. */
function writeKey(k: string, out: Pieces): void {
  if (!out.plainKey(k)) {
    out.add(JSON.stringify(k));
    out.char(COLON);
  }
}

/** Writes `v` into `out`, yielding whenever a slice is full. Containers recurse; leaves are written in place. */
function* write(v: unknown, out: Pieces): Generator<void, void, void> {
  if (v instanceof OwnJson) return v.writeJson(out);
  if (v instanceof WireMap) {
    const list = v.isList();
    out.add(list ? '[' : '{');
    let first = true;
    // keys and a lookup each: no [key, value] array per entry
    for (const k of v.keyIterator()) {
      if (!first) out.char(COMMA);
      first = false;
      if (!list) writeKey(k, out);
      const x = v.get(k);
      if (!leaf(x, out)) yield* write(x, out);
      if (out.full()) yield;
    }
    return out.add(list ? ']' : '}');
  }
  if (v === null || typeof v !== 'object' || !containsWireMap(v)) {
    // no WireMap below: one native call. 50 commands of 20,000 ids each, one piece per id, held
    // the event loop a quarter of a second (JSON.stringify writes undefined in lists as null too)
    return out.add(JSON.stringify(v) ?? 'null');
  }
  if (Array.isArray(v)) {
    out.add('[');
    for (let i = 0; i < v.length; i++) {
      if (i) out.char(COMMA);
      if (v[i] === undefined) out.add('null');
      else if (!leaf(v[i], out)) yield* write(v[i], out);
      if (out.full()) yield;
    }
    return out.add(']');
  }
  out.add('{');
  let first = true;
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    if (!first) out.char(COMMA);
    first = false;
    writeKey(k, out);
    if (!leaf(x, out)) yield* write(x, out);
    if (out.full()) yield;
  }
  out.add('}');
}

/**
 * Writes `v` at once when nothing below it needs the writer (serialized bytes, or no WireMap
 * inside): no generator for each of a batch's fifty time blocks. False when `v` must be walked.
 */
function leaf(v: unknown, out: Pieces): boolean {
  if (v instanceof OwnJson) {
    v.writeJson(out);
    return true;
  }
  if (v !== null && typeof v === 'object' && (v instanceof WireMap || containsWireMap(v))) return false;
  out.add(JSON.stringify(v) ?? 'null');
  return true;
}

function containsWireMap(value: object): boolean {
  // for...in, not Object.values: no array per object, and every batch command's time block passes here
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    if (v instanceof WireMap || v instanceof OwnJson) return true;
    if (v !== null && typeof v === 'object' && containsWireMap(v)) return true;
  }
  return false;
}
