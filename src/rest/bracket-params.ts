/**
 * PHP bracket syntax (`ID[]=4&ID[]=5`, `FILTER[>ID]=10`, `cmd[key]=...`, `a[b][c]=1`) decoded in
 * one pass, in time linear in the text. `qs` with a large `arrayLimit` merges every pair into
 * the tree it has built so far, which made 20,000 `a[]=` pairs cost seconds before
 * authentication; here each pair walks only its own path.
 *
 * What comes out is what `qs` gave for the shapes clients send: `[]` and `0, 1, 2...` build lists,
 * other keys build objects, a repeated key collects its values in a list; a list that gets a
 * non-consecutive or named key becomes an object keyed as PHP would key it. Keys that would
 * touch `Object.prototype` (`__proto__`, `constructor`, ...) are dropped, as `qs` drops them.
 */
import { RestError } from './errors.js';
import type { Params } from './params.js';

export interface DecodeLimits {
  /** most parameters (leaf values) in one request */
  maxParams: number;
  /** most levels of nesting: `a=1` is 1, `a[b]=1` is 2 */
  maxDepth: number;
}

type Container = unknown[] | Record<string, unknown>;

/** The next integer key `[]` appends to an object, as PHP keeps it per array. */
const nextIndex = new WeakMap<object, number>();

const INDEX = /^(?:0|[1-9]\d{0,8})$/;

export function tooManyParams(limits: DecodeLimits): RestError {
  return new RestError('ERROR_ARGUMENT', `Too many parameters: at most ${limits.maxParams} values are accepted per request`);
}

export function tooDeep(limits: DecodeLimits): RestError {
  return new RestError('ERROR_ARGUMENT', `Parameters are nested too deeply: at most ${limits.maxDepth} levels are accepted`);
}

/** `+` as space, then percent-decoding; text that is not valid percent-encoding is kept as written (as qs does). */
function decodeComponent(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** One `name=value` part of a form, decoded. */
function splitPair(part: string): [string, string] {
  // `a[b=c]=d`: the name ends at the first `]=`, as in qs
  const bracketEquals = part.indexOf(']=');
  const eq = bracketEquals >= 0 ? bracketEquals + 1 : part.indexOf('=');
  return eq < 0 ? [decodeComponent(part), ''] : [decodeComponent(part.slice(0, eq)), decodeComponent(part.slice(eq + 1))];
}

/** The non-empty `&`-separated parts of a form, decoded, one at a time. */
function* eachFormPair(text: string): Generator<[string, string]> {
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('&', from);
    if (to < 0) to = text.length;
    if (to > from) yield splitPair(text.slice(from, to));
    from = to + 1;
  }
}

/** Throws `tooManyParams` when the form has more non-empty parts than the limit; decodes nothing. */
function checkPairCount(text: string, limits: DecodeLimits): void {
  let count = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('&', from);
    if (to < 0) to = text.length;
    if (to > from && ++count > limits.maxParams) throw tooManyParams(limits);
    from = to + 1;
  }
}

/** `a=1&b[]=2` as decoded [name, value] pairs; empty parts are skipped. */
export function formPairs(text: string, limits: DecodeLimits): [string, string][] {
  checkPairCount(text, limits);
  return [...eachFormPair(text)];
}

/**
 * A name split into its path: `a[b][]` is ['a', 'b', '']. Text after the last `]` is ignored,
 * and a `[` without its `]` is part of the name. Null when the name is empty or names a
 * property of Object.prototype anywhere on its path.
 */
export function keyPath(name: string, limits: DecodeLimits): string[] | null {
  const open = name.indexOf('[');
  const path: string[] = [];
  if (open < 0 || name.indexOf(']', open) < 0) {
    path.push(name);
  } else {
    if (open > 0) path.push(name.slice(0, open));
    let at = open;
    while (at < name.length && name[at] === '[') {
      const close = name.indexOf(']', at + 1);
      if (close < 0) break;
      path.push(name.slice(at + 1, close));
      if (path.length > limits.maxDepth) throw tooDeep(limits);
      at = close + 1;
    }
  }
  if (path[0] === '' || path.some((segment) => segment in Object.prototype)) return null;
  return path;
}

const isContainer = (v: unknown): v is Container => v !== null && typeof v === 'object';

function read(container: Container, slot: string): unknown {
  return Array.isArray(container) ? container[Number(slot)] : Object.hasOwn(container, slot) ? container[slot] : undefined;
}

function write(container: Container, slot: string, value: unknown): void {
  if (Array.isArray(container)) container[Number(slot)] = value;
  else {
    container[slot] = value;
    if (INDEX.test(slot)) nextIndex.set(container, Math.max(nextIndex.get(container) ?? 0, Number(slot) + 1));
  }
}

function toObject(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  list.forEach((v, i) => (out[i] = v));
  nextIndex.set(out, list.length);
  return out;
}

/** Where `segment` lands in `container`, turning a list into an object when the key does not continue it. */
function resolve(container: Container, segment: string): [Container, string] {
  if (Array.isArray(container)) {
    if (segment === '') return [container, String(container.length)];
    if (INDEX.test(segment) && Number(segment) <= container.length) return [container, segment];
    return [toObject(container), segment];
  }
  if (segment === '') return [container, String(nextIndex.get(container) ?? 0)];
  return [container, segment];
}

