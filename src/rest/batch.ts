/**
 * `batch` (CONTRACT §8): up to 50 commands `method?query` in one request, run in order as the
 * caller, each through `invoke` so that every command passes the same scope check and
 * operating-time limit as a plain call. Earlier results can be referenced as
 * `$result[key][path...]` (also `$next`, `$total`, `$time`, `$error`), which is how the SDK
 * fast-paging helpers chain pages: `filter[>ID]=$result[cmd_0][49][ID]`.
 */
import { performance } from 'node:perf_hooks';
import { splitCommand } from './batch-command.js';
import { commandParams, decodeLimits, parseQueryString, type DecodeLimits } from './request-params.js';
import type { CallContext } from './context.js';
import { invoke, toRestError, type Invoked } from './dispatcher.js';
import { beforeCommand, DropConnection, noteCommand } from './observe.js';
import { argumentError, RestError } from './errors.js';
import type { MaybePromise } from './maybe-async.js';
import type { Params } from './params.js';
import type { MethodDefinition, MethodResult } from './registry.js';
import { nowSeconds, timeJson } from './time.js';
import { OwnJson, WireMap } from './wire-map.js';

/** Upstream's BATCH_MAX_LENGTH. */
export const BATCH_MAX_LENGTH = 50;

/** How long a batch runs commands before the event loop serves others (milliseconds). */
const BATCH_TURN_MS = 2;

export interface BatchResult {
  result: WireMap;
  result_error: WireMap;
  result_total: WireMap;
  result_next: WireMap;
  result_time: WireMap;
}

/** Reference kinds and the section of the batch result each one reads. */
const SECTIONS = {
  result: 'result',
  error: 'result_error',
  total: 'result_total',
  next: 'result_next',
  time: 'result_time',
} as const satisfies Record<string, keyof BatchResult>;

const REFERENCE = /\$(result|error|total|next|time)((?:\[[^[\]\s]*\])+)/gi;
const WHOLE_REFERENCE = /^\$(result|error|total|next|time)((?:\[[^[\]\s]*\])+)$/i;

/**
 * `halt`: 1, true, Y (also yes/on, any case, and JSON true or a non-zero number) stop the batch
 * at the first failed command; 0, false, N, empty or absent run every command. Upstream reads
 * it PHP-truthy, so there "N" and "false" mean on; here they mean what they say (CONTRACT §8).
 */
export function isHalt(value: unknown): boolean {
  if (value === true) return true;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (typeof value === 'string') return /^(1|true|y|yes|on)$/i.test(value.trim());
  return false;
}

/** A parameter by name in any case (`cmd` or `CMD`), as upstream reads batch's own parameters. */
function param(params: Params, name: string): unknown {
  if (name in params) return params[name];
  const key = Object.keys(params).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : params[key];
}

/** `cmd` as ordered [key, command] pairs: a list, a map (named or "0".."n"), or JSON text of either. */
export function readCommands(value: unknown): [string, unknown][] {
  let cmd = value;
  if (typeof cmd === 'string') {
    try {
      cmd = JSON.parse(cmd);
    } catch {
      throw argumentError('cmd', 'Parameter cmd must be a list or a map of "method?query" commands');
    }
  }
  if (Array.isArray(cmd)) return cmd.map((c, i) => [String(i), c]);
  if (cmd instanceof WireMap) return cmd.pairs();
  if (cmd !== null && typeof cmd === 'object') return Object.entries(cmd);
  throw argumentError('cmd', 'Parameter cmd must be a list or a map of "method?query" commands');
}

/** A reference that does not lead to a value: the command fails instead of running on a guess. */
class UnresolvedReference extends Error {}

/** The value a reference points at, walking its path through earlier results. */
export function resolveReference(out: BatchResult, kind: string, path: string): unknown {
  const keys = [...path.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!);
  const section = out[SECTIONS[kind.toLowerCase() as keyof typeof SECTIONS]];
  const reference = `$${kind}${path}`;
  const [first, ...rest] = keys;
  if (first === undefined || !section.has(first)) {
    throw new UnresolvedReference(`Reference ${reference} cannot be resolved: no earlier command "${first ?? ''}" has a ${kind}`);
  }
  let value: unknown = section.get(first);
  let walked = `$${kind}[${first}]`;
  for (const key of rest) {
    const next = child(value, key);
    if (next === undefined) throw new UnresolvedReference(`Reference ${reference} cannot be resolved: ${walked} has no [${key}]`);
    value = next.value;
    walked += `[${key}]`;
  }
  return value;
}

