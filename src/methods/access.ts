import type { CallContext } from '../rest/context.js';
import { RestError } from '../rest/errors.js';

/** Directory writes are for administrators. */
export function requireAdmin(ctx: CallContext, what: string): void {
  if (!ctx.caller.viewer.admin) throw new RestError('ACCESS_DENIED', `Access denied! Only administrators can ${what}`);
}

/** Every im.department.* method is for intranet users only, checked before any parameter. */
export function requireIntranet(ctx: CallContext): void {
  if (ctx.caller.viewer.extranet || ctx.caller.viewer.bot) throw new RestError('ACCESS_ERROR');
}
