/**
 * The limit counters in Redis, so that every instance serving one directory shares them. Each
 * decision is one Lua script: Redis runs a script alone, so the read-drain-add of the bucket is
 * atomic across instances. The time is Roster's clock (passed in), not Redis `TIME`: the control
 * plane can move Roster's clock, and the windows must move with it (instances sharing a Redis
 * need machine clocks that agree, as NTP keeps them).
 */
import { Redis } from 'ioredis';
import { BUCKET_SECONDS, WINDOW_BUCKETS, type LimitBackend, type OperatingState, type RateProfile, type Reservation } from './limits.js';
import { clock } from '../clock.js';

/**
 * KEYS[1] bucket hash {level, at}; ARGV burst, drain, now (unix seconds). Returns 1 (admitted)
 * or 0. The key expires once the bucket would be empty anyway.
 */
const TAKE = `
local burst = tonumber(ARGV[1])
local drain = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(v[1]) or 0
local at = tonumber(v[2]) or now
if now > at then level = level - (now - at) * drain end
if level < 0 then level = 0 end
local admitted = 0
if level + 1 <= burst then
  level = level + 1
  admitted = 1
end
redis.call('HSET', KEYS[1], 'level', tostring(level), 'at', tostring(now))
local ttl = 86400
if drain > 0 then ttl = math.ceil(level / drain) + 1 end
redis.call('EXPIRE', KEYS[1], ttl)
return admitted
`;

/**
 * KEYS[1] hash bucket-number -> seconds; ARGV seconds to add (0 reads), buckets in the window,
 * bucket length. Returns {total, oldest bucket or -1, now} as strings (Lua numbers would be
 * truncated to integers on the way out).
 */
const OPERATING = `
local add = tonumber(ARGV[1])
local buckets = tonumber(ARGV[2])
local size = tonumber(ARGV[3])
local now = math.floor(tonumber(ARGV[4]))
local current = math.floor(now / size)
if add > 0 then
  redis.call('HINCRBYFLOAT', KEYS[1], tostring(current), ARGV[1])
  redis.call('EXPIRE', KEYS[1], (buckets + 1) * size)
end
local all = redis.call('HGETALL', KEYS[1])
local total = 0
local oldest = -1
for i = 1, #all, 2 do
  local bucket = tonumber(all[i])
  if bucket <= current - buckets then
    redis.call('HDEL', KEYS[1], all[i])
  else
    total = total + tonumber(all[i + 1])
    if oldest < 0 or bucket < oldest then oldest = bucket end
  end
end
return {tostring(total), tostring(oldest), tostring(now)}
`;

/**
 * KEYS[1] attempt counter; ARGV max, window seconds. Counts one attempt unless `max` are already
 * counted; the window starts with the first attempt. Returns {1 or 0, seconds until reset, now}.
 */
const RESERVE = `
local max = tonumber(ARGV[1])
local now = tonumber(redis.call('TIME')[1])
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('TTL', KEYS[1])
if count >= max and ttl > 0 then return {0, ttl, now} end
if ttl <= 0 then
  count = 0
  ttl = tonumber(ARGV[2])
end
redis.call('SET', KEYS[1], count + 1, 'EX', ttl)
return {1, ttl, now}
`;

/** KEYS[1] attempt counter: one attempt taken back, the window kept. */
const RELEASE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('SET', KEYS[1], count - 1, 'KEEPTTL') end
return 1
`;

type LimitsRedis = Redis & {
  rosterReserve(key: string, max: number, window: number): Promise<[number, number, number]>;
  rosterRelease(key: string): Promise<number>;
  rosterTake(key: string, burst: number, drain: number, now: string): Promise<number>;
  rosterOperating(key: string, add: string, buckets: number, size: number, now: string): Promise<[string, string, string]>;
};

export class RedisBackend implements LimitBackend {
  private readonly redis: LimitsRedis;

  /** `prefix` separates directories sharing one Redis (it holds the directory's member id). */
  constructor(
    url: string,
    private readonly prefix: string,
    onError: (error: Error) => void,
  ) {
    this.redis = new Redis(url, {
      // a request must not wait while Redis is away: commands fail at once, the request limiter
      // then admits and logs (sign-in refuses), and ioredis keeps reconnecting in the background
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      // nor while a connected Redis does not answer (stalled, or a wrong service on its port)
      commandTimeout: 2000,
      enableAutoPipelining: true,
    }) as LimitsRedis;
    let reported = 0;
    this.redis.on('error', (error: Error) => {
      const now = clock.now();
      if (now - reported > 30000) {
        reported = now;
        onError(error);
      }
    });
    this.redis.defineCommand('rosterTake', { numberOfKeys: 1, lua: TAKE });
    this.redis.defineCommand('rosterOperating', { numberOfKeys: 1, lua: OPERATING });
    this.redis.defineCommand('rosterReserve', { numberOfKeys: 1, lua: RESERVE });
    this.redis.defineCommand('rosterRelease', { numberOfKeys: 1, lua: RELEASE });
  }

  /** Resolves once connected, or after `timeout` ms (the server then starts and admits until Redis is back). */
  ready(timeout: number): Promise<boolean> {
    if (this.redis.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeout);
      this.redis.once('ready', onReady);
    });
  }

  async take(key: string, profile: RateProfile): Promise<boolean> {
    return (await this.redis.rosterTake(this.prefix + key, profile.burst, profile.drain, clock.seconds().toFixed(6))) === 1;
  }

  async operating(key: string, seconds: number): Promise<OperatingState> {
    // a fixed decimal string: HINCRBYFLOAT refuses exponent notation such as 1e-7
    const [total, oldest, now] = await this.redis.rosterOperating(this.prefix + key, seconds.toFixed(9), WINDOW_BUCKETS, BUCKET_SECONDS, clock.seconds().toFixed(6));
    const first = Number(oldest);
    return {
      total: Number(total),
      resetAt: first < 0 ? Number(now) + WINDOW_BUCKETS * BUCKET_SECONDS : (first + WINDOW_BUCKETS) * BUCKET_SECONDS,
    };
  }

  async reserve(key: string, max: number, windowSeconds: number): Promise<Reservation> {
    const [allowed, ttl, now] = await this.redis.rosterReserve(this.prefix + key, max, Math.ceil(windowSeconds));
    return { allowed: allowed === 1, resetAt: now + ttl };
  }

  async release(key: string): Promise<void> {
    await this.redis.rosterRelease(this.prefix + key);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
