import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerConnection, evictionPolicy } from '../src/connection';
import {
  deliveryJobId,
  jobPayloadSchemas,
  minimumRetrySpanMs,
  queueNames,
  retryDelayMs,
} from '../src/queues';

const redis = createWorkerConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(() => redis.quit());

describe('queue contracts', () => {
  it('accept ids and refuse anything more, so no personal data reaches Redis', () => {
    const schema = jobPayloadSchemas[queueNames.webhookDelivery];
    expect(schema.safeParse({ deliveryId: crypto.randomUUID() }).success).toBe(true);
    expect(schema.safeParse({ deliveryId: crypto.randomUUID(), personnummer: '198112189876' }).success).toBe(
      false,
    );
    expect(schema.safeParse({ deliveryId: 'not-an-id' }).success).toBe(false);
  });

  it('name a re-driven delivery’s job apart from the dead one', () => {
    const id = crypto.randomUUID();
    expect(deliveryJobId(id, 1)).not.toBe(deliveryJobId(id, 0));
    expect(deliveryJobId(id, 0)).not.toContain(':');
  });

  it('reads the eviction policy of a real Redis', async () => {
    expect(await evictionPolicy(redis)).toMatch(/^[a-z-]+$/);
  });
});

describe('retry delays', () => {
  it('grow exponentially to a cap, with jitter between half and all of the step', () => {
    const base = 10_000;
    const max = 3_600_000;
    expect(retryDelayMs(1, base, max, () => 0)).toBe(5_000);
    expect(retryDelayMs(1, base, max, () => 1)).toBe(10_000);
    expect(retryDelayMs(4, base, max, () => 1)).toBe(80_000);
    expect(retryDelayMs(30, base, max, () => 1)).toBe(max);
    for (let i = 0; i < 100; i++) {
      const delay = retryDelayMs(3, base, max);
      expect(delay).toBeGreaterThanOrEqual(20_000);
      expect(delay).toBeLessThanOrEqual(40_000);
    }
  });

  it('span at least 24 hours with the default settings', () => {
    expect(minimumRetrySpanMs(60, 10_000, 3_600_000)).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(minimumRetrySpanMs(40, 10_000, 3_600_000)).toBeLessThan(24 * 3_600_000);
  });
});
