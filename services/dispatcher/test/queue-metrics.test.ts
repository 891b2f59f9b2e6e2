import { randomUUID } from 'node:crypto';
import { deliveries } from '@samsyn/db';
import { createLogger } from '@samsyn/http';
import { bullPrefix, queueNames } from '@samsyn/queue';
import {
  captureLogs,
  createTestDatabase,
  createTestParty,
  startServer,
  type TestDatabase,
  testEnv,
} from '@samsyn/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcherHost } from '../src/host';

let database: TestDatabase;
let connection: Redis;
let queue: Queue;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  database = await createTestDatabase();
  connection = new Redis(testEnv.redisUrl, { maxRetriesPerRequest: 1 });
  queue = new Queue(queueNames.webhookDelivery, {
    connection,
    prefix: bullPrefix(`samsyn-test:${randomUUID()}:`),
  });
  server = await startServer(
    createDispatcherHost({
      db: database.db,
      logger: createLogger({ name: 'dispatcher-test', destination: captureLogs().stream }),
      readiness: {},
      queues: [queue],
    }),
  );
});

afterAll(async () => {
  await server.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  await database.close();
});

/** One sample's value from Prometheus text, by name and the labels it must carry. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const carried = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => carried.includes(`${key}="${value}"`)))
      return Number(match[3]);
  }
  return undefined;
}

const scrape = async () => {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
};

describe('queue metrics on /metrics', () => {
  it('counts jobs per queue and state at scrape time', async () => {
    const job = () => ({ name: 'deliver', data: { deliveryId: randomUUID() } });
    await queue.addBulk([job(), job(), { ...job(), opts: { delay: 600_000 } }]);
    const text = await scrape();
    const of = (state: string) =>
      sample(text, 'samsyn_queue_jobs', { queue: queueNames.webhookDelivery, state });
    expect(of('waiting')).toBe(2);
    expect(of('delayed')).toBe(1);
    for (const state of ['active', 'failed', 'completed', 'paused']) expect(of(state)).toBe(0);
    // Labels are the queue's name and the state, and the process; nothing else.
    const labels = text
      .split('\n')
      .filter((line) => line.startsWith('samsyn_queue_jobs{'))
      .map((line) => [...line.matchAll(/(\w+)="/g)].map((m) => m[1]).sort());
    for (const names of labels) expect(names).toEqual(['queue', 'service', 'state']);

    await queue.add('deliver', { deliveryId: randomUUID() });
    expect(sample(await scrape(), 'samsyn_queue_jobs', { state: 'waiting' })).toBe(3);
  });

  it('reports the outbox backlog, its oldest row’s age, and dead letters', async () => {
    const party = await createTestParty(database.db, 'region');
    const row = (state: 'pending' | 'dead' | 'delivered', createdAt = new Date()) => ({
      id: randomUUID(),
      partyId: party.id,
      eventType: 'meeting.reminder',
      payload: { meetingId: randomUUID() },
      state,
      createdAt,
    });
    await database.db
      .insert(deliveries)
      .values([
        row('pending', new Date(Date.now() - 90_000)),
        row('pending'),
        row('pending'),
        row('dead'),
        row('dead'),
        row('delivered'),
      ]);
    const text = await scrape();
    expect(sample(text, 'samsyn_outbox_pending_messages')).toBe(3);
    expect(sample(text, 'samsyn_outbox_dead_letters')).toBe(2);
    const age = sample(text, 'samsyn_outbox_oldest_pending_age_seconds') ?? 0;
    expect(age).toBeGreaterThanOrEqual(89);
    expect(age).toBeLessThan(150);

    // Relayed, the backlog is gone and its age with it.
    await database.db.update(deliveries).set({ state: 'queued' });
    const after = await scrape();
    expect(sample(after, 'samsyn_outbox_pending_messages')).toBe(0);
    expect(sample(after, 'samsyn_outbox_oldest_pending_age_seconds')).toBe(0);
  });
});

describe('when Redis does not answer', () => {
  it('still serves /metrics, without the queue samples', async () => {
    // Nothing listens on port 1: every command fails at once.
    const gone = new Redis('redis://127.0.0.1:1', {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    gone.on('error', () => {});
    const away = new Queue(queueNames.webhookDelivery, { connection: gone, prefix: 'samsyn-test:gone:' });
    away.on('error', () => {});
    const host = await startServer(
      createDispatcherHost({
        db: database.db,
        logger: createLogger({ name: 'dispatcher-test', destination: captureLogs().stream }),
        readiness: {},
        queues: [away],
      }),
    );
    try {
      const started = performance.now();
      const response = await fetch(`${host.url}/metrics`);
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(performance.now() - started).toBeLessThan(5000);
      expect(sample(text, 'samsyn_queue_jobs')).toBeUndefined();
      expect(sample(text, 'samsyn_outbox_pending_messages')).toBeDefined();
    } finally {
      await host.close();
      await away.close().catch(() => {});
      gone.disconnect();
    }
  });
});
