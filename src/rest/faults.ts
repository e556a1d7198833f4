/**
 * Scripted failures (`POST /_roster/faults`, `--faults <file>`): rules that make matching REST
 * calls fail on purpose, so a client's `expired_token`, `QUERY_LIMIT_EXCEEDED`, timeout or
 * dropped-connection path can be tested against the real server instead of a mocked HTTP
 * library. A rule matches by method (name or `*`/`?` pattern) and optionally webhook, client_id
 * and user; it answers an error from the error table, any status with any error, added latency,
 * or a dropped connection; for the next `times` calls and/or with a seeded `probability`.
 *
 * Faults are checked after authentication and the request limit (a real refusal wins), once per
 * request, and inside `batch` once per command: a `batch` request itself is matched only by
 * rules naming `batch`, so `*` means every method call, wherever it was sent.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { Caller } from './context.js';
import { ERRORS, RestError, type ErrorCode } from './errors.js';

const METHOD_PATTERN = /^[A-Za-z0-9_.*?]{1,200}$/;

export const faultRuleSchema = z
  .object({
    method: z.string().regex(METHOD_PATTERN, 'must be a method name or a pattern of letters, digits, _ . * ?').default('*'),
    webhook: z.number().int().positive().optional(),
    client_id: z.string().min(1).max(200).optional(),
    user: z.number().int().positive().optional(),
    error: z.string().regex(/^[A-Za-z0-9_]{1,100}$/, 'must be an error code (letters, digits, _)').optional(),
    status: z.number().int().min(400).max(599).optional(),
    description: z.string().max(2000).optional(),
    latency_ms: z.number().int().min(0).max(600_000).optional(),
    drop: z.boolean().optional(),
    times: z.number().int().positive().optional(),
    probability: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
  })
  .strict();

/**
 * What the schema cannot say field by field. Read from the raw body, so that these problems are
 * listed beside the schema's own even when a field has the wrong type.
 */
function ruleProblems(raw: Record<string, unknown>): FaultProblem[] {
  const out: FaultProblem[] = [];
  const has = (k: string) => raw[k] !== undefined;
  if (!has('error') && !has('latency_ms') && raw.drop !== true) out.push({ path: 'error', message: 'a rule needs an action: error, latency_ms or drop' });
  if (raw.drop === true && has('error')) out.push({ path: 'drop', message: 'drop and error exclude each other' });
  if (typeof raw.error === 'string' && !has('status') && !(raw.error in ERRORS)) {
    out.push({ path: 'error', message: `"${raw.error}" is not in Roster's error table: give its status too` });
  }
  if (has('status') && !has('error')) out.push({ path: 'status', message: 'needs error' });
  if (has('description') && !has('error')) out.push({ path: 'description', message: 'needs error' });
  if (has('seed') && !has('probability')) out.push({ path: 'seed', message: 'only makes sense with probability' });
  return out;
}

export type FaultRule = z.output<typeof faultRuleSchema>;

export interface FaultProblem {
  path: string;
  message: string;
}

/** One rule, or a list of rules (`[...]` or `{"rules": [...]}`): every problem, with its path. */
export function parseFaultRules(body: unknown): { ok: true; rules: FaultRule[]; many: boolean } | { ok: false; problems: FaultProblem[] } {
  const many = Array.isArray(body) || (body !== null && typeof body === 'object' && 'rules' in body && Object.keys(body).length === 1);
  const list: unknown[] = Array.isArray(body) ? body : many ? ((body as { rules: unknown }).rules as unknown[]) : [body];
  if (!Array.isArray(list)) return { ok: false, problems: [{ path: 'rules', message: 'must be a list of rules' }] };
  const problems: FaultProblem[] = [];
  const rules: FaultRule[] = [];
  list.forEach((item, i) => {
    const at = (path: string) => (many ? `rules[${i}]${path === '(body)' ? '' : `.${path}`}` : path);
    const found: FaultProblem[] = [];
    const parsed = faultRuleSchema.safeParse(item);
    if (!parsed.success) found.push(...zodProblems(parsed.error));
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) found.push(...ruleProblems(item as Record<string, unknown>));
    if (parsed.success && found.length === 0) rules.push(parsed.data);
    problems.push(...found.map((p) => ({ path: at(p.path), message: p.message })));
  });
  if (many && list.length === 0) problems.push({ path: 'rules', message: 'must hold at least one rule' });
  return problems.length ? { ok: false, problems } : { ok: true, rules, many };
}

