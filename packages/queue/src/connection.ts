import { Redis } from 'ioredis';

/**
 * A connection for BullMQ workers: blocking commands must wait for Redis indefinitely rather than fail
 * after a retry count (BullMQ's production guide).
 */
export function createWorkerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/**
 * BullMQ loses jobs if Redis evicts keys under memory pressure; `noeviction` is the only safe policy.
 * Returns the policy found so the caller can refuse or warn.
 */
export async function evictionPolicy(redis: Redis): Promise<string> {
  const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
  return reply[1] ?? 'unknown';
}
