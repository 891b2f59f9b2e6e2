import { createRequire } from 'node:module';
import path from 'node:path';
import { OpenAPIHono } from '@hono/zod-openapi';
import { isDatabaseUnavailable } from '@samsyn/db';
import { Scalar } from '@scalar/hono-api-reference';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { type AuthenticateOptions, authenticate } from './authenticate';
import type { AppEnv } from './env';
import { refuseUnstorableText } from './json-text';
import type { Logger } from './logger';
import { createAllowedMethodsLookup } from './method-not-allowed';
import { createHttpMetrics, type QueueMetricsSource, registerQueueMetrics } from './metrics';
import { type ProblemCode, ProblemError, problemResponse } from './problems';
import { rateLimitCallers } from './rate-limit';
import { bearerSecurityScheme } from './secured';
import { activeTraceId, annotateRequests, traceRequests, tracingEnabled } from './tracing';

export type ReadinessCheck = () => Promise<boolean>;

export interface HostOptions {
  name: string;
  version: string;
  description: string;
  logger: Logger;
  bodyLimitBytes: number;
  /** Named dependency probes for `/readyz`. */
  readiness: Record<string, ReadinessCheck>;
  /** When given, every `/v1` path requires an access token. */
  auth?: AuthenticateOptions;
  /** Paths whose bodies are not JSON (the OAuth token endpoint is form-encoded). */
  nonJsonPaths?: readonly string[];
  publicUrl?: string;
  /**
   * Adds `/bench/constant` (any method), answered before any middleware: the floor a benchmark
   * compares real routes against, in the same process and server. Off in every deployment.
   */
  benchRoutes?: boolean;
  /** Queue and outbox gauges on `/metrics` (the dispatcher). */
  queueMetrics?: QueueMetricsSource;
}

const statusToCode: Partial<Record<number, ProblemCode>> = {
  400: 'malformed-request',
  401: 'unauthenticated',
  403: 'insufficient-scope',
  404: 'not-found',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'validation-failed',
  429: 'rate-limited',
  503: 'service-unavailable',
};

const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);
const jsonContentType = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