function child(value: unknown, key: string): { value: unknown } | undefined {
  // an object the read model serialized: references see into it like into any other
  if (value instanceof OwnJson) return child(value.value(), key);
  if (value instanceof WireMap) return value.has(key) ? { value: value.get(key) } : undefined;
  if (Array.isArray(value)) return /^\d+$/.test(key) && Number(key) < value.length ? { value: value[Number(key)] } : undefined;
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, key)) return { value: (value as Record<string, unknown>)[key] };
  return undefined;
}

/** Results as plain data, the way a method receives parameters (no WireMaps). */
function plain(value: unknown): unknown {
  if (value instanceof OwnJson) return value.value();
  if (value instanceof WireMap) {
    return value.isList() ? value.pairs().map(([, v]) => plain(v)) : Object.fromEntries(value.pairs().map(([k, v]) => [k, plain(v)]));
  }
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** How PHP puts a scalar into a string. */
function embed(value: unknown, reference: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '';
  if (value === null || value === undefined) return '';
  throw new UnresolvedReference(`Reference ${reference} is a list or a map and cannot be part of a longer text`);
}

/** Whether any text in the value could hold a reference: most commands' parameters hold none. */
function hasReference(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('$');
  if (value === null || typeof value !== 'object') return false;
  for (const k in value) if (hasReference((value as Record<string, unknown>)[k])) return true;
  return false;
}

/**
 * Replaces references in parameter values: a value that is exactly one reference becomes the
 * referenced value whatever its type; references inside longer text become its text.
 */
export function substitute(value: unknown, out: BatchResult): unknown {
  if (typeof value === 'string') {
    if (!value.includes('$')) return value;
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole) return plain(resolveReference(out, whole[1]!, whole[2]!));
    return value.replace(REFERENCE, (text, kind: string, path: string) => embed(resolveReference(out, kind, path), text));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, out));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, out)]));
  }
  return value;
}

/** A command as it is read and run: what the journal records of it, and when it started. */
interface SeenCommand {
  method: string;
  params: Params;
  /** the command's text, when its parameters are what the text alone gives (no references) */
  text?: string;
  started: number;
  processStarted: number;
}

/** Reads one command and runs it: a promise only when something waited. */
function runCommand(ctx: CallContext, text: unknown, out: BatchResult, limits: DecodeLimits, seen: SeenCommand): MaybePromise<Invoked> {
  if (typeof text !== 'string') throw argumentError('cmd', 'Each command must be a string "method?query"');
  const { method, query } = splitCommand(text);
  seen.method = method;
  if (method.toLowerCase() === 'batch') throw new RestError('ERROR_BATCH_METHOD_NOT_ALLOWED');
  const definition = ctx.app.registry.get(method);
  if (!definition) throw new RestError('ERROR_METHOD_NOT_FOUND');
  if (definition.batch === false) throw new RestError('ERROR_BATCH_METHOD_NOT_ALLOWED');
  let params = parseQueryString(query, limits);
  if (hasReference(params)) {
    try {
      params = substitute(params, out) as Params;
    } catch (error) {
      if (error instanceof UnresolvedReference) throw new RestError('ERROR_ARGUMENT', error.message);
      throw error;
    }
  } else {
    seen.text = text;
  }
  // a command runs as the batch's caller: its own auth keys and client telemetry are dropped
  params = commandParams(params);
  seen.params = params;
  const fault = beforeCommand(ctx.app, ctx.trace, ctx.caller, definition.name); // control plane: scripted faults
  if (fault) return fault.then(() => invokeCommand(ctx, definition, params, seen));
  return invokeCommand(ctx, definition, params, seen);
}

