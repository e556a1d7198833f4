/**
 * A map keyed by ids or command keys that serialises like a PHP array through json_encode:
 * insertion order kept (a plain object would sort integer keys), `[]` when empty, and a JSON
 * list when the keys are exactly 0..n-1 in order (CONTRACT §2).
 */
export class WireMap<V = unknown> {
  private readonly entries = new Map<string, V>();

  static from<V>(pairs: Iterable<readonly [string | number, V]>): WireMap<V> {
    const map = new WireMap<V>();
    for (const [k, v] of pairs) map.set(k, v);
    return map;
  }

  set(key: string | number, value: V): this {
    this.entries.set(String(key), value);
    return this;
  }

  get(key: string | number): V | undefined {
    return this.entries.get(String(key));
  }

  has(key: string | number): boolean {
    return this.entries.has(String(key));
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The keys in order, without copying them out. */
  keyIterator(): IterableIterator<string> {
    return this.entries.keys();
  }

  pairs(): [string, V][] {
    return [...this.entries.entries()];
  }

  /** Whether PHP would call this array a list. */
  isList(): boolean {
    let i = 0;
    for (const key of this.entries.keys()) if (key !== String(i++)) return false;
    return true;
  }

  /** For JSON.stringify users that do not know the ordering rule: a list, or an object. */
  toJSON(): unknown {
    return this.isList() ? [...this.entries.values()] : Object.fromEntries(this.entries);
  }
}

/** Where a wire value that writes its own JSON writes it: an answer being written (src/http/json.ts). */
export interface JsonOut {
  /** JSON text */
  add(text: string): void;
  /** JSON as UTF-8 bytes */
  raw(bytes: Buffer): void;
  /** the digits of a non-negative safe integer */
  int(n: number): void;
}

/** How many decimal digits a non-negative integer has. */
export function digitCount(n: number): number {
  let digits = 1;
  for (let p = 10; p <= n; p *= 10) digits++;
  return digits;
}

/**
 * A wire value that writes its own JSON into the answer: serialized bytes (RawJson), or a
 * `time` block (src/rest/time.ts). Anything else that meets one (the XML transport,
 * JSON.stringify, batch references) sees the parsed value.
 */
export abstract class OwnJson {
  abstract writeJson(out: JsonOut): void;
  abstract value(): unknown;

  toJSON(): unknown {
    return this.value();
  }
}

/**
 * A wire value already serialized, as UTF-8 bytes (the read model's messenger user objects) or
 * as text: the JSON writer copies it as it is instead of stringifying the object and encoding
 * the text again on every request.
 */
export class RawJson extends OwnJson {
  constructor(readonly json: Buffer | string) {
    super();
  }

  writeJson(out: JsonOut): void {
    if (typeof this.json === 'string') out.add(this.json);
    else out.raw(this.json);
  }

  value(): unknown {
    return JSON.parse(typeof this.json === 'string' ? this.json : this.json.toString('utf8'));
  }
}
