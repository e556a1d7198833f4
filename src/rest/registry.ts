import type { CallContext } from './context.js';
import type { Params } from './params.js';
import type { Scope } from './scopes.js';

/** What a handler returns: the `result`, and for list methods `total` and `next`. */
export interface MethodResult {
  result: unknown;
  total?: number;
  next?: number;
}

/**
 * How a method pages: `none`; `standard` (pages of 50 by `start`, `start=-1` without total);
 * `offset` (the im style OFFSET/LIMIT, default 10, at most 50, `start` overriding OFFSET).
 */
export type ListStyle = 'none' | 'standard' | 'offset';

/**
 * The kind of value a parameter takes, as the console's API explorer asks for it and
 * docs/COMPATIBILITY.md names it: `int[]` and `string[]` are lists (an array, a bracket array
 * `ID[]=4&ID[]=5`, or what the method's own reader accepts); `Y/N` flags also take JSON true;
 * `bool` takes true/false, Y/N, 1/0; `enum` one of `values`; `object` a map (`FILTER[>ID]=10`).
 */
export type ParamType = 'int' | 'int[]' | 'string' | 'string[]' | 'Y/N' | 'bool' | 'enum' | 'object';

/** How docs/COMPATIBILITY.md and the API explorer name each type. */
export const PARAM_TYPE_LABELS: Readonly<Record<ParamType, string>> = {
  int: 'integer',
  'int[]': 'list of integers',
  string: 'string',
  'string[]': 'list of strings',
  'Y/N': 'Y/N',
  bool: 'true/false',
  enum: 'one of',
  object: 'object',
};

/** A parameter's type as a reader sees it: `one of a, b` for enums. */
export function paramTypeText(p: ParamSpec): string {
  return p.type === 'enum' ? `one of ${(p.values ?? []).map((v) => (v === '' ? '""' : v)).join(', ')}` : PARAM_TYPE_LABELS[p.type];
}

/**
 * One parameter a handler reads. test/http/method-params.test.ts calls every method over HTTP
 * and fails when a handler reads a parameter its definition does not list, or lists one it never
 * reads: the list cannot drift from the code silently.
 */
export interface ParamSpec {
  /** as the handler reads it: upper case for `upperParams` methods, else as written */
  name: string;
  /** other spellings the handler reads too (user.get: `filter` or `FILTER`) */
  aliases?: string[];
  type: ParamType;
  /** the call fails without it (some are required only in a case the description names) */
  required?: boolean;
  /** what it means, in one or two sentences */
  description: string;
  /** `enum`: the values */
  values?: string[];
  /** a value that works on the demo company: the explorer's example, and what the parameter test sends */
  example?: unknown;
}

/** OFFSET and LIMIT of the `offset` list style (readOffsetLimit in params.ts). */
export const OFFSET_LIMIT: readonly ParamSpec[] = [
  { name: 'OFFSET', type: 'int', description: 'Rows to skip (default 0); a positive `start` wins over it', example: 0 },
  { name: 'LIMIT', type: 'int', description: 'Rows per page: 10 by default, at most 50 (larger is clamped, below 1 means 10)', example: 10 },
];

/** `start`, read by the dispatcher before the handler: every list method takes it. */
const START: Record<Exclude<ListStyle, 'none'>, ParamSpec> = {
  standard: { name: 'start', type: 'int', description: 'Row to start the page of 50 at (0, 50, 100, ...); -1 is the fast mode without total and next', example: 0 },
  offset: { name: 'start', type: 'int', description: 'Like OFFSET (the standard paging parameter), and wins over it when positive', example: 0 },
};

/** The parameters a client may send the method: its own, and `start` for list methods. */
export function documentedParams(definition: MethodDefinition): ParamSpec[] {
  const own = [...definition.params];
  if (definition.list === 'none' || own.some((p) => p.name === 'start' || p.aliases?.includes('start'))) return own;
  return [...own, START[definition.list]];
}

export interface MethodDefinition {
  /** lower-case: names are matched case-insensitively */
  name: string;
  scope: Scope;
  /** scopes any one of which grants the method; defaults to `[scope]` */
  grantedBy?: string[];
  list: ListStyle;
  /** im.* handlers read their parameter keys upper-cased */
  upperParams?: boolean;
  /** false for methods that may not run inside `batch` */
  batch?: boolean;
  summary: string;
  /** where Roster deliberately differs from the upstream server (CONTRACT §9) */
  differences?: string[];
  /** the parameters the handler reads (an empty list when it reads none); `start` of list methods is implied */
  params: readonly ParamSpec[];
  handler: (ctx: CallContext, params: Params) => MethodResult | Promise<MethodResult>;
}

export class MethodRegistry {
  private readonly methods = new Map<string, MethodDefinition>();

  constructor(definitions: Iterable<MethodDefinition> = []) {
    for (const d of definitions) this.add(d);
  }

  add(definition: MethodDefinition): void {
    const name = definition.name.toLowerCase();
    if (this.methods.has(name)) throw new Error(`method ${name} is declared twice`);
    this.methods.set(name, { ...definition, name });
  }

  get(name: string): MethodDefinition | undefined {
    return this.methods.get(name.toLowerCase());
  }

  all(): MethodDefinition[] {
    return [...this.methods.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** Whether a credential holding `scopes` may call the method. */
export function scopeGrants(definition: MethodDefinition, scopes: ReadonlySet<string>): boolean {
  if (definition.scope === 'basic') return true;
  if (!definition.grantedBy) return scopes.has(definition.scope);
  for (const s of definition.grantedBy) if (scopes.has(s)) return true;
  return false;
}
