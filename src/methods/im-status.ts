import type { CallContext } from '../rest/context.js';
import { RestError } from '../rest/errors.js';
import { hasValue, intval, type Params } from '../rest/params.js';
import type { MethodDefinition } from '../rest/registry.js';
import { STATUSES, type Status } from '../facts.js';
import { setIdleSince, setStatus } from '../directory/commands/presence.js';
import { runCommand } from '../directory/commands/run.js';
import { statusOf } from '../store/presence.js';
import { commandEnv } from './command-env.js';
import { clock } from '../clock.js';

/** STATUS: one of the four, in any letter case; anything else, a list or nothing is STATUS_ERROR. */
function readStatus(p: Params): Status {
  const value = typeof p.STATUS === 'string' ? p.STATUS.toLowerCase() : undefined;
  const status = STATUSES.find((s) => s === value);
  if (!status) throw new RestError('STATUS_ERROR');
  return status;
}

/**
 * AGO in minutes: 10 when absent, at least 1 (upstream), and at most the minutes since the Unix
 * epoch, so that an absurd value still gives a real date rather than one before 1970.
 */
export function idleSince(p: Params, nowSeconds: number): number {
  let ago = hasValue(p, 'AGO') ? intval(p.AGO) : 10;
  if (ago < 1) ago = 1;
  ago = Math.min(ago, Math.floor(nowSeconds / 60));
  return nowSeconds - ago * 60;
}

export const imStatusMethods: MethodDefinition[] = [
  {
    name: 'im.user.status.get',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: 'The status the current user selected: online, dnd, away or break',
    differences: ['Never `false`: every user has a status, `online` until they select another.'],
    params: [],
    handler: async (ctx: CallContext) => ({ result: (await statusOf(ctx.app.store.db, ctx.caller.user.id)) ?? 'online' }),
  },
  {
    name: 'im.user.status.set',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: 'Selects the current user\'s status (STATUS: online, dnd, away, break) and ends idleness',
    differences: [
      'STATUS is read case-insensitively (`DND` works); upstream accepts only lower case.',
      'A list or object as STATUS is STATUS_ERROR; upstream fails with a PHP TypeError (500).',
    ],
    params: [{ name: 'STATUS', type: 'enum', values: [...STATUSES], required: true, description: 'The status to select, in any letter case; anything else is STATUS_ERROR', example: 'dnd' }],
    handler: async (ctx: CallContext, p: Params) => {
      const status = readStatus(p);
      await runCommand(commandEnv(ctx), (tx) => setStatus(tx, ctx.caller.user.id, status));
      return { result: true };
    },
  },
  {
    name: 'im.user.status.idle.start',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: 'Marks the current user idle since AGO minutes ago (default 10, at least 1)',
    differences: ['AGO is capped at the minutes since 1970-01-01, so the idle date is always a real date.'],
    params: [{ name: 'AGO', type: 'int', description: 'Minutes the user has been idle: 10 by default, at least 1', example: 10 }],
    handler: async (ctx: CallContext, p: Params) => {
      const since = idleSince(p, clock.unix());
      await runCommand(commandEnv(ctx), (tx) => setIdleSince(tx, ctx.caller.user.id, since));
      return { result: true };
    },
  },
  {
    name: 'im.user.status.idle.end',
    scope: 'im',
    list: 'none',
    upperParams: true,
    summary: 'Ends the current user\'s idleness',
    params: [],
    handler: async (ctx: CallContext) => {
      await runCommand(commandEnv(ctx), (tx) => setIdleSince(tx, ctx.caller.user.id, null));
      return { result: true };
    },
  },
];
