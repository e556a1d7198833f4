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
  return (definition.grantedBy ?? [definition.scope]).some((s) => scopes.has(s));
}
