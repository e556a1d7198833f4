import { performance } from 'node:perf_hooks';
import { authenticate, type Credentials } from './auth.js';
import { requestBudget, type App, type CallContext, type Caller } from './context.js';
import type { RequestBudget } from './budget.js';
import { RuleError } from '../directory/rules.js';
import { storeUnreachable } from '../store/unreachable.js';
import { StoreBusyError } from '../store/write.js';
import { RestError, ruleError } from './errors.js';
import { beforeInvoke, DropConnection, noteCaller, observeRequest, type Trace } from './observe.js';
import { intval, upperKeys, type Params } from './params.js';
import { scopeGrants, type MethodDefinition, type MethodResult } from './registry.js';
import { nowSeconds, timeJson, type OperatingReport, type Timing } from './time.js';
import type { Limits } from './limits.js';
import { andThen, type MaybePromise } from './maybe-async.js';

export interface RestRequest {
  method: string;
  params: Params;
  credentials: Credentials;
  /** `http(s)://host[:port]` as the client reached us */
  baseUrl: string;
  requestId: string;
}

export interface RestResponse {
  status: number;
  body: Record<string, unknown>;
  /** a fault rule said to drop the connection (control plane) */
  drop?: boolean;
}

export function findMethod(app: App, name: string): MethodDefinition {
  const definition = app.registry.get(name);
  if (!definition) throw new RestError('ERROR_METHOD_NOT_FOUND');
  return definition;
}

/** `start` is read as written (case-sensitive) and taken out of the method's parameters. */
export function takeStart(params: Params): { start: number | null; rest: Params } {
  if (!('start' in params)) return { start: null, rest: params };
  const { start, ...rest } = params;
  return { start: start === undefined || start === null || start === '' ? null : intval(start), rest };
}

/** A method's outcome with the caller's operating time in that method, when it is metered. */
export interface Invoked extends MethodResult {
  operating?: OperatingReport;
}

/**
 * Runs one method as `caller`: scope check, operating-time limit, parameter normalisation,
 * handler. Shared by plain requests and by each command of a batch, so both pass the same
 * checks. `batch` itself is not metered: each of its commands is, against its own method.
 */
export interface InvokeOptions {
  /** `http(s)://host[:port]` as the client reached us */
  baseUrl: string;
  requestId?: string;
  /** a batch's commands share the batch's */
  budget?: RequestBudget;
  trace?: Trace;
}

export function invoke(app: App, caller: Caller, definition: MethodDefinition, params: Params, options: InvokeOptions): MaybePromise<Invoked> {
  if (!scopeGrants(definition, caller.credential.scopes)) {
    throw new RestError(
      'insufficient_scope',
      caller.credential.kind === 'oauth'
        ? 'The request requires higher privileges than provided by the access token'
        : undefined,
    );
  }
  const limits = definition.name === 'batch' ? undefined : app.limits;
  const { start, rest } = takeStart(params);
  const { baseUrl, requestId, budget = requestBudget(app.config), trace } = options;
  const ctx: CallContext = { app, caller, method: definition, start, baseUrl, requestId, budget, trace };
  const methodParams = definition.upperParams ? upperKeys(rest) : rest;
  const admitted = limits?.beforeCall(caller.credential, definition.name);
  return admitted ? admitted.then(() => call(ctx, methodParams, limits)) : call(ctx, methodParams, limits);
}

/** The handler, its time metered when there are limits: a promise only where the handler or the meter makes one. */
function call(ctx: CallContext, params: Params, limits: Limits | undefined): MaybePromise<Invoked> {
  if (!limits) return ctx.method.handler(ctx, params);
  const began = performance.now();
  let outcome: MaybePromise<MethodResult>;
  try {
    outcome = ctx.method.handler(ctx, params);
  } catch (error) {
    return failed(ctx, limits, began, error);
  }
  return outcome instanceof Promise
    ? outcome.then((o) => metered(ctx, limits, began, o), (error: unknown) => failed(ctx, limits, began, error))
    : metered(ctx, limits, began, outcome);
}

function metered(ctx: CallContext, limits: Limits, began: number, outcome: MethodResult): MaybePromise<Invoked> {
  const operating = limits.afterCall(ctx.caller.credential, ctx.method.name, (performance.now() - began) / 1000);
  return andThen(operating, (report) => ({ result: outcome.result, total: outcome.total, next: outcome.next, operating: report }));
}

/** Time spent failing is time spent: it counts too, and then the error goes on. */
function failed(ctx: CallContext, limits: Limits, began: number, error: unknown): Promise<never> {
  const counted = limits.afterCall(ctx.caller.credential, ctx.method.name, (performance.now() - began) / 1000);
  return Promise.resolve(counted).then(() => {
    throw error;
  });
}

/** Turns anything thrown into the wire error, logging what is not a RestError. */
export function toRestError(app: App, error: unknown, requestId: string): RestError {
  if (error instanceof RestError) return error;
  if (error instanceof RuleError) return ruleError(error);
  if (error instanceof StoreBusyError) return new RestError('DATABASE_BUSY', error.message);
  // the database is away (a write, or a read the read model does not serve): say so, and that it is worth retrying
  if (storeUnreachable(error)) return new RestError('DATABASE_UNAVAILABLE');
  app.log.error({ err: error, requestId }, 'method failed');
  return new RestError('INTERNAL_SERVER_ERROR', `Internal server error (request ${requestId})`);
}

/**
 * One REST request, from method name to envelope: lookup, auth, the request limit (once per
 * request, so a whole batch counts once), the call, and `time`.
 */
export function dispatch(app: App, request: RestRequest): Promise<RestResponse> {
  return observeRequest(app, request, (trace) => dispatchCall(app, request, trace));
}

async function dispatchCall(app: App, request: RestRequest, trace?: Trace): Promise<RestResponse> {
  const timing: Timing = { started: nowSeconds(), processStarted: 0, processFinished: 0 };
  try {
    const definition = findMethod(app, request.method); // before auth: unknown methods are 404 for everyone
    const catchingUp = app.beforeRequest?.();
    if (catchingUp) await catchingUp;
    const caller = await authenticate(app, request.credentials);
    noteCaller(trace, caller); // control plane: the journal's credential
    await app.limits?.admit(caller.credential);
    const fault = beforeInvoke(app, trace, caller, definition.name); // control plane: scripted faults
    if (fault) await fault;
    timing.processStarted = nowSeconds();
    const outcome = await invoke(app, caller, definition, request.params, { baseUrl: request.baseUrl, requestId: request.requestId, trace });
    timing.processFinished = nowSeconds();
    return { status: 200, body: envelope(outcome, timeJson(timing, app.config.timezone, outcome.operating)) };
  } catch (error) {
    if (error instanceof DropConnection) return { status: 0, body: {}, drop: true };
    const restError = toRestError(app, error, request.requestId);
    return { status: restError.status, body: restError.toWire() };
  }
}

/** `{result, next?, total?, time}`: `next` and `total` as integers beside `result`. */
export function envelope(outcome: MethodResult, time: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = { result: outcome.result };
  if (outcome.next !== undefined) body.next = outcome.next;
  if (outcome.total !== undefined) body.total = outcome.total;
  body.time = time;
  return body;
}
