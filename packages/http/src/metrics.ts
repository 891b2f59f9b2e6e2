import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
}

/**
 * Prometheus metrics for one process. Labels are route *patterns* and status codes only: a label
 * never carries an id, let alone personal data.
 */
export function createHttpMetrics(service: string): HttpMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    requests: new Counter({
      name: 'samsyn_http_requests_total',
      help: 'HTTP requests by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'samsyn_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

/** Where the queue gauges read from, at scrape time. */
export interface QueueMetricsSource {
  /** Jobs per queue name and state, e.g. `{ 'webhook-delivery': { waiting: 3, active: 1 } }`. */
  jobCounts: () => Promise<Record<string, Record<string, number>>>;
  /** The outbox: rows not yet relayed to a queue, the age of the oldest, and dead letters. */
  outbox: () => Promise<{ pending: number; oldestPendingSeconds: number; dead: number }>;
}

/**
 * A scrape must not hang on a Redis or PostgreSQL that does not answer: past this, the gauges
 * report no samples for that scrape and the rest of the page is served.
 */
const sourceTimeoutMs = 2000;

function withinTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('metrics source timed out')), sourceTimeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Queue and outbox gauges, read when Prometheus scrapes (prom-client `collect`), so nothing polls in
 * between. Labels are queue names and job states only.
 */
export function registerQueueMetrics(registry: Registry, source: QueueMetricsSource): void {
  new Gauge({
    name: 'samsyn_queue_jobs',
    help: 'BullMQ jobs by queue and state, read at scrape time',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = await withinTimeout(source.jobCounts()).catch(() => undefined);
      for (const [queue, states] of Object.entries(counts ?? {}))
        for (const [state, count] of Object.entries(states)) this.set({ queue, state }, count);
    },
  });
  // The three outbox gauges are collected together in one scrape: they share one query.
  let reading: Promise<Awaited<ReturnType<QueueMetricsSource['outbox']>> | undefined> | undefined;
  const outbox = () => {
    reading ??= withinTimeout(source.outbox())
      .catch(() => undefined)
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
  const outboxGauge = (
    name: string,
    help: string,
    pick: (value: Awaited<ReturnType<QueueMetricsSource['outbox']>>) => number,
  ) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.reset();
        const value = await outbox();
        if (value) this.set(pick(value));
      },
    });
  outboxGauge(
    'samsyn_outbox_pending_messages',
    'Outbox rows not yet relayed to the queue',
    (value) => value.pending,
  );
  outboxGauge(
    'samsyn_outbox_oldest_pending_age_seconds',
    'Age of the oldest outbox row not yet relayed (0 when there is none)',
    (value) => value.oldestPendingSeconds,
  );
  outboxGauge(
    'samsyn_outbox_dead_letters',
    'Messages given up on (dead letters), waiting for a re-drive',
    (value) => value.dead,
  );
}
