import { randomUUID } from 'node:crypto';
import { ConfigError, createLogger, parseConfig } from '@samsyn/http';
import { bullPrefix, queueNames } from '@samsyn/queue';
import { captureLogs, createTestDatabase, startServer, type TestDatabase, testEnv } from '@samsyn/testkit';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatcherConfigSchema } from '../src/config';
import { createDispatcherHost } from '../src/host';

const credentials = { user: 'operator', password: 'a-long-operator-password-1' };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const authorised = { authorization: basic(credentials.user, credentials.password) };

let database: TestDatabase;
let connection: Redis;
let queue: Queue;
let board: Awaited<ReturnType<typeof startServer>>;
let bare: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  database = await createTestDatabase();
  connection = new Redis(testEnv.redisUrl, { maxRetriesPerRequest: 1 });
  queue = new Queue(queueNames.webhookDelivery, {
    connection,
    prefix: bullPrefix(`samsyn-test:${randomUUID()}:`),
  });
  const host = (withBoard: boolean) =>
    createDispatcherHost({
      db: database.db,
      logger: createLogger({ name: 'dispatcher-test', destination: captureLogs().stream }),
      readiness: {},
      queues: [queue],
      ...(withBoard ? { board: credentials } : {}),
    });
  board = await startServer(host(true));
  bare = await startServer(host(false));
});

afterAll(async () => {
  await board.close();
  await bare.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  await database.close();
});

describe('the queue dashboard', () => {
  it('asks for operator credentials, and refuses wrong ones', async () => {
    const refused: Array<Record<string, string>> = [
      {},
      { authorization: basic(credentials.user, 'a-wrong-operator-password') },
      { authorization: basic('someone', credentials.password) },
      { authorization: 'Bearer a-token' },
    ];
    for (const headers of refused) {
      for (const path of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues']) {
        const response = await fetch(`${board.url}${path}`, { headers });
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="Samsyn operators"/);
      }
    }
  });

  it('serves the board with its assets to an operator', async () => {
    const page = await fetch(`${board.url}/admin/queues`, { headers: authorised });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<title>Samsyn queues</title>');
    // The page asks the browser for nothing beyond this server (no web fonts from elsewhere).
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Its assets come from @bull-board/ui's folder, behind the same password.
    const script = /src="(static\/js\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${board.url}/admin/queues/${script}`, { headers: authorised });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${board.url}/admin/queues/${script}`)).status).toBe(401);
  });

  it('lists the real queues with jobs that hold only a delivery id', async () => {
    const deliveryId = randomUUID();
    await queue.add('deliver', { deliveryId }, { jobId: `${deliveryId}.0` });
    const response = await fetch(
      `${board.url}/admin/queues/api/queues?activeQueue=${queueNames.webhookDelivery}&status=waiting`,
      { headers: authorised },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      queues: Array<{ name: string; readOnlyMode: boolean; jobs: Array<{ id: string; data: unknown }> }>;
    };
    expect(body.queues.map((listed) => listed.name)).toEqual([queueNames.webhookDelivery]);
    const [listed] = body.queues;
    expect(listed?.readOnlyMode).toBe(true);
    expect(listed?.jobs).toContainEqual(
      expect.objectContaining({ id: `${deliveryId}.0`, data: { deliveryId } }),
    );
  });

  it('is read only: the outbox, not the board, decides what is sent', async () => {
    const response = await fetch(`${board.url}/admin/queues/api/queues/${queueNames.webhookDelivery}/pause`, {
      method: 'PUT',
      headers: authorised,
    });
    expect(response.status).toBe(405);
    expect(await queue.isPaused()).toBe(false);
  });

  it('does not exist without an operator password', async () => {
    const response = await fetch(`${bare.url}/admin/queues`, { headers: authorised });
    expect(response.status).toBe(404);
  });
});

describe('the operator settings', () => {
  const base = { DATABASE_URL: 'postgres://localhost/samsyn' };

  it('leave the board off unless a password is set, for the user "operator" by default', () => {
    const config = parseConfig(dispatcherConfigSchema, base);
    expect(config.OPERATOR_PASSWORD).toBeUndefined();
    expect(config.OPERATOR_USER).toBe('operator');
  });

  it('refuse a password under 16 characters, naming the variable', () => {
    expect(() => parseConfig(dispatcherConfigSchema, { ...base, OPERATOR_PASSWORD: 'too-short' })).toThrow(
      ConfigError,
    );
    expect(() => parseConfig(dispatcherConfigSchema, { ...base, OPERATOR_PASSWORD: 'too-short' })).toThrow(
      /OPERATOR_PASSWORD: must be at least 16 characters/,
    );
  });

  it('read collector headers, and name a malformed value without echoing it', () => {
    expect(
      parseConfig(dispatcherConfigSchema, {
        ...base,
        OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20c2VjcmV0, x-scope=samsyn',
      }).OTEL_EXPORTER_OTLP_HEADERS,
    ).toEqual({ authorization: 'Basic c2VjcmV0', 'x-scope': 'samsyn' });
    const malformed = () =>
      parseConfig(dispatcherConfigSchema, { ...base, OTEL_EXPORTER_OTLP_HEADERS: 'api-key-s3cr3t' });
    expect(malformed).toThrow(/OTEL_EXPORTER_OTLP_HEADERS: must be name=value pairs/);
    expect(malformed).not.toThrow(/s3cr3t/);
  });

  it('validate the OpenTelemetry endpoint', () => {
    expect(() =>
      parseConfig(dispatcherConfigSchema, { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }),
    ).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(
      parseConfig(dispatcherConfigSchema, { ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })
        .OTEL_EXPORTER_OTLP_ENDPOINT,
    ).toBe('http://collector:4318');
  });
});
