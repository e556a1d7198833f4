import { memberId } from '../store/member.js';
import type { App } from './context.js';
import { Limits, MemoryBackend, parseLimits } from './limits.js';
import { RedisBackend } from './limits-redis.js';

/**
 * The limits of a server instance from its configuration: `limits` (the request bucket),
 * `operatingBudget` and, when `redis` is set, counters shared through Redis.
 */
export async function createLimits(app: Pick<App, 'config' | 'store' | 'log'> & { log: App['log'] }): Promise<Limits> {
  const rate = parseLimits(app.config.limits);
  const log = () => app.log;
  if (!app.config.redis) return new Limits(new MemoryBackend(), rate, app.config.operatingBudget, log);
  const prefix = `roster:${await memberId(app.store.db)}:`;
  const backend = new RedisBackend(app.config.redis, prefix, (error) => app.log.error({ err: error }, 'Redis connection error'));
  if (!(await backend.ready(3000))) app.log.error({}, 'Redis is not reachable: limits are not enforced until it is');
  return new Limits(backend, rate, app.config.operatingBudget, log);
}