/** A value written where one already is: the values collect in a list, as qs combines them. */
function assign(container: Container, slot: string, value: string): void {
  const existing = read(container, slot);
  if (existing === undefined) write(container, slot, value);
  else if (Array.isArray(existing)) existing.push(value);
  else if (isContainer(existing)) write(existing, String(nextIndex.get(existing) ?? 0), value);
  else write(container, slot, [existing, value]);
}

/** A parameter tree built one decoded [name, value] pair at a time. */
class ParamTree {
  readonly root: Record<string, unknown> = {};
  private count = 0;

  constructor(private readonly limits: DecodeLimits) {}

  /** Adds one pair; returns the work it took (the levels of its path, at least 1). */
  add(name: string, value: string): number {
    if (++this.count > this.limits.maxParams) throw tooManyParams(this.limits);
    const path = keyPath(name, this.limits);
    if (!path) return 1;
    let parent: Container = this.root;
    let slot = path[0]!;
    for (let i = 1; i < path.length; i++) {
      const segment = path[i]!;
      let child = read(parent, slot);
      if (!isContainer(child)) {
        const fresh: Container = segment === '' || INDEX.test(segment) ? [] : {};
        // a scalar given before a bracketed value stays, as the list's first element
        if (child !== undefined) write(fresh, '0', child);
        write(parent, slot, fresh);
        child = fresh;
      }
      const [container, next] = resolve(child as Container, segment);
      if (container !== child) write(parent, slot, container);
      parent = container;
      slot = next;
    }
    assign(parent, slot, value);
    return path.length;
  }
}

/** Decoded [name, value] pairs (form, query string, multipart fields) as one parameter tree. */
export function buildParams(pairs: Iterable<[string, string]>, limits: DecodeLimits): Params {
  const tree = new ParamTree(limits);
  for (const [name, value] of pairs) tree.add(name, value);
  return tree.root;
}

/**
 * How much tree building (path levels) runs between two turns of the event loop in
 * `buildParamsYielding`: a few milliseconds. A 1 MiB body of 31-level keys is 350,000 levels.
 */
const LEVELS_PER_TURN = 4096;

/**
 * `buildParams` for request bodies: the same tree, built in slices with the event loop served
 * between them, so that the largest body the limits allow (tens of milliseconds of work) does not
 * hold other requests for that long.
 */
export async function buildParamsYielding(pairs: Iterable<[string, string]>, limits: DecodeLimits): Promise<Params> {
  const tree = new ParamTree(limits);
  let work = 0;
  for (const [name, value] of pairs) {
    work += tree.add(name, value);
    if (work >= LEVELS_PER_TURN) {
      work = 0;
      await new Promise<void>((resume) => setImmediate(resume));
    }
  }
  return tree.root;
}

/** A query string or urlencoded body as parameters. */
export function decodeForm(text: string, limits: DecodeLimits): Params {
  if (!text) return {};
  return hasBrackets(text) ? buildParams(formPairs(text, limits), limits) : flatForm(text, limits);
}

/** Whether a name in the form could hold a bracket once decoded. */
const hasBrackets = (text: string) => text.includes('[') || /%5b/i.test(text);

/**
 * A form without brackets (`ID=4&AVATAR_HR=Y`, most batch commands): every name is a key of the
 * top level, which is what the tree makes of it, without paths and trees for each pair.
 */
function flatForm(text: string, limits: DecodeLimits): Params {
  const root: Record<string, unknown> = {};
  let count = 0;
  let from = 0;
  while (from <= text.length) {
    let to = text.indexOf('&', from);
    if (to < 0) to = text.length;
    if (to > from) {
      if (++count > limits.maxParams) throw tooManyParams(limits);
      const [name, value] = splitPair(text.slice(from, to));
      if (name !== '' && !(name in Object.prototype)) assign(root, name, value);
    }
    from = to + 1;
  }
  return root;
}

/** `decodeForm` for request bodies: the same parameters, built in slices (`buildParamsYielding`). */
export async function decodeFormYielding(text: string, limits: DecodeLimits): Promise<Params> {
  if (!text) return {};
  // too many pairs is refused before anything is decoded, as `formPairs` refuses it
  checkPairCount(text, limits);
  return buildParamsYielding(eachFormPair(text), limits);
}

/**
 * Throws unless `value` nests at most `maxDepth` levels and holds at most `maxParams` leaf values.
 * Iterative: a JSON body nested 200,000 levels deep must not overflow the stack here.
 */
export function checkShape(value: unknown, limits: DecodeLimits): void {
  const stack: [unknown, number][] = [[value, 0]];
  let leaves = 0;
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v !== null && typeof v === 'object') {
      if (depth + 1 > limits.maxDepth) throw tooDeep(limits);
      // pushed last to first, so that values are met in document order, as scanJsonShape meets them
      const children = Array.isArray(v) ? v : Object.values(v);
      for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
    } else if (++leaves > limits.maxParams) throw tooManyParams(limits);
  }
}
