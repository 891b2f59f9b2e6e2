import { randomUUID } from 'node:crypto';
import { testEnv } from '@samsyn/testkit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ReplayGuard } from '../src/replay';

const redis = new Redis(testEnv.redisUrl);
afterAll(() => redis.quit());

describe('ReplayGuard on a real Redis', () => {
  it('accepts an id once and refuses it after', async () => {
    const guard = new ReplayGuard(redis, `samsyn-test:${randomUUID()}:`);
    await guard.claim('kommun:1281', 'jti-1', 60);
    await expect(guard.claim('kommun:1281', 'jti-1', 60)).rejects.toMatchObject({ failure: 'replayed_jti' });
    await guard.claim('kommun:1280', 'jti-1', 60);
  });

  it('keeps the id only as long as it could be replayed', async () => {
    const prefix = `samsyn-test:${randomUUID()}:`;
    await new ReplayGuard(redis, prefix).claim('fk', 'jti-2', 30);
    const ttl = await redis.ttl(`${prefix}jti:fk:jti-2`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30);
  });

  it('fails closed when Redis does not answer', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on('error', () => {});
    const guard = new ReplayGuard(dead, 'x:');
    await expect(guard.claim('fk', 'jti-3', 60)).rejects.toMatchObject({
      failure: 'replay_store_unavailable',
    });
    dead.disconnect();
  });
});
