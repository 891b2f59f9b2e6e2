import { afterAll, describe, expect, it } from 'vitest';
import { createWorkerConnection, evictionPolicy } from '../src/connection';
import { jobPayloadSchemas, queueNames } from '../src/queues';

const redis = createWorkerConnection(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
afterAll(() => redis.quit());

describe('queue contracts', () => {
  it('accept ids and refuse anything more, so no personal data reaches Redis', () => {
    const schema = jobPayloadSchemas[queueNames.webhookDelivery];
    expect(schema.safeParse({ outboxId: crypto.randomUUID(), partyId: 'fk' }).success).toBe(true);
    expect(
      schema.safeParse({ outboxId: crypto.randomUUID(), partyId: 'fk', personnummer: '198112189876' })
        .success,
    ).toBe(false);
  });

  it('reads the eviction policy of a real Redis', async () => {
    expect(await evictionPolicy(redis)).toMatch(/^[a-z-]+$/);
  });
});
