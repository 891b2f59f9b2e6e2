import { randomUUID } from 'node:crypto';
import { createDatabase, type Database, deliveries, parties } from '@samsyn/db';
import { createLogger, databaseTracer, flushTracing, shutdownTracing, startTracing } from '@samsyn/http';
import { bullPrefix, generateWebhookSecret, queueNames } from '@samsyn/queue';
import {
  captureLogs,
  createTestDatabase,
  createTestParty,
  startWebhookReceiver,
  type TestDatabase,
  testEnv,
  type WebhookReceiver,
} from '@samsyn/testkit';
import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, spanKind, startOtlpReceiver } from '../../../packages/http/test/otlp-receiver';
import { startDispatcher } from '../src/dispatcher';

let collector: OtlpReceiver;
let database: TestDatabase;
let traced: Database;
let webhooks: WebhookReceiver;
let dispatcher: ReturnType<typeof startDispatcher>;
const secret = generateWebhookSecret();
const redisPrefix = `samsyn-test:${randomUUID()}:`;

beforeAll(async () => {
  collector = await startOtlpReceiver();
  expect(
    await startTracing(
      { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url },
      { name: 'samsyn-dispatcher', version: '0.0.0' },
    ),
  ).toBe(true);
  database = await createTestDatabase();
  // As main.ts makes it once tracing is on.
  traced = createDatabase({ url: database.url, maxConnections: 3, tracer: databaseTracer() });
  webhooks = await startWebhookReceiver(secret);
  dispatcher = startDispatcher({
    db: traced.db,
    logger: createLogger({ name: 'dispatcher-test', destination: captureLogs().stream }),
    redisUrl: testEnv.redisUrl,
    redisPrefix,
    policy: { allowHttp: true, allowPrivateNetworks: true, timeoutMs: 2000, maxResponseBytes: 1024 },
    maxAttempts: 3,
    backoffBaseMs: 50,
    backoffMaxMs: 200,
    concurrency: 5,
    lockDurationMs: 5000,
    relayIntervalMs: 50,
    requeueAfterMs: 60_000,
    auditSequenceIntervalMs: 1000,
    tracing: true,
  });
});

// Left unassigned when the start fails; this then closes what was made.
afterAll(async () => {
  await dispatcher?.stop();
  const connection = new Redis(testEnv.redisUrl, { maxRetriesPerRequest: 1 });
  const queue = new Queue(queueNames.webhookDelivery, { connection, prefix: bullPrefix(redisPrefix) });
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  await webhooks?.close();
  await traced?.close();
  await database?.close();
  await shutdownTracing();
  await collector?.close();
});

async function until<T>(find: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a message traced from the outbox to the webhook', () => {
  it('is one trace: relay (producer), worker (consumer), database, and the POST the receiver joins', async () => {
    const party = await createTestParty(database.db, 'region');
    await database.db
      .update(parties)
      .set({ webhookUrl: webhooks.url, webhookSecret: secret })
      .where(eq(parties.id, party.id));
    const id = randomUUID();
    await database.db.insert(deliveries).values({
      id,
      partyId: party.id,
      eventType: 'meeting.reminder',
      payload: { meetingId: randomUUID() },
    });

    const message = await until(() => webhooks.received.find((received) => received.id === id));
    // The trace header travels outside the signed content: the signature still verifies.
    expect(message.verified).toBe(true);
    const [, traceId, postSpanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(
      String(message.headers.traceparent),
    ) ?? ['', '', ''];
    expect(traceId).not.toBe('');

    // The worker's span ends after its job completes, just after the receiver has answered.
    const spans = await until(async () => {
      await flushTracing();
      const inTrace = collector.spans.filter((span) => span.traceId === traceId);
      return inTrace.some((span) => span.kind === spanKind.consumer) ? inTrace : undefined;
    });

    const producer = spans.find((span) => span.kind === spanKind.producer);
    expect(producer).toMatchObject({ name: `addBulk ${queueNames.webhookDelivery}`, parentSpanId: '' });
    const consumer = spans.find((span) => span.kind === spanKind.consumer);
    expect(consumer).toMatchObject({
      name: `process ${queueNames.webhookDelivery}`,
      parentSpanId: producer?.spanId,
    });
    const post = spans.find((span) => span.spanId === postSpanId);
    expect(post).toMatchObject({
      name: 'POST',
      kind: spanKind.client,
      parentSpanId: consumer?.spanId,
      attributes: {
        'http.request.method': 'POST',
        'server.address': '127.0.0.1',
        'http.response.status_code': 200,
        'samsyn.webhook_id': id,
        'samsyn.event_type': 'meeting.reminder',
      },
    });
    // The worker's batched read and its recorded attempt, beneath the job.
    const statements = spans
      .filter((span) => span.attributes['db.system.name'] === 'postgresql')
      .map((span) => [span.name, span.parentSpanId === consumer?.spanId]);
    expect(statements).toContainEqual(['SELECT deliveries', true]);
    expect(statements).toContainEqual(['UPDATE deliveries', true]);
  });
});
