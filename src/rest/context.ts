import type { ReadModel } from '../read/model.js';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { isOutsider } from '../facts.js';
import type { ChangeFeed } from '../directory/feed.js';
import { todayIn } from '../directory/dates.js';
import type { PresentOptions } from '../directory/user-object.js';
import type { Store } from '../store/index.js';
import type { UserRow } from '../store/users.js';
import type { Viewer } from '../store/visibility.js';
import { RequestBudget } from './budget.js';
import type { Faults } from './faults.js';
import type { Journal } from './journal.js';
import type { Limits } from './limits.js';
import type { Metrics } from './metrics.js';
import type { Trace } from './observe.js';
import type { MethodDefinition, MethodRegistry } from './registry.js';

export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** Adds routes to the server (OAuth pages, admin endpoints): each installer gets the server and the app. */
export type RouteInstaller = (server: FastifyInstance, app: App) => void | Promise<void>;

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
  /** the change feed: every committed change, in order, from any process (src/directory/feed.ts) */
  feed?: ChangeFeed;
  /** called after every committed directory write (the change feed catches up there); see directory/commands/run.ts */
  afterWrite?: () => Promise<void>;
  /**
   * before a request is authenticated and answered: what another process committed is caught up
   * first when the store can tell cheaply (SQLite); undefined when there is nothing to wait for
   */
  beforeRequest?: () => Promise<void> | undefined;
  /** control plane: the last REST calls (absent with --journal-size 0) */
  journal?: Journal;
  /** control plane: scripted failures (absent without --admin-token and --faults) */
  faults?: Faults;
  /** Prometheus metrics (absent with --metrics off) */
  metrics?: Metrics;
  /** the read model (src/read/model.ts): present with `--reads memory`; methods read it through `memoryReads` */
  read?: ReadModel;
  /** what /readyz checks; later parts add theirs (e.g. "read model loaded") with addReadinessCheck */
  readiness?: ReadinessCheck[];
}

/** One readiness check: resolves true when ready, or a short reason why not (or throws). */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<true | string>;
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
  /** what the whole request may still cost (shared by the commands of a batch) */
  budget: RequestBudget;
  /** the control plane's record of this request (journal, faults), when it keeps one */
  trace?: Trace;
}

export function requestBudget(config: Config): RequestBudget {
  return new RequestBudget(config.maxIds, config.maxAnswerUsers);
}

export function viewerOf(user: UserRow): Viewer {
  return {
    id: user.id,
    extranet: isOutsider(user.user_type),
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

/** The read model when this call may be answered from memory: `--reads memory` and loaded. */
export function memoryReads(ctx: CallContext): ReadModel | undefined {
  const model = ctx.app.read;
  return model?.loaded ? model : undefined;
}
