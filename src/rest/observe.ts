/**
 * The control plane's view of every REST call, kept out of the dispatcher's own logic: the
 * dispatcher wraps each request in `observeRequest` and calls `beforeInvoke` once the caller is
 * known; `batch` calls `beforeCommand` and `noteCommand` per command. From that one place come
 * the journal entry (journal.ts), the metrics (metrics.ts) and the scripted faults (faults.ts).
 *
 * The per-request state (a Trace) is handed along explicitly, in the call context: on Node 20 an
 * AsyncLocalStorage hooks every promise of every request, which cost a tenth of a batch's time.
 */
import { performance } from 'node:perf_hooks';
import { clock } from '../clock.js';
import type { App, Caller } from './context.js';
import { applyFault, DropConnection, faultOf, InjectedError, type FaultHit } from './faults.js';
import type { JournalCredential, NotedCommands } from './journal.js';
import { Redactor } from './redact.js';
import type { RestError } from './errors.js';
import type { Params } from './params.js';

export interface Trace {
  caller?: Caller;
  fault?: FaultHit;
  /** the fault that acted on the batch command now running */
  commandFault?: FaultHit;
  /** a batch's commands as they finished (with a journal) */
  commands?: NotedCommands;
  /** absent without a journal */
  redactor?: Redactor;
}

export interface ObservedRequest {
  method: string;
  params: Params;
  credentials: { webhook?: { secret: string }; token?: string };
}

export interface ObservedResponse {
  status: number;
  body: Record<string, unknown>;
  /** a fault said to drop the connection: the HTTP layer closes it without an answer */
  drop?: boolean;
}

const LIMIT_CODES: Record<string, string> = { QUERY_LIMIT_EXCEEDED: 'rate', OPERATION_TIME_LIMIT: 'operating' };

/** Runs one REST request, then journals and counts it. `run` gets the trace to hand on, when there is one. */
export async function observeRequest<R extends ObservedResponse>(app: App, request: ObservedRequest, run: (trace?: Trace) => Promise<R>): Promise<R> {
  if (!app.journal && !app.metrics && !app.faults?.size) return run();
  const trace: Trace = {
    redactor: app.journal ? new Redactor([request.credentials.webhook?.secret, request.credentials.token, app.config.adminToken]) : undefined,
  };
  const at = clock.now();
  const began = performance.now();
  // metrics alone need no per-request state
  const response = await run(app.journal || app.faults?.size ? trace : undefined);
  const seconds = (performance.now() - began) / 1000;
  const method = request.method.toLowerCase();
  const error = response.drop ? 'CONNECTION_DROPPED' : typeof response.body.error === 'string' ? response.body.error : null;
  const metrics = app.metrics;
  if (metrics) {
    const label = app.registry.get(method) ? method : 'unknown';
    metrics.requests.inc({ method: label, status: String(response.status) });
    metrics.duration.observe({ method: label }, seconds);
    if (trace.fault) metrics.faults.inc({ action: trace.fault.action });
    else if (error && LIMIT_CODES[error]) metrics.limitRejections.inc({ limit: LIMIT_CODES[error] });
  }
  if (app.journal && trace.redactor) {
    const params = trace.redactor.value(request.params);
    app.journal.add({
      at,
      method,
      credential: credentialOf(trace.caller),
      params,
      status: response.status,
      error,
      duration_ms: Math.round(seconds * 1e6) / 1e3,
      ...(trace.fault ? { fault: trace.fault } : {}),
      ...(method === 'batch' && trace.caller ? { commands: trace.commands ?? { keys: [], items: [] } } : {}),
    });
  }
  return response;
}

function credentialOf(caller: Caller | undefined): JournalCredential | null {
  if (!caller) return null;
  const c = caller.credential;
  return c.kind === 'webhook'
    ? { kind: 'webhook', webhook: c.id, user_id: caller.user.id }
    : { kind: 'oauth', client_id: c.application?.clientId ?? '', user_id: caller.user.id };
}

/** The caller passed authentication: note who it is. */
export function noteCaller(trace: Trace | undefined, caller: Caller): void {
  if (trace) trace.caller = caller;
}

/** The caller passed the request limit too: apply any fault rule (a promise only when there are rules). */
export function beforeInvoke(app: App, trace: Trace | undefined, caller: Caller, method: string): Promise<void> | undefined {
  return app.faults?.size ? invokeFault(app, trace, caller, method) : undefined;
}

async function invokeFault(app: App, trace: Trace | undefined, caller: Caller, method: string): Promise<void> {
  try {
    const hit = await applyFault(app.faults, method, caller);
    if (hit && trace) trace.fault = hit;
  } catch (error) {
    if (trace) trace.fault = faultOf(error);
    throw error;
  }
}

/** A batch command is about to run: apply any fault rule to it (a promise only when there are rules). */
export function beforeCommand(app: App, trace: Trace | undefined, caller: Caller, method: string): Promise<void> | undefined {
  return app.faults?.size ? commandFault(app, trace, caller, method) : undefined;
}

async function commandFault(app: App, trace: Trace | undefined, caller: Caller, method: string): Promise<void> {
  try {
    const hit = await applyFault(app.faults, method, caller);
    if (hit && trace) trace.commandFault = hit;
  } catch (error) {
    // a dropped connection takes the whole batch: mark the request itself
    if (error instanceof DropConnection && trace) trace.fault = faultOf(error);
    throw error;
  }
}

/** A batch command finished: journal and count it with its own status. `seen.text`: the command's text, when its parameters come from it alone. */
export function noteCommand(app: App, trace: Trace | undefined, key: string, seen: { method: string; params: Params; text?: string }, error?: RestError): void {
  const fault = faultOf(error) ?? trace?.commandFault;
  if (trace) trace.commandFault = undefined;
  const status = error ? error.status : 200;
  const code = error ? ((error instanceof InjectedError ? error.wireCode : error.code) as string) : null;
  if (app.metrics) {
    app.metrics.countCommand(app.registry.get(seen.method) ? seen.method.toLowerCase() : 'unknown', status);
    if (fault) app.metrics.faults.inc({ action: fault.action });
    else if (code && LIMIT_CODES[code]) app.metrics.limitRejections.inc({ limit: LIMIT_CODES[code] });
  }
  if (trace?.redactor) {
    const commands = (trace.commands ??= { keys: [], items: [] });
    commands.keys.push(key);
    const { text } = seen;
    if (!error && !fault && text !== undefined && !trace.redactor.mayDecodeToKnown(text)) {
      commands.items.push(text);
      return;
    }
    commands.items.push({
      key,
      method: seen.method.toLowerCase(),
      params: trace.redactor.value(seen.params),
      status,
      error: code,
      ...(fault ? { fault } : {}),
    });
  }
}

export { DropConnection };
