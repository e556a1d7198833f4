/**
 * `roster requests`, `roster faults`, `roster clock`: the control plane of a running server
 * over its /_roster endpoints, for people at a terminal and CI scripts.
 */
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JournalEntry } from '../rest/journal.js';
import { CliError, serverUrl } from './common.js';

interface ServerOptions {
  url?: string;
  adminToken?: string;
}

/** What the /_roster endpoints answer: read loosely, the server validated it. */
type Answer = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(o: ServerOptions, method: string, path: string, body?: unknown): Promise<Answer> {
  const token = o.adminToken ?? process.env.ROSTER_ADMIN_TOKEN;
  if (!token) throw new CliError('the server\'s admin token is needed: --admin-token or ROSTER_ADMIN_TOKEN');
  const base = serverUrl(o.url);
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    throw new CliError(`cannot reach ${base}: ${(error as Error).message}`);
  }
  const text = await res.text();
  let parsed: Answer | undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (res.status === 404 && path.startsWith('/_roster')) throw new CliError(`${base} has no control plane: start it with --admin-token`);
  if (!res.ok) {
    const problems = Array.isArray(parsed?.problems) ? parsed.problems.map((p: { path: string; message: string }) => `\n  - ${p.path}: ${p.message}`).join('') : '';
    throw new CliError(`${parsed?.error ?? res.status}: ${parsed?.error_description ?? text}${problems}`);
  }
  if (!parsed) throw new CliError(`${base} answered ${res.status} without JSON`);
  return parsed;
}

function line(e: JournalEntry): string {
  const who = e.credential ? (e.credential.kind === 'webhook' ? `webhook ${e.credential.webhook}` : e.credential.client_id) + ` user ${e.credential.user_id}` : '-';
  const outcome = e.error ? `${e.status} ${e.error}` : String(e.status);
  const fault = e.fault ? ` [fault ${e.fault.rule}: ${e.fault.action}]` : '';
  const commands = e.commands?.length ? ` (${e.commands.map((c) => `${c.method} ${c.error ?? c.status}`).join(', ')})` : '';
  return `${e.time}  #${e.id}  ${e.method}  ${outcome}  ${e.duration_ms} ms  ${who}${fault}${commands}`;
}

export async function requestsCommand(
  o: ServerOptions & { follow?: boolean; method?: string; status?: string; error?: string; credential?: string; limit?: string; count?: boolean; clear?: boolean; json?: boolean },
): Promise<void> {
  if (o.clear) {
    await call(o, 'DELETE', '/_roster/requests');
    console.log('The request journal is empty.');
    return;
  }
  const filter = new URLSearchParams();
  for (const key of ['method', 'status', 'error', 'credential'] as const) if (o[key] !== undefined) filter.set(key, o[key]);
  if (o.count) {
    console.log((await call(o, 'GET', `/_roster/requests/count?${filter}`)).count);
    return;
  }
  const print = (entries: JournalEntry[]) => {
    for (const e of entries.reverse()) console.log(o.json ? JSON.stringify(e) : line(e));
  };
  const first: JournalEntry[] = (await call(o, 'GET', `/_roster/requests?${filter}&limit=${o.limit ?? 20}`)).requests;
  let last = first[0]?.id ?? 0;
  print(first);
  if (!o.follow) return;
  if (last === 0) last = (await call(o, 'GET', '/_roster/requests?limit=1')).requests[0]?.id ?? 0;
  for (;;) {
    await sleep(500);
    const fresh: JournalEntry[] = (await call(o, 'GET', `/_roster/requests?${filter}&after=${last}&limit=1000`)).requests;
    if (fresh.length) last = fresh[0]!.id;
    print(fresh);
  }
}

export async function faultsAdd(rule: string | undefined, o: ServerOptions & { file?: string }): Promise<void> {
  if (!rule && !o.file) throw new CliError('give a rule as JSON or --file <rules.json>');
  const text = o.file ? await readFile(o.file, 'utf8') : rule!;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliError(`not JSON: ${text.slice(0, 200)}`);
  }
  const answer = await call(o, 'POST', '/_roster/faults', body);
  console.log(answer.ids ? `Added rules ${answer.ids.join(', ')}.` : `Added rule ${answer.id}.`);
}

export async function faultsList(o: ServerOptions): Promise<void> {
  console.log(JSON.stringify((await call(o, 'GET', '/_roster/faults')).rules, null, 2));
}

export async function faultsClear(id: string | undefined, o: ServerOptions): Promise<void> {
  const answer = await call(o, 'DELETE', id ? `/_roster/faults/${encodeURIComponent(id)}` : '/_roster/faults');
  console.log(`Removed ${answer.removed} rule${answer.removed === 1 ? '' : 's'}.`);
}

export async function clockCommand(o: ServerOptions & { set?: string; advance?: string; freeze?: boolean; unfreeze?: boolean; reset?: boolean }): Promise<void> {
  const body: Record<string, unknown> = {};
  if (o.reset) body.reset = true;
  if (o.set !== undefined) body.set = o.set;
  if (o.advance !== undefined) {
    if (!/^-?\d+(\.\d+)?$/.test(o.advance)) throw new CliError(`--advance must be a number of seconds, got "${o.advance}"`);
    body.advance = Number(o.advance);
  }
  if (o.freeze) body.freeze = true;
  if (o.unfreeze) body.freeze = false;
  const state = Object.keys(body).length ? await call(o, 'POST', '/_roster/clock', body) : await call(o, 'GET', '/_roster/clock');
  console.log(`${state.now}${state.frozen ? ' (frozen)' : ''}, ${Math.round(state.offset_ms / 1000)} s from real time`);
}
