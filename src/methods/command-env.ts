import type { CommandEnv } from '../directory/commands/run.js';
import type { CallContext } from '../rest/context.js';

/** Commands run for a REST caller: their user and credential as the actor, the feed's catch-up after commit. */
export function commandEnv(ctx: CallContext): CommandEnv {
  const c = ctx.caller.credential;
  const credential = c.kind === 'webhook' ? `webhook:${c.id}` : `oauth:${c.application?.clientId ?? c.id}`;
  return { store: ctx.app.store, actor: { user: ctx.caller.user.id, credential }, onCommitted: ctx.app.afterWrite };
}