function invokeCommand(ctx: CallContext, definition: MethodDefinition, params: Params, seen: SeenCommand): MaybePromise<Invoked> {
  seen.processStarted = nowSeconds();
  return invoke(ctx.app, ctx.caller, definition, params, { baseUrl: ctx.baseUrl, requestId: ctx.requestId, budget: ctx.budget, trace: ctx.trace });
}

/** Files a command's outcome under its key in the batch's sections. */
function file(out: BatchResult, key: string, outcome: Invoked, seen: SeenCommand, timeZone: string): void {
  const finished = nowSeconds();
  out.result.set(key, outcome.result);
  if (outcome.total !== undefined) out.result_total.set(key, outcome.total);
  if (outcome.next !== undefined) out.result_next.set(key, outcome.next);
  out.result_time.set(key, timeJson({ started: seen.started, processStarted: seen.processStarted, processFinished: finished }, timeZone, outcome.operating, finished));
}

export function emptyBatchResult(): BatchResult {
  return { result: new WireMap(), result_error: new WireMap(), result_total: new WireMap(), result_next: new WireMap(), result_time: new WireMap() };
}

/** Runs the batch; the five sections keep command order and serialise as PHP arrays do. */
export async function runBatch(ctx: CallContext, params: Params): Promise<MethodResult> {
  const commands = readCommands(param(params, 'cmd') ?? []);
  const halt = isHalt(param(params, 'halt'));
  const out = emptyBatchResult();
  const limits = decodeLimits(ctx.app.config);
  let turnStarted = performance.now();
  for (let index = 0; index < commands.length; index++) {
    const [key, text] = commands[index]!;
    if (index >= BATCH_MAX_LENGTH) {
      const tooMany = new RestError('ERROR_BATCH_LENGTH_EXCEEDED');
      noteCommand(ctx.app, ctx.trace, key, { method: typeof text === 'string' ? splitCommand(text).method : '', params: {} }, tooMany);
      out.result_error.set(key, tooMany.toWire());
      if (halt) break;
      continue;
    }
    // other requests get their turn between commands: a batch holds the event loop for at most
    // one command past BATCH_TURN_MS (a turn per command cost more than a short command itself)
    if (performance.now() - turnStarted >= BATCH_TURN_MS) {
      await new Promise<void>((resume) => setImmediate(resume));
      turnStarted = performance.now();
    }
    const seen: SeenCommand = { method: '', params: {}, started: nowSeconds(), processStarted: 0 };
    try {
      const running = runCommand(ctx, text, out, limits, seen);
      file(out, key, running instanceof Promise ? await running : running, seen, ctx.app.config.timezone);
      noteCommand(ctx.app, ctx.trace, key, seen);
    } catch (error) {
      if (error instanceof DropConnection) throw error; // the whole connection goes
      const restError = toRestError(ctx.app, error, ctx.requestId ?? '');
      noteCommand(ctx.app, ctx.trace, key, seen, restError);
      out.result_error.set(key, restError.toWire());
      if (halt) break;
    }
  }
  return { result: out };
}

export const batchMethod: MethodDefinition = {
  name: 'batch',
  scope: 'basic',
  list: 'none',
  batch: false,
  summary: 'Runs up to 50 methods in one request, in order, as the caller; later commands can reference earlier results',
  differences: [
    '`halt` = `N` or `false` means off (upstream reads it PHP-truthy, so they mean on)',
    'a `$result[...]` reference that does not resolve fails its command with ERROR_ARGUMENT instead of passing the part it reached',
    'a non-string command gets ERROR_ARGUMENT instead of being skipped silently',
  ],
  params: [
    {
      name: 'cmd',
      type: 'object',
      required: true,
      description: 'The commands, at most 50: a map of key to "method?query" (PHP bracket query), or a list; `$result[key][...]`, `$next[key]`, `$total[key]` refer to earlier commands. Read in any letter case.',
      example: { me: 'user.current', colleagues: 'im.department.colleagues.list?LIMIT=5' },
    },
    { name: 'halt', type: 'bool', description: 'Stop at the first failed command (1/0, true/false, Y/N); read in any letter case', example: 0 },
  ],
  handler: runBatch,
};