/** Zod's issues as {path, message}; an unknown key is named in the path. */
export function zodProblems(error: z.ZodError): FaultProblem[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ path: [...issue.path.map(String), k].join('.'), message: 'is not a known field' }));
    return [{ path: issue.path.map(String).join('.') || '(body)', message: issue.message }];
  });
}

/** A connection the fault says to drop: the HTTP layer destroys the socket without answering. */
export class DropConnection extends Error {
  constructor(readonly rule: number) {
    super('connection dropped by a fault rule');
  }
}

/** An error a rule injects: a table code, or any status with any code. */
export class InjectedError extends RestError {
  constructor(
    readonly rule: number,
    readonly wireCode: string,
    status: number,
    description: string,
  ) {
    super(wireCode in ERRORS ? (wireCode as ErrorCode) : 'INTERNAL_SERVER_ERROR', description);
    (this as { status: number }).status = status;
  }

  override toWire(): Record<string, unknown> {
    return { error: this.wireCode, error_description: this.description };
  }
}

export interface FaultHit {
  rule: number;
  action: 'error' | 'latency' | 'drop';
}

interface ActiveRule {
  id: number;
  rule: FaultRule;
  matcher: RegExp;
  random: () => number;
  /** calls the rule matched (whether or not its probability let it fire) */
  matched: number;
  fired: number;
}

/** mulberry32: a tiny seeded generator, so that `probability` with `seed` repeats run after run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.toLowerCase().replace(/[.]/g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export class Faults {
  private rules: ActiveRule[] = [];
  private lastId = 0;

  /** Adds rules (already validated); returns their ids. */
  add(rules: readonly FaultRule[]): number[] {
    return rules.map((rule) => {
      const id = ++this.lastId;
      this.rules.push({
        id,
        rule,
        matcher: globToRegExp(rule.method),
        random: seeded(rule.seed ?? Math.floor(Math.random() * 2 ** 31)),
        matched: 0,
        fired: 0,
      });
      return id;
    });
  }

  list() {
    return this.rules.map((r) => ({
      id: r.id,
      ...r.rule,
      matched: r.matched,
      fired: r.fired,
      ...(r.rule.times !== undefined ? { remaining: Math.max(0, r.rule.times - r.fired) } : {}),
    }));
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  get size(): number {
    return this.rules.length;
  }

  /**
   * The first rule that fires for this call, counted; rules used up by `times` stay listed (with
   * their counts) but fire no more.
   */
  pick(method: string, caller: Caller): ActiveRule | undefined {
    for (const r of this.rules) {
      if (r.rule.times !== undefined && r.fired >= r.rule.times) continue;
      if (method === 'batch' ? r.rule.method.toLowerCase() !== 'batch' : !r.matcher.test(method)) continue;
      const c = caller.credential;
      if (r.rule.webhook !== undefined && !(c.kind === 'webhook' && c.id === r.rule.webhook)) continue;
      if (r.rule.client_id !== undefined && c.application?.clientId !== r.rule.client_id) continue;
      if (r.rule.user !== undefined && caller.user.id !== r.rule.user) continue;
      r.matched++;
      if (r.rule.probability !== undefined && r.random() >= r.rule.probability) continue;
      r.fired++;
      return r;
    }
    return undefined;
  }
}

/**
 * Applies the rule that fires for this call, if any: waits its latency, then throws its error or
 * the drop. Returns what happened, for the journal and metrics; undefined when nothing fired.
 */
export async function applyFault(faults: Faults | undefined, method: string, caller: Caller): Promise<FaultHit | undefined> {
  if (!faults || faults.size === 0) return undefined;
  const active = faults.pick(method, caller);
  if (!active) return undefined;
  const { rule, id } = active;
  if (rule.latency_ms) await sleep(rule.latency_ms);
  if (rule.drop) throw new DropConnection(id);
  if (rule.error !== undefined) {
    const entry = (ERRORS as Record<string, { status: number; message: string }>)[rule.error];
    throw new InjectedError(id, rule.error, rule.status ?? entry!.status, rule.description ?? entry?.message ?? rule.error);
  }
  return { rule: id, action: 'latency' };
}

/** What a thrown fault was, for the journal and metrics. */
export function faultOf(error: unknown): FaultHit | undefined {
  if (error instanceof InjectedError) return { rule: error.rule, action: 'error' };
  if (error instanceof DropConnection) return { rule: error.rule, action: 'drop' };
  return undefined;
}
