/** scope, methods, method.get: what the caller may call, read from the one method registry. */
import { readBoolean } from './list-params.js';
import type { CallContext } from '../rest/context.js';
import { argumentError } from '../rest/errors.js';
import type { Params } from '../rest/params.js';
import { scopeGrants, type MethodDefinition } from '../rest/registry.js';
import { isScope, SCOPES } from '../rest/scopes.js';

/** The caller's scopes in the order Roster declares them; `basic` is implied and never listed. */
function grantedScopes(ctx: CallContext): string[] {
  return SCOPES.filter((s) => ctx.caller.credential.scopes.has(s));
}

function optionalName(p: Params, key: string): string | undefined {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw argumentError(key, `${key} must be a string`);
  if (v.length > 255) throw argumentError(key, `${key} is longer than 255 characters`);
  return v.trim();
}

export const introspectionMethods: MethodDefinition[] = [
  {
    name: 'scope',
    scope: 'basic',
    list: 'none',
    summary: 'The scopes granted to the caller\'s webhook or application; full=true lists every scope Roster knows',
    differences: ['`full` accepts true/false, Y/N, 1/0 in any encoding; upstream takes a form-encoded "false" as true.'],
    params: [{ name: 'full', type: 'bool', description: 'Every scope Roster knows instead of those granted', example: true }],
    handler: (ctx: CallContext, p: Params) => ({ result: readBoolean(p, 'full') ? [...SCOPES] : grantedScopes(ctx) }),
  },
  {
    name: 'methods',
    scope: 'basic',
    list: 'none',
    summary: 'Names of the methods the caller may call (with the basic ones); full=true every method, scope=X those of one scope',
    differences: ['`full` accepts true/false, Y/N, 1/0 in any encoding; upstream takes a form-encoded "false" as true.'],
    params: [
      { name: 'scope', type: 'string', description: 'Only the methods of this scope (empty: the basic ones; an unknown scope: none); wins over full', example: 'im' },
      { name: 'full', type: 'bool', description: 'Every method, not only those the caller\'s scopes allow', example: true },
    ],
    handler: (ctx: CallContext, p: Params) => {
      const all = ctx.app.registry.all();
      const scope = optionalName(p, 'scope');
      let chosen: MethodDefinition[];
      if (scope !== undefined) {
        // an empty scope asks for the basic methods, an unknown one for nothing (as upstream)
        const wanted = scope === '' ? 'basic' : scope.toLowerCase();
        chosen = wanted === 'basic' || isScope(wanted) ? all.filter((m) => m.scope === wanted || m.grantedBy?.includes(wanted)) : [];
      } else if (readBoolean(p, 'full')) {
        chosen = all;
      } else {
        chosen = all.filter((m) => scopeGrants(m, ctx.caller.credential.scopes));
      }
      return { result: chosen.map((m) => m.name) };
    },
  },
  {
    name: 'method.get',
    scope: 'basic',
    list: 'none',
    summary: 'Whether a method exists (isExisting) and the caller\'s scopes allow it (isAvailable)',
    differences: ['Method names match case-insensitively, as Roster dispatches them (upstream: lower-case only).'],
    params: [{ name: 'name', type: 'string', required: true, description: 'The method\'s name', example: 'im.user.get' }],
    handler: (ctx: CallContext, p: Params) => {
      const name = optionalName(p, 'name');
      const definition = name ? ctx.app.registry.get(name) : undefined;
      return {
        result: {
          isExisting: definition !== undefined,
          isAvailable: definition !== undefined && scopeGrants(definition, ctx.caller.credential.scopes),
        },
      };
    },
  },
];
