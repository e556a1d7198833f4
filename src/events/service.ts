/**
 * The delivery worker of a server instance. It wakes every `pollMs` (and on `wake()` after a
 * local write), moves new changes from the feed into the outbox, claims due deliveries and
 * sends them: one at a time per handler, in commit order; different handlers in parallel.
 */
import { clock } from '../clock.js';
import type { Config } from '../config.js';
import { grantTokens, hostOf } from '../oauth/grants.js';
import { memberId } from '../store/member.js';
import { findApplicationById } from '../store/oauth.js';
import type { Store } from '../store/index.js';
import { StoreBusyError, writeTransaction } from '../store/write.js';
import { claimDeliveries, deliveriesDue, ensureEventApp, findEventApp, findHook, finishDelivery, insertAttempt, pruneDeliveries, type OutboxRow } from '../store/events.js';
import { findUser } from '../store/users.js';
import { pumpFeed } from './feed.js';
import { encodeForm, redactedForm } from './form.js';
import { handlerUrlProblem } from './handler-url.js';
import { postForm, type SendOutcome } from './send.js';

/** How long a claim lasts beyond the timeout: a claim older than this belonged to a dead process. */
const LEASE_MARGIN_MS = 5000;
const CLAIM_BATCH = 16;
/** First retry delay; each further retry waits twice as long, up to MAX_BACKOFF_MS. */
export const RETRY_BASE_MS = 1000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;
/** How long the delivery log (and finished deliveries) are kept. */
export const LOG_KEEP_MS = 7 * 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 60 * 1000;

export interface EventServiceDeps {
  store: Store;
  config: Config;
  log: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

export class EventService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private prunedAt = 0;

  constructor(
    private readonly deps: EventServiceDeps,
    /** where handlers reach this server: domain, client_endpoint and server_endpoint come from it */
    private readonly baseUrl: () => string,
    private readonly pollMs = 100,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  /** Look for work now (after a local write) instead of at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run().finally(() => {
      this.running = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.deps.store.background((store) => this.tick(store));
      } catch (error) {
        // a busy directory (an import holds it) only delays delivery: the next round tries again
        if (!this.stopped && !(error instanceof StoreBusyError)) this.deps.log.error({ err: error }, 'event delivery failed');
      }
    } while (this.again && !this.stopped);
  }

  /** One round: the feed into the outbox, then every due delivery until none is left. `store`: the background view. */
  private async tick(store: Store): Promise<void> {
    const { config } = this.deps;
    if (clock.now() - this.prunedAt > PRUNE_EVERY_MS) {
      this.prunedAt = clock.now();
      await writeTransaction(store, (trx) => pruneDeliveries(trx, this.prunedAt - LOG_KEEP_MS));
    }
    const options = { eventsOnImport: config.eventsOnImport, timeZone: config.timezone };
    while ((await pumpFeed(store, options)) > 0 && !this.stopped);
    const timeoutMs = Math.round(config.eventTimeout * 1000);
    while (!this.stopped && (await deliveriesDue(store.db, clock.now()))) {
      const claimed = await writeTransaction(store, (trx) => claimDeliveries(trx, store.dialect, clock.now(), timeoutMs + LEASE_MARGIN_MS, CLAIM_BATCH));
      if (claimed.length === 0) break;
      await Promise.all(claimed.map((row) => this.deliver(store, row, timeoutMs)));
    }
  }

  private async deliver(store: Store, row: OutboxRow, timeoutMs: number): Promise<void> {
    const { config } = this.deps;
    let outcome: SendOutcome;
    let logged = '';
    const problem = handlerUrlProblem(row.handler, config.eventHosts);
    if (problem) {
      outcome = { ok: false, httpStatus: null, response: '', error: problem, durationMs: 0 };
    } else {
      try {
        const body = await this.body(store, row);
        logged = redactedForm(body);
        outcome = await postForm(row.handler, encodeForm(body), timeoutMs);
      } catch (error) {
        outcome = { ok: false, httpStatus: null, response: '', error: (error as Error).message, durationMs: 0 };
      }
    }
    await writeTransaction(store, async (trx) => {
      await insertAttempt(trx, {
        delivery_id: row.id,
        event: row.event,
        handler: row.handler,
        attempt: row.attempts,
        at: clock.now(),
        body: logged,
        status: outcome.ok ? 'ok' : 'failed',
        http_status: outcome.httpStatus,
        response: outcome.response,
        error: outcome.error,
        duration_ms: Math.round(outcome.durationMs),
      });
      if (outcome.ok) await finishDelivery(trx, row.id, { status: 'done' });
      else if (row.attempts <= config.eventRetries) {
        const wait = Math.min(RETRY_BASE_MS * 2 ** (row.attempts - 1), MAX_BACKOFF_MS);
        await finishDelivery(trx, row.id, { status: 'pending', next_at: clock.now() + wait });
      } else await finishDelivery(trx, row.id, { status: 'failed' });
    });
  }

  /** The fields a handler receives, with a fresh access token minted now. */
  private async body(store: Store, row: OutboxRow): Promise<Record<string, unknown>> {
    const body: Record<string, unknown> = { event: row.event };
    if (row.binding_id !== null) body.event_handler_id = row.binding_id;
    body.data = JSON.parse(row.data) as unknown;
    body.ts = clock.unix();
    body.auth = await this.auth(store, row);
    return body;
  }

  private async auth(store: Store, row: OutboxRow): Promise<Record<string, unknown>> {
    const db = store.db;
    const base = this.baseUrl().replace(/\/+$/, '');
    const portal = { domain: hostOf(base), endpoint: `${base}/rest/`, member: await memberId(db) };
    if (row.hook_id !== null) {
      const hook = await findHook(db, row.hook_id);
      if (!hook) throw new Error('the outgoing webhook was deleted');
      return { domain: portal.domain, client_endpoint: portal.endpoint, server_endpoint: portal.endpoint, member_id: portal.member, application_token: hook.application_token };
    }
    if (row.app_id === null) throw new Error('the delivery has no application');
    const app = await findApplicationById(db, row.app_id);
    if (!app) throw new Error('the application was deleted');
    const { application_token } = (await findEventApp(db, app.id)) ?? (await writeTransaction(store, (trx) => ensureEventApp(trx, app.id, clock.unix())));
    if (row.auth_mode === 'app-bare') {
      return { domain: portal.domain, server_endpoint: portal.endpoint, client_endpoint: portal.endpoint, member_id: portal.member, application_token };
    }
    const user = row.auth_user !== null ? await findUser(db, row.auth_user) : undefined;
    if (!user || user.active !== 1) {
      // no user behind the change (CLI, import, system): upstream sends no tokens then
      return { scope: app.scope, domain: portal.domain, server_endpoint: portal.endpoint, status: 'L', client_endpoint: portal.endpoint, member_id: portal.member, application_token };
    }
    const grant = await writeTransaction(store, (trx) => grantTokens(trx, app, user.id, base));
    return {
      access_token: grant.access_token,
      expires_in: grant.expires_in,
      scope: grant.scope,
      domain: grant.domain,
      server_endpoint: grant.server_endpoint,
      status: grant.status,
      client_endpoint: grant.client_endpoint,
      member_id: grant.member_id,
      ...(row.auth_mode === 'app+refresh' ? { refresh_token: grant.refresh_token } : {}),
      application_token,
    };
  }
}
