import { randomBytes, randomUUID } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { parties, sqlClientOf } from '@samsyn/db';
import {
  captureLogs,
  createTestDatabase,
  startServer,
  type TestDatabase,
  testEnv,
  testPersonnummer,
  testPersonSecrets,
} from '@samsyn/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectPlatform,
  createHost,
  createLogger,
  createRoute,
  createRouter,
  databaseTracer,
  flushTracing,
  type Platform,
  parseConfig,
  serviceConfigSchema,
  shutdownTracing,
  startTracing,
  tracingEnabled,
  z,
} from '../src';
import { type OtlpReceiver, personnummerForms, spanKind, startOtlpReceiver } from './otlp-receiver';

const PersonBody = z.object({ personnummer: z.string() });

/** Routes that do what the audited paths do: drizzle queries and a postgres.js transaction. */
function lookupRouter(platform: () => Platform) {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/lookups/{caseId}',
      operationId: 'lookUp',
      request: {
        params: z.object({ caseId: z.string() }),
        body: { required: true, content: { 'application/json': { schema: PersonBody } } },
      },
      responses: {
        200: {
          description: 'Found',
          content: { 'application/json': { schema: z.object({ found: z.number(), length: z.number() }) } },
        },
      },
    }),
    async (c) => {
      const { personnummer } = c.req.valid('json');
      const { db } = platform().database;
      // The personnummer as a drizzle parameter and as a postgres.js one: neither may reach a span.
      const found = await db
        .select({ id: parties.id })
        .from(parties)
        .where(eq(parties.displayName, personnummer));
      const [row] = await sqlClientOf(db).begin(
        (sql) => sql<{ length: number }[]>`select length(${personnummer}::text) as length`,
      );
      return c.json({ found: found.length, length: row?.length ?? 0 }, 200);
    },
  );
  router.post('/v1/failures', async (c) => {
    const { personnummer } = PersonBody.parse(await c.req.json());
    // PostgreSQL quotes the value it could not read in its message.
    await sqlClientOf(platform().database.db).begin((sql) => sql`select ${personnummer}::uuid`);
    return c.json({}, 200);
  });
  return router;
}

describe('without an endpoint', () => {
  it('starts nothing: no provider, no database tracer, no-op spans', async () => {
    expect(await startTracing({}, { name: 'tracing-test', version: '0.0.0' })).toBe(false);
    expect(tracingEnabled()).toBe(false);
    expect(databaseTracer()).toBeUndefined();
    expect(trace.getTracer('tracing-test').startSpan('nothing').isRecording()).toBe(false);
  });
});

