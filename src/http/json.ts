import { RestError } from '../rest/errors.js';
import { RawJson, WireMap } from '../rest/wire-map.js';

/** The 413 for an answer over the size limit, before a string that large is ever built. */
export function answerTooLarge(maxBytes: number): RestError {
  return new RestError('ANSWER_TOO_LARGE', `The answer would be larger than ${maxBytes} bytes: ask for less per request`);
}

/**
 * How much the writer produces between two turns of the event loop when writing in slices:
 * about a millisecond of work, so that a 5 MiB answer does not hold every other request.
 */
const SLICE_BYTES = 256 * 1024;

/** Text is gathered in one string up to this many characters before it is counted and set aside. */
const RUN_CHARS = 64 * 1024;

/**
 * JSON for a response, as UTF-8: JSON.stringify, except that WireMaps keep their key order (an
 * object would put integer keys first in ascending order) and RawJson is copied as it is. The
 * pieces are counted as they are made: past `maxBytes` it throws ANSWER_TOO_LARGE instead of
 * going on towards V8's string limit (a RangeError, once a 500).
 */
export function toJsonBytes(value: unknown, maxBytes = Infinity): Buffer {
  const out = new Pieces(maxBytes, Infinity);
  const steps = write(value, out);
  while (!steps.next().done);
  return out.bytes();
}

/** The same as text. */
export function toJson(value: unknown, maxBytes = Infinity): string {
  return toJsonBytes(value, maxBytes).toString('utf8');
}

/**
 * The same bytes, with the event loop served every SLICE_BYTES: what the server answers with.
 * Small answers are written in one go; the slices cost nothing until one is full.
 */
export async function toJsonSliced(value: unknown, maxBytes = Infinity): Promise<Buffer> {
  const out = new Pieces(maxBytes, SLICE_BYTES);
  const steps = write(value, out);
  while (!steps.next().done) await new Promise<void>((resolve) => setImmediate(resolve));
  return out.bytes();
}

/** The answer being written: runs of text, and the bytes of RawJson between them. */
class Pieces {
  private readonly parts: (string | Buffer)[] = [];
  private run = '';
  private size = 0;
  private nextSlice: number;

  constructor(
    private readonly maxBytes: number,
    private readonly slice: number,
  ) {
    this.nextSlice = slice;
  }

  add(text: string): void {
    this.run += text;
    if (this.run.length >= RUN_CHARS) this.endRun();
  }

  raw(bytes: Buffer): void {
    this.endRun();
    this.count(bytes.length);
    this.parts.push(bytes);
  }

  /** Whether a slice is full: the writer then yields. */
  full(): boolean {
    if (this.size + this.run.length < this.nextSlice) return false;
    this.endRun();
    this.nextSlice = this.size + this.slice;
    return true;
  }

  bytes(): Buffer {
    this.endRun();
    const buffer = Buffer.allocUnsafe(this.size);
    let at = 0;
    for (const p of this.parts) at += typeof p === 'string' ? buffer.write(p, at) : p.copy(buffer, at);
    return buffer;
  }

  private endRun(): void {
    if (!this.run) return;
    this.count(Buffer.byteLength(this.run));
    this.parts.push(this.run);
    this.run = '';
  }

  private count(bytes: number): void {
    this.size += bytes;
    if (this.size > this.maxBytes) throw answerTooLarge(this.maxBytes);
  }
}

/** Integer keys (ids, command numbers) need no escaping: most keys are. */
const key = (k: string) => (/^\d{1,15}$/.test(k) ? `"${k}":` : `${JSON.stringify(k)}:`);

/** Writes `v` into `out`, yielding whenever a slice is full. Containers recurse; leaves are written in place. */
function* write(v: unknown, out: Pieces): Generator<void, void, void> {
  if (v instanceof RawJson) return out.raw(v.bytes);
  if (v instanceof WireMap) {
    const list = v.isList();
    out.add(list ? '[' : '{');
    let first = true;
    for (const [k, x] of v.pairs()) {
      if (!first) out.add(',');
      first = false;
      if (!list) out.add(key(k));
      if (x instanceof RawJson) out.raw(x.bytes);
      else yield* write(x, out);
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
      if (i) out.add(',');
      if (v[i] === undefined) out.add('null');
      else yield* write(v[i], out);
      if (out.full()) yield;
    }
    return out.add(']');
  }
  out.add('{');
  let first = true;
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined) continue;
    if (!first) out.add(',');
    first = false;
    out.add(key(k));
    yield* write(x, out);
    if (out.full()) yield;
  }
  out.add('}');
}

function containsWireMap(value: object): boolean {
  for (const v of Object.values(value)) {
    if (v instanceof WireMap || v instanceof RawJson) return true;
    if (v !== null && typeof v === 'object' && containsWireMap(v)) return true;
  }
  return false;
}
