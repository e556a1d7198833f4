import type { Config } from '../config.js';
import { todayIn } from '../directory/dates.js';
import type { PresentOptions } from '../directory/user-object.js';
import type { Store } from '../store/index.js';
import type { UserRow } from '../store/users.js';
import type { Viewer } from '../store/visibility.js';
import type { Limits } from './limits.js';
import type { MethodDefinition, MethodRegistry } from './registry.js';

export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** Everything a server instance holds: handed to every call. */
export interface App {
  store: Store;
  config: Config;
  registry: MethodRegistry;
  log: Logger;
  /** OAuth access token → caller; absent while no application module is installed */
  authenticateToken?: (token: string) => Promise<Caller>;
  /** request and operating-time limits, checked by the dispatcher; absent means unlimited */
  limits?: Limits;
  /** the event delivery worker: `wake()` after a write makes it look for work at once */
  events?: { wake(): void };
}

export interface Credential {
  kind: 'webhook' | 'oauth';
  /** the webhook's id, or the OAuth application's id: limits are kept per credential */
  id: number;
  scopes: ReadonlySet<string>;
  /** for OAuth callers: the application the token was issued to */
  application?: { id: number; clientId: string; name: string };
}

export interface Caller {
  user: UserRow;
  viewer: Viewer;
  credential: Credential;
}

/** One method call: who, what, and the request facts handlers may need. */
export interface CallContext {
  app: App;
  caller: Caller;
  method: MethodDefinition;
  /** the standard `start` parameter, read as written, or null when absent */
  start: number | null;
  /** `http(s)://host[:port]` the client reached us at */
  baseUrl: string;
  /** the HTTP request's id, for log lines */
  requestId?: string;
}

export function viewerOf(user: UserRow): Viewer {
  return {
    id: user.id,
    extranet: user.user_type === 'extranet' || user.user_type === 'collaber',
    bot: user.external_auth_id === 'bot',
    admin: user.is_admin === 1,
  };
}

export function presentOptions(ctx: CallContext): PresentOptions {
  return { timeZone: ctx.app.config.timezone, nameTemplate: ctx.app.config.nameTemplate, baseUrl: ctx.baseUrl };
}

export function today(ctx: CallContext): string {
  return todayIn(ctx.app.config.timezone);
}
