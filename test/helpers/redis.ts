/** The Redis the limit suites share (never reconfigured by a test), and whether it answers. */
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.ROSTER_TEST_REDIS ?? 'redis://127.0.0.1:6379';

export async function redisReachable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, commandTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** A client for a test's own look at Redis: every command answers or fails within seconds, never hangs the suite. */
export function testRedis(url = REDIS_URL): Redis {
  const client = new Redis(url, { connectTimeout: 2000, commandTimeout: 5000, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  return client;
}
