import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSigningJwk } from '@samsyn/auth';
import { signAssertion } from '@samsyn/client';
import {
  createTestDatabase,
  createTestParty,
  exampleStatusEvent,
  freePort,
  type TestDatabase,
  testEnv,
  testPersonnummer,
  testPersonSecrets,
} from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * SIGTERM to a gateway in the middle of heavy requests: it answers 503 at /readyz, keeps serving for
 * its grace period, then stops accepting, finishes every request it had taken in, and exits 0. A
 * request is dropped if the gateway did its work but the caller never got the answer: so every stored
 * publication must have been answered, and every answered one stored.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let database: TestDatabase;
let gateway: ChildProcess;
let port = 0;
let token = '';

function post(pathname: string, body: unknown, headers: Record<string, string>) {
  return new Promise<
    { outcome: 'answered'; status: number } | { outcome: 'refused' | 'dropped'; code: string }
  >((resolve) => {
    const payload = JSON.stringify(body);
    // A connection of its own per request, closed after it, so "refused" and "cut" can be told apart.
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          connection: 'close',
          ...headers,
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ outcome: 'answered', status: res.statusCode ?? 0 }));
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ outcome: 'dropped', code: error.code ?? error.message }),
        );
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({
        outcome: error.code === 'ECONNREFUSED' ? 'refused' : 'dropped',
        code: error.code ?? error.message,
      }),
    );
    req.end(payload);
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'samsyn-shutdown-'));
  const keyFile = path.join(dir, 'gateway.private.jwk.json');
  await writeFile(keyFile, JSON.stringify(await generateSigningJwk()));
  const publicUrl = `http://127.0.0.1:${port}`;
  gateway = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services/gateway/src/main.ts')], {
    cwd: root,
    stdio: 'ignore',
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      REDIS_URL: testEnv.redisUrl,
      REDIS_PREFIX: `samsyn-test:shutdown-${port}:`,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      PERSON_KEY_SECRET: testPersonSecrets.hmacSecret,
      PERSON_ENCRYPTION_KEY: testPersonSecrets.encryptionKey,
      GATEWAY_SIGNING_KEY_FILE: keyFile,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '1000000',
      SHUTDOWN_GRACE_MS: '2000',
    },
  });
  for (let attempt = 0; attempt < 150; attempt++) {
    const status = await fetch(`${publicUrl}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const kommun = await createTestParty(database.db, 'kommun');
  const assertion = await signAssertion({
    issuer: kommun.id,
    subject: 'officer',
    audience: `${publicUrl}/oauth2/token`,
    privateJwk: kommun.privateJwk,
  });
  const response = await fetch(`${publicUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion,
      scope: 'status:write',
    }),
  });
  token = ((await response.json()) as { access_token: string }).access_token;
}, 60_000);
afterAll(async () => {
  if (gateway.exitCode === null) gateway.kill('SIGKILL');
  await database.close();
});

describe('graceful shutdown under load', () => {
  it('finishes every accepted request and exits 0', async () => {
    // Heavy requests (500 events each, around a second apiece here) are surely in flight at the signal.
    const heavy = Array.from({ length: 6 }, (_, i) =>
      post(
        '/v1/status-events/batch',
        { events: Array.from({ length: 500 }, () => exampleStatusEvent(testPersonnummer(), 'assistance')) },
        { authorization: `Bearer ${token}`, 'idempotency-key': `shutdown-${port}-${i}` },
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', resolve));
    gateway.kill('SIGTERM');
    // More requests keep coming after the signal, within the grace period: answered, never cut.
    const late = Array.from({ length: 20 }, (_, i) =>
      post('/v1/status-events', exampleStatusEvent(testPersonnummer(), 'assistance'), {
        authorization: `Bearer ${token}`,
        'idempotency-key': `shutdown-late-${port}-${i}`,
      }),
    );
    const results = await Promise.all([...heavy, ...late]);
    const heavyResults = results.slice(0, heavy.length);
    expect(heavyResults).toEqual(heavyResults.map(() => ({ outcome: 'answered', status: 201 })));
    // A late request may meet a closing listener (refused, or reset while still in the kernel's
    // backlog); none that the gateway took in may be cut: every one it stored it also answered.
    expect(await exited).toBe(0);
    const stored = await database.sql`select count(*)::int as n from status_events`;
    const answered201 = results.filter((r) => r.outcome === 'answered' && r.status === 201);
    // Every answered publication is stored: 500 per batch, 1 per single event.
    expect(stored[0]?.n).toBe(heavy.length * 500 + (answered201.length - heavy.length));
    process.stdout.write(
      `graceful shutdown: ${heavy.length} heavy requests in flight all finished; of ${late.length} late ones ${results.slice(heavy.length).filter((r) => r.outcome === 'answered').length} answered, ${results.slice(heavy.length).filter((r) => r.outcome !== 'answered').length} not taken in; stored = answered\n`,
    );
  });
});
