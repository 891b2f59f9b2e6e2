import { randomUUID } from 'node:crypto';
import { deliveries, parties } from '@samsyn/db';
import { generateWebhookSecret } from '@samsyn/queue';
import {
  createTestDatabase,
  createTestParty,
  startWebhookReceiver,
  type TestDatabase,
} from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../src/webhook-worker';

let database: TestDatabase;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let partyId = '';
const secret = generateWebhookSecret();
const policy = { allowHttp: true, allowPrivateNetworks: true, timeoutMs: 2000, maxResponseBytes: 1024 };

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver(secret);
  const party = await createTestParty(database.db, 'region');
  partyId = party.id;
  await database.db
    .update(parties)
    .set({ webhookUrl: receiver.url, webhookSecret: secret })
    .where(eq(parties.id, partyId));
});
afterAll(async () => {
  await receiver.close();
  await database.close();
});

async function row(state: 'queued' | 'cancelled' | 'delivered' | 'dead', party = partyId) {
  const id = randomUUID();
  await database.db.insert(deliveries).values({
    id,
    partyId: party,
    eventType: 'meeting.reminder',
    payload: { meetingId: randomUUID() },
    state,
  });
  return id;
}

const job = (deliveryId: string, attemptsMade = 0) => ({ data: { deliveryId }, attemptsMade });

describe('one delivery attempt', () => {
  it('sends a queued row and records it as delivered', async () => {
    const id = await row('queued');
    expect(await deliver({ db: database.db, policy, maxAttempts: 3 }, job(id))).toBe('delivered');
    const [stored] = await database.db.select().from(deliveries).where(eq(deliveries.id, id));
    expect(stored).toMatchObject({ state: 'delivered', attempts: 1, lastError: null });
    expect(receiver.received.filter((m) => m.id === id && m.verified)).toHaveLength(1);
  });

  it('drops a cancelled row (a moved meeting’s reminder) without sending it', async () => {
    for (const state of ['cancelled', 'delivered', 'dead'] as const) {
      const id = await row(state);
      expect(await deliver({ db: database.db, policy, maxAttempts: 3 }, job(id))).toBe('skipped');
      expect(receiver.received.filter((m) => m.id === id)).toHaveLength(0);
    }
  });

  it('marks the last failed attempt dead, and an earlier one retrying', async () => {
    receiver.respondWith(() => 500);
    const id = await row('queued');
    await expect(deliver({ db: database.db, policy, maxAttempts: 3 }, job(id, 0))).rejects.toThrow(
      'http 500',
    );
    expect((await database.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]?.state).toBe(
      'retrying',
    );
    await expect(deliver({ db: database.db, policy, maxAttempts: 3 }, job(id, 2))).rejects.toThrow(
      'http 500',
    );
    expect((await database.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]).toMatchObject({
      state: 'dead',
      attempts: 2,
      lastError: 'http 500',
    });
    receiver.respondWith(() => 200);
  });

  it('makes a message to a party without a webhook a dead letter at once', async () => {
    const other = await createTestParty(database.db, 'kommun');
    const id = await row('queued', other.id);
    await expect(deliver({ db: database.db, policy, maxAttempts: 3 }, job(id))).rejects.toThrow('no webhook');
    expect((await database.db.select().from(deliveries).where(eq(deliveries.id, id)))[0]?.state).toBe('dead');
  });
});
