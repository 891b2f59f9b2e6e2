import { captureLogs, startServer } from '@samsyn/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commonProblemResponses,
  createHost,
  createLogger,
  createRoute,
  createRouter,
  jsonBodyProblemResponses,
  ProblemSchema,
  z,
} from '../src';

const logs = captureLogs();
let server: Awaited<ReturnType<typeof startServer>>;
let redisUp = true;

const EchoSchema = z.object({
  name: z.string().min(1).max(20),
  count: z.number().int().min(0),
  tags: z.array(z.string().max(5)).max(3),
});

function sampleRouter() {
  const router = createRouter();
  router.openapi(
    createRoute({
      method: 'post',
      path: '/v1/echoes',
      operationId: 'createEcho',
      request: { body: { required: true, content: { 'application/json': { schema: EchoSchema } } } },
      responses: {
        201: { description: 'Echo', content: { 'application/json': { schema: EchoSchema } } },
        ...commonProblemResponses,
        ...jsonBodyProblemResponses,
      },
    }),
    (c) => c.json(c.req.valid('json'), 201),
  );
  router.get('/v1/explosions', () => {
    throw new Error('boom for 19811218-9876');
  });
  return router;
}

beforeAll(async () => {
  const app = createHost(
    {
      name: 'host-test',
      version: '0.0.0',
      description: 'test host',
      logger: createLogger({ name: 'host-test', destination: logs.stream }),
      bodyLimitBytes: 2048,
      readiness: { redis: async () => redisUp },
    },
    (host) => host.route('/', sampleRouter()),
  );
  // No `auth` option: authentication is covered against the real gateway in services/gateway/test.
  server = await startServer(app);
});
afterAll(async () => {
  await server.close();
});

const post = (
  path: string,
  body: string,
  headers: Record<string, string> = { 'content-type': 'application/json' },
) => fetch(`${server.url}${path}`, { method: 'POST', headers, body });

async function problem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = ProblemSchema.parse(await response.json());
  expect(body.type).toBe(`urn:samsyn:problem:${code}`);
  expect(body.status).toBe(status);
  return body;
}

describe('HTTP conventions', () => {
  it('accepts a valid body', async () => {
    const response = await post('/v1/echoes', JSON.stringify({ name: 'a', count: 1, tags: [] }));
    expect(response.status).toBe(201);
  });

  it('lists every failing field of a body that breaks the schema', async () => {
    const body = await problem(
      await post('/v1/echoes', JSON.stringify({ name: '', count: 1.5, tags: ['toolong'] })),
      422,
      'validation-failed',
    );
    expect(body.errors?.map((e) => e.pointer).sort()).toEqual(['/count', '/name', '/tags/0']);
    expect(body.errors?.every((e) => e.location === 'body')).toBe(true);
  });

  it('answers malformed JSON with 400', async () => {
    await problem(await post('/v1/echoes', '{"name": '), 400, 'malformed-request');
  });

  it('answers a body that is not JSON with 415', async () => {
    await problem(
      await post('/v1/echoes', 'name=a', { 'content-type': 'text/plain' }),
      415,
      'unsupported-media-type',
    );
  });

  it('answers a body over the limit with 413', async () => {
    const huge = JSON.stringify({ name: 'a', count: 1, tags: [], pad: 'x'.repeat(5000) });
    await problem(await post('/v1/echoes', huge), 413, 'payload-too-large');
  });

  it('answers an unknown route with 404 and a known route with the wrong method with 405 and Allow', async () => {
    await problem(await fetch(`${server.url}/v1/nothing-here`), 404, 'not-found');
    const response = await fetch(`${server.url}/v1/echoes`, { method: 'DELETE' });
    expect(response.headers.get('allow')).toBe('POST');
    await problem(response, 405, 'method-not-allowed');
  });

  it('turns an unexpected error into a 500 problem without a stack, and logs it with personnummer redacted', async () => {
    const response = await fetch(`${server.url}/v1/explosions`);
    const body = await problem(response, 500, 'internal-error');
    expect(JSON.stringify(body)).not.toContain('boom');
    const logged = logs.lines.filter((line) => line.includes('boom'));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('\n')).not.toMatch(/811218/);
    expect(logged.join('\n')).toContain('[personnummer]');
  });

  it('echoes a caller’s X-Request-Id and generates one otherwise', async () => {
    const echoed = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'agency-trace-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('agency-trace-42');
    const generated = await fetch(`${server.url}/healthz`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs.entries().some((e) => e.requestId === 'agency-trace-42')).toBe(true);
  });

  it('keeps personnummer out of request logs even when a caller puts one in the URL', async () => {
    await fetch(`${server.url}/v1/nothing-here?pnr=19811218-9876`);
    await fetch(`${server.url}/v1/people/198112189876`);
    expect(logs.lines.join('\n')).not.toMatch(/811218/);
  });

  it('reports readiness from its checks', async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    redisUp = false;
    const body = await problem(await fetch(`${server.url}/readyz`), 503, 'service-unavailable');
    expect(body.detail).toContain('redis');
    redisUp = true;
  });

  it('exposes Prometheus metrics labelled by route pattern, never by path', async () => {
    await fetch(`${server.url}/v1/people/198112189876`);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/samsyn_http_requests_total\{[^}]*route="\/v1\/echoes"[^}]*\} \d+/);
    expect(text).not.toMatch(/811218/);
  });

  it('serves an OpenAPI 3.1 document and docs that load without a CDN', async () => {
    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as Record<string, unknown>;
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths as object)).toContain('/v1/echoes');
    const html = await (await fetch(`${server.url}/docs`)).text();
    expect(html).toContain('/docs/scalar.js');
    expect(html).not.toMatch(/cdn\.jsdelivr|unpkg/);
    const script = await fetch(`${server.url}/docs/scalar.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
  });
});
