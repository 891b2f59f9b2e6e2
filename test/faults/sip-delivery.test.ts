import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningJwk } from '@samsyn/auth';
import {
  createTestConsent,
  createTestParty,
  startOwnRedis,
  type TestParty,
  testEnv,
  testPersonnummer,
  type WebhookReceiver,
} from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allScopes,
  callApi,
  dispatcherSettings,
  startDispatcher,
  startTestGateway,
  type TestGateway,
  withReceiver,
} from '../e2e/sip-harness';

/**
 * The invitation queue under faults: a receiver that fails for a while or for good, Redis stopped
 * while meetings are called, and a dispatcher killed in the middle of a delivery. Nothing is lost.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let gateway: TestGateway;
let kommun: TestParty;
let region: TestParty;
let kommunToken = '';
let regionToken = '';
let regionReceiver: WebhookReceiver;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  gateway = await startTestGateway();
  kommun = await createTestParty(gateway.database.db, 'kommun');
  region = await createTestParty(gateway.database.db, 'region');
  regionReceiver = await withReceiver(gateway, region);
  kommunToken = await gateway.tokenFor(kommun, allScopes, 'kommun-officer');
  regionToken = await gateway.tokenFor(region, allScopes, 'region-officer');
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await regionReceiver.close();
  await gateway.close();
});

/** Opens a SIP between the kommun and the region and calls a meeting; returns the region's invitation delivery ids. */
async function callMeeting(): Promise<{ sipId: string }> {
  const personnummer = testPersonnummer();
  const consent = await createTestConsent(gateway.database.db, gateway.persons, {
    personnummer,
    parties: [kommun.id, region.id],
    categories: ['care'],
    purposes: ['sip'],
  });
  const opened = await callApi(gateway, kommunToken, 'POST', '/v1/sips', {
    personnummer,
    consentId: consent.id,
    participants: [kommun.id, region.id],
    principal: kommun.id,
    coordinator: { party: kommun.id, name: 'Samordnare' },
    needs: ['Samordning'],
  });
  expect(opened.status).toBe(201);
  const sipId = String(opened.body.id);
  const called = await callApi(gateway, kommunToken, 'POST', `/v1/sips/${sipId}/meetings`, {
    startsAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    durationMinutes: 60,
    videoLink: 'https://mote.example.se/sip',
    agenda: ['Nuläge'],
    participants: [{ party: region.id, role: 'rehabkoordinator', displayName: 'Omar Said' }],
  });
  expect(called.status).toBe(201);
  return { sipId };
}

async function regionInvitationDelivery(sipId: string) {
  const rows = await gateway.database.sql<
    { id: string; state: string; attempts: number; last_error: string | null }[]
  >`
    select id, state, attempts, last_error from deliveries
    where sip_id = ${sipId} and party_id = ${region.id} and event_type = 'invitation.created'`;
  const [row] = rows;
  if (!row) throw new Error('no delivery row');
  return row;
}

describe('a receiver that fails', () => {
  it('for a while gets the invitation once it recovers, with every attempt recorded', async () => {
    const dispatcher = startDispatcher(dispatcherSettings(gateway));
    stops.push(() => dispatcher.stop());
    let failures = 0;
    regionReceiver.respondWith(() => (++failures <= 3 ? 500 : 200));
    const { sipId } = await callMeeting();
    await expect
      .poll(async () => (await regionInvitationDelivery(sipId)).state, { timeout: 15_000 })
      .toBe('delivered');
    const row = await regionInvitationDelivery(sipId);
    expect(row.attempts).toBe(4);
    const sip = await callApi(gateway, kommunToken, 'GET', `/v1/sips/${sipId}`);
    const [meeting] = sip.body.meetings as Array<{
      invitations: Array<{ party: string | null; delivery: { state: string; attempts: number } | null }>;
    }>;
    expect(meeting?.invitations.find((i) => i.party === region.id)?.delivery).toMatchObject({
      state: 'delivered',
      attempts: 4,
    });
    // Every attempt of the one message carried the same webhook-id.
    const attempts = regionReceiver.received.filter(
      (m) => m.data.sipId === sipId && m.type === 'invitation.created',
    );
    expect(attempts).toHaveLength(4);
    expect(new Set(attempts.map((m) => m.id)).size).toBe(1);
    await dispatcher.stop();
    stops.pop();
  });

  it('for good becomes a dead letter, visible in the API, and a re-drive delivers it', async () => {
    const dispatcher = startDispatcher(dispatcherSettings(gateway));
    stops.push(() => dispatcher.stop());
    regionReceiver.respondWith(() => 503);
    const { sipId } = await callMeeting();
    await expect
      .poll(async () => (await regionInvitationDelivery(sipId)).state, { timeout: 15_000 })
      .toBe('dead');
    const dead = await regionInvitationDelivery(sipId);
    expect(dead).toMatchObject({ attempts: 5, last_error: 'http 503' });
    const letters = await callApi(gateway, regionToken, 'GET', '/v1/deliveries?state=dead');
    expect((letters.body.deliveries as Array<{ id: string }>).map((d) => d.id)).toContain(dead.id);

    regionReceiver.respondWith(() => 200);
    const redriven = await callApi(gateway, regionToken, 'POST', `/v1/deliveries/${dead.id}/redrives`);
    expect(redriven.status).toBe(202);
    await expect
      .poll(async () => (await regionInvitationDelivery(sipId)).state, { timeout: 15_000 })
      .toBe('delivered');
    const delivered = regionReceiver.received.filter((m) => m.id === dead.id);
    expect(delivered.length).toBe(6);
    await dispatcher.stop();
    stops.pop();
  });
});

