import { formatAtom } from '../directory/dates.js';
import { absoluteUrl } from '../directory/user-object.js';
import { batchMethod } from '../rest/batch.js';
import type { CallContext } from '../rest/context.js';
import type { MethodDefinition } from '../rest/registry.js';
import { appMethods } from './app.js';
import { clock } from '../clock.js';

export const platformMethods: MethodDefinition[] = [
  {
    name: 'server.time',
    scope: 'basic',
    list: 'none',
    summary: 'The server\'s current time, ISO 8601 in its time zone',
    params: [],
    handler: (ctx: CallContext) => ({ result: formatAtom(clock.seconds(), ctx.app.config.timezone) }),
  },
  {
    name: 'profile',
    scope: 'basic',
    list: 'none',
    summary: 'The caller\'s basic profile',
    params: [],
    handler: (ctx: CallContext) => {
      const u = ctx.caller.user;
      if (u.active !== 1) return { result: [] };
      return {
        result: {
          ID: String(u.id),
          ADMIN: u.is_admin === 1,
          NAME: u.name,
          LAST_NAME: u.last_name,
          PERSONAL_GENDER: u.gender,
          ...(u.photo ? { PERSONAL_PHOTO: absoluteUrl(u.photo, ctx.baseUrl) } : {}),
          TIME_ZONE: ctx.app.config.timezone,
          TIME_ZONE_OFFSET: 0,
        },
      };
    },
  },
  batchMethod,
  ...appMethods,
];