function hasBody(c: Context): boolean {
  const length = c.req.header('content-length');
  return (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
}

// The browser bundle is not in the package's `exports`; find it beside the main entry and serve it
// ourselves so /docs works without reaching a CDN. Looked up on first use: a bundled process that
// never serves docs (the dispatcher) need not have the package installed beside it.
let scalarBundle: string | undefined;
function scalarBundlePath(): string {
  scalarBundle ??= path.join(
    path.dirname(createRequire(import.meta.url).resolve('@scalar/api-reference')),
    'browser/standalone.js',
  );
  return scalarBundle;
}

/**
 * The one place that builds an HTTP application: request ids, logs, metrics, size and media-type limits,
 * authentication, problem+json for every failure, health and readiness, the OpenAPI document and docs.
 * A service's own `main.ts` and the gateway both run their routers inside a host made here.
 */
export function createHost(
  options: HostOptions,
  mount: (app: OpenAPIHono<AppEnv>) => void,
): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>();
  const metrics = createHttpMetrics(options.name);
  if (options.queueMetrics) registerQueueMetrics(metrics.registry, options.queueMetrics);
  // Decided once: with tracing off no tracing middleware exists, so it costs a request nothing.
  const traced = tracingEnabled();
  const allowedMethods = createAllowedMethodsLookup(() => app.routes);
  const nonJsonPaths = new Set(options.nonJsonPaths ?? []);

  // Registered first, so its handler answers before every middleware below runs.
  if (options.benchRoutes) app.all('/bench/constant', (c) => c.json({ status: 'ok' }));
  if (traced) app.use(traceRequests());
  app.use(requestId({ headerName: 'X-Request-Id' }));
  if (traced) app.use(annotateRequests());
  app.use(async (c, next) => {
    const started = performance.now();
    const logger = options.logger.child(
      traced
        ? { requestId: c.get('requestId'), traceId: activeTraceId() }
        : { requestId: c.get('requestId') },
    );
    c.set('logger', logger);
    await next();
    const route = c.req.routePath;
    const seconds = (performance.now() - started) / 1000;
    metrics.requests.inc({ method: c.req.method, route, status: String(c.res.status) });
    metrics.duration.observe({ method: c.req.method, route }, seconds);
    const caller = c.var.caller;
    logger.info(
      {
        method: c.req.method,
        path: c.req.path,
        route,
        status: c.res.status,
        ms: Math.round(seconds * 10_000) / 10,
        ...(caller?.kind === 'agency' ? { party: caller.partyId, officer: caller.officerId } : {}),
        ...(caller?.kind === 'citizen' ? { citizenIssuer: caller.issuerId } : {}),
      },
      'request',
    );
  });
  app.use(
    bodyLimit({
      maxSize: options.bodyLimitBytes,
      // The rest of the body is never read, so the connection cannot carry another request: say so,
      // or a keep-alive client sends its next request into a socket that is about to close.
      onError: (c) =>
        problemResponse(c, 'payload-too-large', `the limit is ${options.bodyLimitBytes} bytes`, {
          headers: { connection: 'close' },
        }),
    }),
  );
  const isJsonBody = (c: Context) =>
    bodyMethods.has(c.req.method) && !nonJsonPaths.has(c.req.path) && hasBody(c);
  app.use(async (c, next) => {
    if (isJsonBody(c)) {
      const type = c.req.header('content-type') ?? '';
      if (!jsonContentType.test(type)) {
        return problemResponse(c, 'unsupported-media-type', 'send the body as application/json');
      }
    }
    await next();
  });
  if (options.auth) app.use('/v1/*', authenticate(options.auth));
  if (options.auth?.rateLimiter) app.use('/v1/*', rateLimitCallers(options.auth.rateLimiter));
  app.use(refuseUnstorableText(isJsonBody));

  app.notFound((c) => {
    const allow = allowedMethods(c.req.path);
    if (allow.length > 0) {
      return problemResponse(c, 'method-not-allowed', `allowed: ${allow.join(', ')}`, {
        headers: { allow: allow.join(', ') },
      });
    }
    return problemResponse(c, 'not-found');
  });
  app.onError((error, c) => {
    if (error instanceof ProblemError) return problemResponse(c, error.code, error.detail, error.extra);
    if (error instanceof HTTPException) {
      const code = statusToCode[error.status];
      if (code) return problemResponse(c, code, error.message || undefined);
    }
    if (isDatabaseUnavailable(error)) {
      (c.var.logger ?? options.logger).warn({ err: error.message }, 'database unavailable');
      return problemResponse(c, 'service-unavailable', 'the database is unavailable; retry shortly', {
        headers: { 'retry-after': '2' },
      });
    }
    (c.var.logger ?? options.logger).error({ err: error }, 'unhandled error');
    return problemResponse(c, 'internal-error', `quote request id ${c.get('requestId')} when reporting this`);
  });

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const entries = await Promise.all(
      Object.entries(options.readiness).map(
        async ([name, check]) => [name, await check().catch(() => false)] as const,
      ),
    );
    const checks = Object.fromEntries(entries.map(([name, ok]) => [name, ok ? 'ok' : 'unavailable']));
    const ready = entries.every(([, ok]) => ok);
    if (!ready) {
      const failing = entries.filter(([, ok]) => !ok).map(([name]) => name);
      return problemResponse(c, 'service-unavailable', `not ready: ${failing.join(', ')}`);
    }
    return c.json({ status: 'ready', checks });
  });
  app.get('/metrics', async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
  );

  app.openAPIRegistry.registerComponent('securitySchemes', bearerSecurityScheme, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An access token from `POST /oauth2/token` (RFC 7523 JWT bearer assertion grant). Tokens follow the JWT best current practices of RFC8725: explicit algorithms, issuer and audience checked on every verification.',
  });
  mount(app);

  app.get('/openapi.json', (c) => c.json(openApiDocument(app, options)));
  app.get('/docs/scalar.js', async (c) => {
    const { readFile } = await import('node:fs/promises');
    return c.body(await readFile(scalarBundlePath()), 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=86400',
    });
  });
  app.get(
    '/docs',
    Scalar({
      url: '/openapi.json',
      cdn: '/docs/scalar.js',
      pageTitle: `${options.name} API`,
      // Docs for special-category data stay on this server: no hosted AI, MCP or telemetry features.
      agent: { disabled: true },
      mcp: { disabled: true },
      telemetry: false,
      showDeveloperTools: 'never',
      withDefaultFonts: false,
    }),
  );
  return app;
}

export function openApiDocument(
  app: OpenAPIHono<AppEnv>,
  options: Pick<HostOptions, 'name' | 'version' | 'description' | 'publicUrl'>,
) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: options.name,
      version: options.version,
      description: options.description,
      contact: { name: 'Samsyn' },
      license: { name: 'EUPL-1.2', url: 'https://interoperable-europe.ec.europa.eu/collection/eupl' },
    },
    servers: [
      {
        url: options.publicUrl ?? 'http://localhost:8080',
        description: 'This deployment (local development unless PUBLIC_URL names a production origin)',
        'x-internal': false,
      },
    ],
  });
}