describe('Redis stopped while meetings are called', () => {
  it('the calls still succeed, and every invitation is delivered after Redis returns', async () => {
    const redis = await startOwnRedis();
    stops.push(redis.stop);
    const dispatcher = startDispatcher(dispatcherSettings(gateway, { redisUrl: redis.url }));
    stops.push(() => dispatcher.stop());
    regionReceiver.respondWith(() => 200);
    await redis.stop();
    const calls = [];
    for (let i = 0; i < 3; i++) calls.push(await callMeeting());
    // With Redis away the rows wait in the outbox.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const { sipId } of calls) expect((await regionInvitationDelivery(sipId)).state).toBe('pending');
    await redis.start();
    for (const { sipId } of calls) {
      await expect
        .poll(async () => (await regionInvitationDelivery(sipId)).state, { timeout: 20_000 })
        .toBe('delivered');
    }
    // Every dispatcher on a database shares its outbox: stop this one before the next test.
    await dispatcher.stop();
    await redis.stop();
    stops.splice(-2, 2);
  });
});

describe('a dispatcher killed in the middle of a delivery', () => {
  it('loses nothing: another one delivers it, and the duplicate carries the same webhook-id', async () => {
    const prefix = `samsyn-test:${randomUUID()}:`;
    const signingKeyFile = path.join(
      await mkdtemp(path.join(tmpdir(), 'samsyn-key-')),
      'gateway.private.jwk.json',
    );
    await writeFile(signingKeyFile, JSON.stringify(await generateSigningJwk()));
    const spawnDispatcher = (): ChildProcess =>
      spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services/dispatcher/src/main.ts')], {
        cwd: root,
        stdio: 'ignore',
        env: {
          ...process.env,
          DATABASE_URL: gateway.database.url,
          REDIS_URL: testEnv.redisUrl,
          REDIS_PREFIX: prefix,
          DISPATCHER_PORT: '0',
          LOG_LEVEL: 'silent',
          RELAY_INTERVAL_MS: '50',
          WEBHOOK_LOCK_DURATION_MS: '2000',
          WEBHOOK_BACKOFF_BASE_MS: '50',
          WEBHOOK_BACKOFF_MAX_MS: '200',
          WEBHOOK_ALLOW_HTTP: 'true',
          WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
          GATEWAY_SIGNING_KEY_FILE: signingKeyFile,
        },
      });
    let first: ChildProcess | undefined = spawnDispatcher();
    stops.push(async () => {
      first?.kill('SIGKILL');
    });
    // The first delivery attempt hangs; while it does, the dispatcher holding it is killed.
    let seen = 0;
    let killed: () => void = () => {};
    const wasKilled = new Promise<void>((resolve) => {
      killed = resolve;
    });
    regionReceiver.respondWith(async () => {
      seen++;
      if (seen === 1) {
        first?.kill('SIGKILL');
        first = undefined;
        killed();
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      return 200;
    });
    const { sipId } = await callMeeting();
    await wasKilled;
    const second = spawnDispatcher();
    stops.push(async () => {
      second.kill('SIGTERM');
    });
    await expect
      .poll(async () => (await regionInvitationDelivery(sipId)).state, { timeout: 30_000 })
      .toBe('delivered');
    const copies = regionReceiver.received.filter(
      (m) => m.data.sipId === sipId && m.type === 'invitation.created',
    );
    expect(copies.length).toBeGreaterThanOrEqual(2);
    expect(new Set(copies.map((m) => m.id)).size).toBe(1);
  });
});

describe('a Redis that may evict keys', () => {
  it('is refused at start: BullMQ would lose jobs', async () => {
    const redis = await startOwnRedis();
    stops.push(redis.stop);
    const probe = spawn('redis-cli', [
      '-p',
      String(redis.port),
      'config',
      'set',
      'maxmemory-policy',
      'allkeys-lru',
    ]);
    await new Promise((resolve) => probe.once('exit', resolve));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'services/dispatcher/src/main.ts')],
      {
        cwd: root,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          DATABASE_URL: gateway.database.url,
          REDIS_URL: redis.url,
          DISPATCHER_PORT: '0',
        },
      },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('noeviction');
  });
});
