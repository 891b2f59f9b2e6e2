import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runMigrations } from '@samsyn/db';
import { startEmbeddedPostgres } from '@samsyn/db/embedded';
import {
  createTestConsent,
  createTestParty,
  freePort,
  type TestParty,
  testPersonnummer,
} from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../e2e/sip-harness';

/**
 * PostgreSQL restarted under load: while it is away every request fails fast with 503 (never a 500,
 * never a hang), and when it is back the same gateway serves again, without a restart of its own.
 * The server is the test's own (embedded PostgreSQL on a spare port), never the machine's.
 */
let dataDir = '';
let port = 0;
let stopPostgres: () => Promise<void> = async () => {};
let gateway: TestGateway;
let kommun: TestParty;
let token = '';
const personnummer = testPersonnummer();

async function startPostgres() {
  const running = await startEmbeddedPostgres({ dataDir, port, database: 'samsyn' });
  stopPostgres = running.stop;
  return running.url;
}

beforeAll(async () => {
  const parent = await mkdtemp(path.join(tmpdir(), 'samsyn-pg-'));
  await chmod(parent, 0o755);
  dataDir = path.join(parent, 'pg');
  port = await freePort();
  const url = await startPostgres();
  await runMigrations(url);
  gateway = await startTestGateway({ databaseUrl: url });
  kommun = await createTestParty(gateway.database.db, 'kommun');
  const region = await createTestParty(gateway.database.db, 'region');
  await createTestConsent(gateway.database.db, gateway.persons, {
    personnummer,
    parties: [kommun.id, region.id],
    categories: ['care'],
    purposes: ['sip'],
  });
  token = await gateway.tokenFor(kommun, 'status:read');
}, 120_000);
afterAll(async () => {
  await gateway?.close();
  await stopPostgres();
  await rm(path.dirname(dataDir), { recursive: true, force: true });
});

async function query() {
  const response = await fetch(`${gateway.url}/v1/status-queries`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ personnummer, purpose: 'sip' }),
  });
  return {
    status: response.status,
    type: response.status >= 400 ? ((await response.json()) as { type: string }).type : null,
  };
}

describe('PostgreSQL restarted under load', () => {
  it('answers 503 while it is away and recovers without a restart', async () => {
    const seen: Array<{ phase: string; status: number; type: string | null }> = [];
    let phase = 'before';
    let running = true;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (running) {
          const result = await query();
          seen.push({ phase, ...result });
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    phase = 'down';
    await stopPostgres();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    phase = 'restarting';
    await startPostgres();
    phase = 'after';
    await expect
      .poll(async () => (await query()).status, { timeout: 20_000, interval: 200 })
      .toBe(200)
      .catch((error) => {
        process.stdout.write(
          gateway.logs.lines
            .filter((l) => l.includes('unavailable'))
            .slice(-3)
            .join('\n'),
        );
        throw error;
      });
    await new Promise((resolve) => setTimeout(resolve, 300));
    running = false;
    await load;

    expect(seen.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
    expect(seen.filter((s) => s.phase === 'before').every((s) => s.status === 200)).toBe(true);
    const down = seen.filter((s) => s.phase === 'down');
    expect(down.length).toBeGreaterThan(0);
    // A request already past the database when it stopped may still succeed; any other fails as 503.
    expect(
      down.filter(
        (s) => s.status !== 200 && !(s.status === 503 && s.type === 'urn:samsyn:problem:service-unavailable'),
      ),
    ).toEqual([]);
    expect(down.filter((s) => s.status === 503).length).toBeGreaterThan(0);
    const after = seen.filter((s) => s.phase === 'after');
    // Pooled connections that died with the server fail once each, then reconnect: after that, all serve.
    const settled: number[] = [];
    for (let i = 0; i < 20; i++) settled.push((await query()).status);
    expect(settled).toEqual(Array(20).fill(200));
    const readiness = await fetch(`${gateway.url}/readyz`);
    expect(readiness.status).toBe(200);
    process.stdout.write(
      `postgres restart: ${seen.length} requests, ${down.filter((s) => s.status === 503).length} of ${down.length} during the outage answered 503, ${after.filter((s) => s.status === 200).length} served after\n`,
    );
  });
});