describe('with an OTLP endpoint', () => {
  const logs = captureLogs();
  // Left unassigned when the start fails; afterAll then closes what was made.
  let receiver: OtlpReceiver;
  let database: TestDatabase;
  let platform: Platform;
  let server: Awaited<ReturnType<typeof startServer>>;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    database = await createTestDatabase();
    const config = parseConfig(serviceConfigSchema, {
      DATABASE_URL: database.url,
      REDIS_URL: testEnv.redisUrl,
      REDIS_PREFIX: `samsyn-test:${randomUUID()}:`,
      // Its polls run outside any request: they must not make spans of their own.
      PARTY_REFRESH_MS: '100',
      PERSON_KEY_SECRET: testPersonSecrets.hmacSecret,
      PERSON_ENCRYPTION_KEY: testPersonSecrets.encryptionKey,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20collector-key, x-tenant=samsyn',
      OTEL_SERVICE_NAME: 'samsyn-tracing-test',
    });
    // As main.ts does: first, so the platform's database and the host are made traced.
    expect(await startTracing(config, { name: 'tracing-test', version: '0.0.0' })).toBe(true);
    platform = await connectPlatform(
      config,
      createLogger({ name: 'tracing-test', destination: logs.stream }),
      {
        keys: [],
      },
    );
    const app = createHost(
      {
        name: 'tracing-test',
        version: '0.0.0',
        description: 'tracing test host',
        logger: createLogger({ name: 'tracing-test', destination: logs.stream }),
        bodyLimitBytes: 4096,
        readiness: platform.readiness,
      },
      (host) =>
        host.route(
          '/',
          lookupRouter(() => platform),
        ),
    );
    server = await startServer(app);
  });

  afterAll(async () => {
    await server?.close();
    await platform?.close();
    await database?.close();
    await shutdownTracing();
    await receiver?.close();
  });

  const traced = (path: string, body: unknown) => {
    const traceId = randomBytes(16).toString('hex');
    const parentId = randomBytes(8).toString('hex');
    const response = fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${parentId}-01` },
      body: JSON.stringify(body),
    });
    return { traceId, parentId, response };
  };

  it('continues the caller’s trace: a server span named by route pattern, database spans beneath it', async () => {
    const personnummer = testPersonnummer();
    const caseId = randomUUID();
    const { traceId, parentId, response } = traced(`/v1/lookups/${caseId}?personnummer=${personnummer}`, {
      personnummer,
    });
    expect((await response).status).toBe(200);
    await flushTracing();

    const spans = receiver.spans.filter((span) => span.traceId === traceId);
    const serverSpan = spans.find((span) => span.kind === spanKind.server);
    expect(serverSpan).toMatchObject({
      name: 'POST /v1/lookups/:caseId',
      parentSpanId: parentId,
      service: 'samsyn-tracing-test',
      attributes: {
        'http.route': '/v1/lookups/:caseId',
        'http.request.method': 'POST',
        'http.response.status_code': 200,
      },
    });
    expect(serverSpan?.attributes['samsyn.request_id']).toEqual(expect.any(String));
    // No ids in the name, no query string in the URL.
    expect(serverSpan?.name).not.toContain(caseId);
    expect(String(serverSpan?.attributes['url.full'])).not.toContain('?');

    const drizzleSelect = spans.find(
      (span) => span.kind === spanKind.client && span.attributes['db.collection.name'] === 'parties',
    );
    expect(drizzleSelect).toMatchObject({
      name: 'SELECT parties',
      parentSpanId: serverSpan?.spanId,
      attributes: {
        'db.system.name': 'postgresql',
        'db.system': 'postgresql',
        'db.operation.name': 'SELECT',
        'db.query.summary': 'SELECT parties',
      },
    });
    const transaction = spans.find((span) => span.name === 'transaction');
    expect(transaction).toMatchObject({
      parentSpanId: serverSpan?.spanId,
      attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'TRANSACTION' },
    });
    expect(spans).toContainEqual(
      expect.objectContaining({
        name: 'SELECT',
        parentSpanId: transaction?.spanId,
        attributes: expect.objectContaining({ 'db.operation.name': 'SELECT' }),
      }),
    );

    const exported = receiver.bodies.join('\n');
    for (const form of personnummerForms(personnummer)) expect(exported).not.toContain(form);
    // OTLP/HTTP JSON, with the headers OTEL_EXPORTER_OTLP_HEADERS names.
    expect(receiver.headers[0]).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer collector-key',
      'x-tenant': 'samsyn',
    });
  });

  it('marks a failed statement with its SQLSTATE and redacts the value PostgreSQL quoted', async () => {
    const personnummer = testPersonnummer();
    const { traceId, response } = traced('/v1/failures', { personnummer });
    expect((await response).status).toBe(500);
    await flushTracing();

    const spans = receiver.spans.filter((span) => span.traceId === traceId);
    expect(spans).toContainEqual(
      expect.objectContaining({
        name: 'SELECT',
        status: expect.objectContaining({ code: 2 }),
        attributes: expect.objectContaining({ 'db.response.status_code': '22P02', 'error.type': '22P02' }),
      }),
    );
    const serverSpan = spans.find((span) => span.kind === spanKind.server);
    const exception = serverSpan?.events.find((event) => event.name === 'exception');
    expect(String(exception?.attributes['exception.message'])).toContain('[personnummer]');

    const exported = receiver.bodies.join('\n');
    for (const form of personnummerForms(personnummer)) expect(exported).not.toContain(form);
  });

  it('leaves statements outside a traced operation, and probes and metrics, untraced', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${server.url}${path}`)).status).toBe(200);
    }
    // Several of the revocation watch's polls.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await flushTracing();
    expect(receiver.spans.filter((span) => span.kind === spanKind.server).map((span) => span.name)).toEqual([
      'POST /v1/lookups/:caseId',
      'POST /v1/failures',
    ]);
    const databaseSpans = receiver.spans.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    expect(databaseSpans.length).toBeGreaterThan(0);
    for (const span of databaseSpans) expect(span.parentSpanId).not.toBe('');
  });

  it('stops on shutdown, after which nothing is traced', async () => {
    await shutdownTracing();
    expect(tracingEnabled()).toBe(false);
    expect(databaseTracer()).toBeUndefined();
    expect(trace.getTracer('tracing-test').startSpan('after').isRecording()).toBe(false);
  });
});
