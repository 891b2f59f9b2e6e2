import {
  type Attributes,
  type AttributeValue,
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { NodeTracerProvider, ReadableSpan, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { DatabaseTracer } from '@samsyn/db';
import { redactPersonNumbers } from '@samsyn/domain';
import type { MiddlewareHandler } from 'hono';
import type { ServiceConfig } from './config';
import type { AppEnv } from './env';

/**
 * OpenTelemetry traces, exported over OTLP/HTTP (JSON) when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
 * Unset, nothing here is started, nor even loaded: the host adds no middleware, the database client
 * is postgres.js itself and queues get no telemetry, so tracing that is off costs nothing per request
 * and no memory for the SDK.
 *
 * Spans never carry personal data. Bodies and query parameters are never recorded, and every span
 * passes through {@link scrubbed} before export: no query string in `url.full`, and anything shaped
 * like a personnummer in a name, attribute or event (an error message quoting a value) redacted,
 * as the logger does.
 */

let provider: NodeTracerProvider | undefined;
let serverSpans: typeof import('@hono/otel').httpInstrumentationMiddleware | undefined;

const tracerName = '@samsyn/http';

export type TracingConfig = Partial<
  Pick<ServiceConfig, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_HEADERS' | 'OTEL_SERVICE_NAME'>
>;

/**
 * BullMQ traces its own polling: a blocking fetch every few seconds per idle worker and the stalled
 * job check. As roots of traces of their own they are only noise; spans with a parent are unaffected.
 */
const pollingSpans = /^(?:getNextJob|moveStalledJobsToWait|startStalledCheckTimer)\b/;

/**
 * Starts tracing for this process if an endpoint is configured; resolves to whether it did. Await
 * it first in `main.ts`, before the database and the host are made: both decide once, at creation,
 * whether to trace.
 */
export async function startTracing(
  config: TracingConfig,
  service: { name: string; version: string },
): Promise<boolean> {
  if (provider) return true;
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return false;
  const [sdk, { OTLPTraceExporter }, { resourceFromAttributes }, otel] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@hono/otel'),
  ]);
  const quietRoots: Sampler = {
    shouldSample: (_context, _traceId, spanName, spanKind) => ({
      decision:
        spanKind === SpanKind.INTERNAL && pollingSpans.test(spanName)
          ? sdk.SamplingDecision.NOT_RECORD
          : sdk.SamplingDecision.RECORD_AND_SAMPLED,
    }),
    toString: () => 'QuietRootSampler',
  };
  const started = new sdk.NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.OTEL_SERVICE_NAME ?? service.name,
      'service.version': service.version,
    }),
    // An incoming `traceparent` decides for its request; our own roots are all kept but BullMQ's polling.
    sampler: new sdk.ParentBasedSampler({ root: quietRoots }),
    spanProcessors: [
      new ScrubbingSpanProcessor(
        new sdk.BatchSpanProcessor(
          new OTLPTraceExporter({
            url: `${endpoint.replace(/\/+$/, '')}/v1/traces`,
            headers: config.OTEL_EXPORTER_OTLP_HEADERS ?? {},
            timeoutMillis: 10_000,
          }),
        ),
      ),
    ],
  });
  // Registers W3C Trace Context (with W3C Baggage, which Samsyn never sets) and AsyncLocalStorage.
  started.register();
  provider = started;
  serverSpans = otel.httpInstrumentationMiddleware;
  return true;
}

export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** Exports every finished span now (tests; shutdown does it by itself). */
export async function flushTracing(): Promise<void> {
  await provider?.forceFlush();
}

/**
 * Flushes what is batched and stops tracing; a no-op when it never started. Bounded, so a collector
 * that does not answer cannot hold up a shutdown.
 */
export async function shutdownTracing(timeoutMs = 5000): Promise<void> {
  const stopping = provider;
  provider = undefined;
  serverSpans = undefined;
  if (!stopping) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    stopping.shutdown().catch(() => {}),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  trace.disable();
  context.disable();
  propagation.disable();
}

// Polled by a monitor, a prober or an operator's open dashboard; traced, they would bury the
// requests anyone wants to look at.
function untraced(path: string): boolean {
  return path === '/healthz' || path === '/readyz' || path === '/metrics' || /^\/admin(?:\/|$)/.test(path);
}

/**
 * Server spans for the host, by @hono/otel: named by method and route pattern, never by the URL
 * with its ids; an incoming `traceparent` is honoured. Add only when {@link tracingEnabled}.
 */
