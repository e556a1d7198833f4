/**
 * The two limits of the Bitrix24 REST platform (CONTRACT §7), per credential (a webhook or an
 * OAuth application):
 *
 * - a leaky bucket of requests: every HTTP request (a whole batch included) adds one, the bucket
 *   drains at a steady rate, and a request that would overflow it gets 503 QUERY_LIMIT_EXCEEDED;
 * - operating time: the seconds each method spent over a sliding 10-minute window (ten 60-second
 *   buckets); once over the budget that method answers 429 OPERATION_TIME_LIMIT, others keep
 *   working.
 *
 * Both live in process memory by default, or in Redis (limits-redis.ts) so that several
 * instances serving one directory enforce one limit.
 */
import type { Credential } from './context.js';
import { RestError } from './errors.js';
import { OPERATING_WINDOW_SECONDS, type OperatingReport } from './time.js';
import { clock } from '../clock.js';

/** Burst and drain of the request bucket; `null` is no limit. */
export interface RateProfile {
  burst: number;
  /** requests per second that leak out */
  drain: number;
}

export const RATE_PROFILES: Record<string, RateProfile | null> = {
  standard: { burst: 50, drain: 2 },
  enterprise: { burst: 250, drain: 5 },
  off: null,
};

/** `standard`, `enterprise`, `off` or `BURST/DRAIN` (`100/4`, `10/0.5`). */
export function parseLimits(spec: string): RateProfile | null {
  const name = spec.trim().toLowerCase();
  if (name in RATE_PROFILES) return RATE_PROFILES[name]!;
  const m = /^(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(name);
  if (!m) throw new Error(`limits must be standard, enterprise, off or BURST/DRAIN, got "${spec}"`);
  return { burst: Number(m[1]), drain: Number(m[2]) };
}

/** Upstream keeps operating time in ten one-minute buckets. */
export const BUCKET_SECONDS = 60;
export const WINDOW_BUCKETS = OPERATING_WINDOW_SECONDS / BUCKET_SECONDS;

export interface OperatingState {
  /** seconds spent in the window */
  total: number;
  /** unix seconds at which the oldest counted bucket leaves the window */
  resetAt: number;
}

/** What `reserve` decided: whether the attempt was counted, and when the window ends (unix seconds). */
export interface Reservation {
  allowed: boolean;
  resetAt: number;
}

/** Where the counters live: memory or Redis. Keys are opaque strings. */
export interface LimitBackend {
  /** one request into the bucket `key`; false when it would overflow */
  take(key: string, profile: RateProfile): Promise<boolean>;
  /** the operating time of `key` over the window, after adding `seconds` (0 only reads) */
  operating(key: string, seconds: number): Promise<OperatingState>;
  /** the same without a promise, where the counters are at hand (memory): two per call, every call */
  operatingNow?(key: string, seconds: number): OperatingState;
  /**
   * Counts one attempt against `key` when fewer than `max` are counted in its window (which
   * starts with the first attempt and lasts `windowSeconds`), in one atomic step: of parallel
   * callers at most `max` are ever allowed.
   */
  reserve(key: string, max: number, windowSeconds: number): Promise<Reservation>;
  /** Takes back one attempt `reserve` counted (it turned out not to be a failure). */
  release(key: string): Promise<void>;
  /** a round trip to a shared store (readiness); absent for memory */
  ping?(): Promise<void>;
  close(): Promise<void>;
}

type Clock = () => number;

/** Credentials of one kind whose counter keys are kept made. */
const KEYED_CREDENTIALS = 10_000;
const systemClock: Clock = () => clock.seconds();

/** The bucket's level after draining from `since` to `now`. */
export function drained(level: number, since: number, now: number, drain: number): number {
  return Math.max(0, level - Math.max(0, now - since) * drain);
}

/** Sum and reset time of the buckets still inside the window at `now`; older ones are dropped. */
export function windowState(buckets: Map<number, number>, now: number): OperatingState {
  const current = Math.floor(now / BUCKET_SECONDS);
  let total = 0;
  let oldest = Infinity;
  // keys and a lookup each: no [key, value] array per bucket, twice for every call
  for (const bucket of buckets.keys()) {
    if (bucket <= current - WINDOW_BUCKETS) {
      buckets.delete(bucket);
      continue;
    }
    total += buckets.get(bucket)!;
    if (bucket < oldest) oldest = bucket;
  }
  const resetAt = oldest === Infinity ? Math.floor(now) + OPERATING_WINDOW_SECONDS : (oldest + WINDOW_BUCKETS) * BUCKET_SECONDS;
  return { total, resetAt };
}

/**
 * Counters in this process. JavaScript runs one callback at a time, so read-modify-write here
 * is atomic without locks: parallel requests can never both take the last slot.
 */
export class MemoryBackend implements LimitBackend {
  private readonly buckets = new Map<string, { level: number; at: number }>();
  private readonly windows = new Map<string, Map<number, number>>();
  private readonly attempts = new Map<string, { count: number; resetAt: number }>();
  private sweepAt = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  async take(key: string, profile: RateProfile): Promise<boolean> {
    return this.takeNow(key, profile);
  }

  /** Synchronous core of `take`, for unit tests with a fake clock. */
  takeNow(key: string, profile: RateProfile): boolean {
    const now = this.clock();
    this.sweep(now, profile);
    const entry = this.buckets.get(key);
    const level = entry ? drained(entry.level, entry.at, now, profile.drain) : 0;
    if (level + 1 > profile.burst) {
      this.buckets.set(key, { level, at: now });
      return false;
    }
    this.buckets.set(key, { level: level + 1, at: now });
    return true;
  }

  async operating(key: string, seconds: number): Promise<OperatingState> {
    return this.operatingNow(key, seconds);
  }

  operatingNow(key: string, seconds: number): OperatingState {
    const now = this.clock();
    let buckets = this.windows.get(key);
    if (!buckets) {
      if (seconds <= 0) return windowState(new Map(), now);
      buckets = new Map();
      this.windows.set(key, buckets);
    }
    if (seconds > 0) {
      const current = Math.floor(now / BUCKET_SECONDS);
      buckets.set(current, (buckets.get(current) ?? 0) + seconds);
    }
    const state = windowState(buckets, now);
    if (buckets.size === 0) this.windows.delete(key);
    return state;
  }

  async reserve(key: string, max: number, windowSeconds: number): Promise<Reservation> {
    const now = this.clock();
    this.sweep(now, null);
    let entry = this.attempts.get(key);
    if (!entry || entry.resetAt <= now) this.attempts.set(key, (entry = { count: 0, resetAt: Math.ceil(now + windowSeconds) }));
    if (entry.count >= max) return { allowed: false, resetAt: entry.resetAt };
    entry.count++;
    return { allowed: true, resetAt: entry.resetAt };
  }

  async release(key: string): Promise<void> {
    const entry = this.attempts.get(key);
    if (entry && entry.count > 0) entry.count--;
  }

  /** Forget idle counters now and then, so that memory follows the active credentials only. */
  private sweep(now: number, profile: RateProfile | null): void {
    if (now < this.sweepAt) return;
    this.sweepAt = now + BUCKET_SECONDS;
    // an empty bucket and a missing one mean the same (buckets are swept when a profile is at hand)
    if (profile) for (const [key, entry] of this.buckets) if (drained(entry.level, entry.at, now, profile.drain) === 0) this.buckets.delete(key);
    for (const [key, entry] of this.attempts) if (entry.resetAt <= now) this.attempts.delete(key);
    for (const [key, buckets] of this.windows) {
      windowState(buckets, now);
      if (buckets.size === 0) this.windows.delete(key);
    }
  }

  async close(): Promise<void> {
    this.buckets.clear();
    this.windows.clear();
    this.attempts.clear();
  }
}

export interface LimitsLogger {
  error(obj: object, msg?: string): void;
}

/** What the dispatcher asks: may this credential make a request, may it call this method. */
export class Limits {
  private loggedAt = 0;

  constructor(
    readonly backend: LimitBackend,
    readonly rate: RateProfile | null,
    /** seconds per method and credential in the window */
    readonly budget: number,
    private readonly log: () => LimitsLogger,
  ) {}

  /** One request (a batch is one): 503 QUERY_LIMIT_EXCEEDED when the bucket is full. */
  async admit(credential: Credential): Promise<void> {
    if (!this.rate) return;
    let allowed: boolean;
    try {
      allowed = await this.backend.take(`rate:${credentialKey(credential)}`, this.rate);
    } catch (error) {
      // the shared store is down: serving beats refusing everyone; the log says why
      this.report(error, 'request limiter unavailable, requests admitted');
      return;
    }
    if (!allowed) throw new RestError('QUERY_LIMIT_EXCEEDED');
  }

  /** Before a method runs: 429 OPERATION_TIME_LIMIT when its time in the window is over budget. A promise only when the counters are shared. */
  beforeCall(credential: Credential, method: string): Promise<void> | undefined {
    const state = this.read(credential, method, 0);
    if (state instanceof Promise) return state.then(this.check);
    this.check(state);
    return undefined;
  }

  /** After a method ran: adds its time and reports the window for the `time` block. A promise only when the counters are shared. */
  afterCall(credential: Credential, method: string, seconds: number): OperatingReport | Promise<OperatingReport> {
    const state = this.read(credential, method, Math.max(seconds, 0));
    return state instanceof Promise ? state.then(report) : report(state);
  }

  // bound once, not a closure per call: every call of every method passes here twice
  private readonly check = (state: OperatingState | null): void => {
    if (state && state.total > this.budget) throw new RestError('OPERATION_TIME_LIMIT');
  };

  /**
   * Counter keys by credential kind, id and method, made once: every call reads and writes its
   * counter. (Not a WeakMap on the credential: that object is new with every request.)
   */
  private readonly keys = { webhook: new Map<number, Map<string, string>>(), oauth: new Map<number, Map<string, string>>() };

  private read(credential: Credential, method: string, seconds: number): OperatingState | Promise<OperatingState | null> {
    const ofKind = this.keys[credential.kind];
    let keys = ofKind.get(credential.id);
    if (!keys) {
      // credentials come and go (revoked webhooks, applications): the cache starts over now and then
      if (ofKind.size >= KEYED_CREDENTIALS) ofKind.clear();
      ofKind.set(credential.id, (keys = new Map()));
    }
    let key = keys.get(method);
    if (key === undefined) keys.set(method, (key = `op:${credentialKey(credential)}:${method}`));
    if (this.backend.operatingNow) return this.backend.operatingNow(key, seconds);
    return this.readShared(key, seconds);
  }

  private async readShared(key: string, seconds: number): Promise<OperatingState | null> {
    try {
      return await this.backend.operating(key, seconds);
    } catch (error) {
      this.report(error, 'operating-time limiter unavailable, calls admitted');
      return null;
    }
  }

  /** One log line per 30 seconds at most: an outage must not flood the log with a line per request. */
  private report(error: unknown, message: string): void {
    const now = clock.now();
    if (now - this.loggedAt < 30000) return;
    this.loggedAt = now;
    this.log().error({ err: error }, message);
  }

  /** Whether the shared counters answer (readiness); memory always does. */
  async ping(): Promise<void> {
    await this.backend.ping?.();
  }

  close(): Promise<void> {
    return this.backend.close();
  }
}

/** Limits are per webhook or per OAuth application, never per token or per user. */
export function credentialKey(credential: Credential): string {
  return `${credential.kind}:${credential.id}`;
}

/** The window's state for the `time` block; without the counters (a shared store down), an empty window. */
function report(state: OperatingState | null): OperatingReport {
  return state ? { operating: round(state.total), operating_reset_at: state.resetAt } : { operating: 0, operating_reset_at: clock.unix() + OPERATING_WINDOW_SECONDS };
}

/** Operating seconds with microsecond precision, as upstream prints them. */
function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