export function traceRequests(): MiddlewareHandler<AppEnv> {
  if (!serverSpans) throw new Error('tracing is not started');
  const instrument = serverSpans({ captureActiveRequests: false });
  return (c, next) => (untraced(c.req.path) ? next() : instrument(c, next));
}

/** Ids an operator can search by: the request id, and the calling organisation once known. */
export function annotateRequests(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const span = trace.getSpan(context.active());
    span?.setAttribute('samsyn.request_id', c.get('requestId'));
    await next();
    const caller = c.var.caller;
    if (caller?.kind === 'agency') span?.setAttribute('samsyn.party', caller.partyId);
  };
}

/** The active trace's id, for log lines; undefined outside a traced request. */
export function activeTraceId(): string | undefined {
  return trace.getSpan(context.active())?.spanContext().traceId;
}

const firstKeyword = /^[\s(]*([A-Za-z]+)/;
const firstTable = /\b(?:from|into|update|join)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/i;
const sqlState = /^[A-Z0-9_]{1,40}$/;

/**
 * Database spans for `createDatabase` while tracing is on; undefined otherwise, so the client is
 * left bare. A statement gets a span only inside a traced operation: the relay's and the
 * sequencer's polls many times a second would otherwise each make a trace of their own.
 */
export function databaseTracer(): DatabaseTracer | undefined {
  if (!provider) return undefined;
  const tracer = trace.getTracer(tracerName);
  const system = {
    'db.system.name': 'postgresql',
    // The pre-1.26 name, which many trace views still group database calls by.
    'db.system': 'postgresql',
  };
  return {
    statement: (text) => {
      const parent = context.active();
      if (!trace.getSpan(parent)) return undefined;
      // Only a keyword and an identifier are taken from the text, never a literal or a parameter.
      const operation = firstKeyword.exec(text)?.[1]?.toUpperCase() ?? 'OTHER';
      const table = firstTable.exec(text)?.[1];
      const summary = table ? `${operation} ${table}` : operation;
      const span = tracer.startSpan(
        summary,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            ...system,
            'db.operation.name': operation,
            'db.query.summary': summary,
            ...(table ? { 'db.collection.name': table } : {}),
          },
        },
        parent,
      );
      return (error) => {
        if (error !== undefined) {
          // The SQLSTATE only: a message can quote the value that failed.
          const code = (error as { code?: unknown } | null)?.code;
          const state = typeof code === 'string' && sqlState.test(code) ? code : undefined;
          span.setAttribute('error.type', state ?? 'error');
          if (state) span.setAttribute('db.response.status_code', state);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      };
    },
    transaction: (run) => {
      if (!trace.getSpan(context.active())) return run();
      return tracer.startActiveSpan(
        'transaction',
        { kind: SpanKind.CLIENT, attributes: { ...system, 'db.operation.name': 'TRANSACTION' } },
        async (span) => {
          try {
            return await run();
          } catch (error) {
            span.setStatus({ code: SpanStatusCode.ERROR });
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },
  };
}

/** Hands every finished span on only as {@link scrubbed}. */
class ScrubbingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(...args: Parameters<SpanProcessor['onStart']>): void {
    this.next.onStart(...args);
  }

  onEnd(span: ReadableSpan): void {
    this.next.onEnd(scrubbed(span));
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

function scrubText(text: string): string {
  return redactPersonNumbers(text);
}

function scrubValue(key: string, value: AttributeValue | undefined): AttributeValue | undefined {
  if (typeof value === 'string') {
    // A query string is whatever the caller put there; the path is what the logs carry too.
    return scrubText(key === 'url.full' ? value.replace(/[?#].*$/s, '') : value);
  }
  if (Array.isArray(value) && value.some((item) => typeof item === 'string')) {
    return (value as Array<string | null | undefined>).map((item) =>
      typeof item === 'string' ? scrubText(item) : item,
    );
  }
  return value;
}

function scrubAttributes(attributes: Attributes): Attributes {
  const clean: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) clean[key] = scrubValue(key, value);
  return clean;
}

/** The span as it may leave the process; the recorded one is left as it was. */
export function scrubbed(span: ReadableSpan): ReadableSpan {
  return {
    name: scrubText(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status:
      span.status.message === undefined
        ? span.status
        : { ...span.status, message: scrubText(span.status.message) },
    attributes: scrubAttributes(span.attributes),
    links: span.links.map((link) =>
      link.attributes ? { ...link, attributes: scrubAttributes(link.attributes) } : link,
    ),
    events: span.events.map((event) => ({
      ...event,
      name: scrubText(event.name),
      ...(event.attributes ? { attributes: scrubAttributes(event.attributes) } : {}),
    })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
