import { type Db, deliveries, parties } from '@samsyn/db';
import type { Logger } from '@samsyn/http';
import {
  type JobPayload,
  jobPayloadSchemas,
  queueNames,
  retryDelayMs,
  sendWebhook,
  type WebhookPolicy,
} from '@samsyn/queue';
import { type ConnectionOptions, type Job, type Telemetry, UnrecoverableError, Worker } from 'bullmq';
import { eq, inArray, sql } from 'drizzle-orm';
import { batcher } from './batch';

export interface WebhookWorkerOptions {
  db: Db;
  connection: ConnectionOptions;
  prefix: string;
  logger: Logger;
  policy: WebhookPolicy;
  /** Attempts in all, first included; with the backoff they must span at least a day. */
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  concurrency: number;
  /** How long a worker holds a job before others may take it as stalled (a crashed dispatcher). */
  lockDurationMs: number;
  /** Continues each job's trace from its producer (bullmq-otel); only while tracing is on. */
  telemetry?: Telemetry;
}

const finalStates = new Set(['delivered', 'cancelled', 'dead']);

type RecordedState = 'delivered' | 'retrying' | 'dead';

/** A delivery with what sending it needs; `null` when the row is gone. */
type LoadedDelivery = {
  delivery: typeof deliveries.$inferSelect;
  webhookUrl: string | null;
  webhookSecret: string | null;
  active: boolean | null;
} | null;

/** Where the worker reads a delivery and records each attempt on it. */
export interface DeliveryStore {
  load: (deliveryId: string) => Promise<LoadedDelivery>;
  record: (deliveryId: string, state: RecordedState, lastError: string | null) => Promise<void>;
}

function loadQuery(db: Db, ids: string[]) {
  return db
    .select({
      delivery: deliveries,
      webhookUrl: parties.webhookUrl,
      webhookSecret: parties.webhookSecret,
      active: parties.active,
    })
    .from(deliveries)
    .leftJoin(parties, eq(parties.id, deliveries.partyId))
    .where(inArray(deliveries.id, ids));
}

/** One query per read and per attempt: what a single delivery (a test, a re-drive) needs. */
export function directStore(db: Db): DeliveryStore {
  return {
    load: async (id) => (await loadQuery(db, [id]))[0] ?? null,
    record: async (id, state, lastError) => {
      await db
        .update(deliveries)
        .set({
          state,
          lastError,
          attempts: sql`${deliveries.attempts} + 1`,
          lastAttemptAt: sql`now()`,
          ...(state === 'delivered' ? { deliveredAt: sql`now()` } : {}),
        })
        .where(eq(deliveries.id, id));
    },
  };
}

/**
 * The same reads and writes gathered across the worker's concurrent jobs: one SELECT for every row
 * asked for meanwhile and one UPDATE (one commit) for every attempt recorded meanwhile. A job still
 * completes only after its own attempt is committed, so nothing is acknowledged to BullMQ early.
 */
export function batchedStore(db: Db, maxSize = 200): DeliveryStore {
  const load = batcher<string, LoadedDelivery>({
    maxSize,
    run: async (ids) => {
      const rows = await loadQuery(db, [...new Set(ids)]);
      const byId = new Map(rows.map((row) => [row.delivery.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    },
  });
  const record = batcher<{ id: string; state: RecordedState; lastError: string | null }, true>({
    maxSize,
    // Two attempts at one row in one UPDATE would count as one.
    key: (attempt) => attempt.id,
    run: async (attempts) => {
      const values = sql.join(
        attempts.map((a) => sql`(${a.id}::uuid, ${a.state}, ${a.lastError}::text)`),
        sql`, `,
      );
      await db.execute(sql`
        update ${deliveries} set
          state = v.state,
          last_error = v.last_error,
          attempts = ${deliveries.attempts} + 1,
          last_attempt_at = now(),
          delivered_at = case when v.state = 'delivered' then now() else ${deliveries.deliveredAt} end
        from (values ${values}) as v(id, state, last_error)
        where ${deliveries.id} = v.id`);
      return attempts.map(() => true as const);
    },
  });
  return {
    load,
    record: async (id, state, lastError) => {
      await record({ id, state, lastError });
    },
  };
}

/**
 * Delivers one outbox row as a signed webhook and records the attempt on the row. Cancelled rows
 * (a moved meeting's reminder, a closed SIP's invitation) are dropped here, at send time, whatever
 * is still in the queue. The last failed attempt, or one that cannot succeed, makes the row a dead
 * letter that the API shows and can re-drive.
 */
export async function deliver(
  options: Pick<WebhookWorkerOptions, 'db' | 'policy' | 'maxAttempts'> & { store?: DeliveryStore },
  job: Pick<Job<JobPayload<typeof queueNames.webhookDelivery>>, 'data' | 'attemptsMade'>,
): Promise<string> {
  const store = options.store ?? directStore(options.db);
  const { deliveryId } = jobPayloadSchemas[queueNames.webhookDelivery].parse(job.data);
  const row = await store.load(deliveryId);
  if (!row || finalStates.has(row.delivery.state)) return 'skipped';
  const { delivery } = row;
  const record = (state: RecordedState, lastError: string | null) =>
    store.record(deliveryId, state, lastError);

  if (!row.webhookUrl || !row.webhookSecret || !row.active) {
    await record('dead', 'the party has no active webhook registered');
    throw new UnrecoverableError('no webhook');
  }
  const outcome = await sendWebhook(
    row.webhookUrl,
    row.webhookSecret,
    { id: delivery.id, type: delivery.eventType, timestamp: delivery.createdAt, payload: delivery.payload },
    options.policy,
  );
  if (outcome.ok) {
    await record('delivered', null);
    return 'delivered';
  }
  const last = !outcome.retryable || job.attemptsMade + 1 >= options.maxAttempts;
  await record(last ? 'dead' : 'retrying', outcome.error.slice(0, 500));
  if (last) throw new UnrecoverableError(outcome.error);
  throw new Error(outcome.error);
}

export function startWebhookWorker(options: WebhookWorkerOptions) {
  const store = batchedStore(options.db);
  const worker = new Worker<JobPayload<typeof queueNames.webhookDelivery>>(
    queueNames.webhookDelivery,
    (job) => deliver({ ...options, store }, job),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: Math.max(1000, Math.floor(options.lockDurationMs / 2)),
      // A stalled job is retried however often the dispatcher dies: the row decides when to stop.
      maxStalledCount: 1000,
      ...(options.telemetry ? { telemetry: options.telemetry } : {}),
      settings: {
        backoffStrategy: (attemptsMade: number) =>
          retryDelayMs(attemptsMade, options.backoffBaseMs, options.backoffMaxMs),
      },
    },
  );
  worker.on('error', (error) => options.logger.warn({ err: error.message }, 'webhook worker error'));
  worker.on('failed', (job, error) => {
    if (job)
      options.logger.info(
        { deliveryId: job.data.deliveryId, attempt: job.attemptsMade, err: error.message },
        'delivery attempt failed',
      );
  });
  return worker;
}

/** What every delivery job is added with: retries by our own backoff, finished jobs removed. */
export function webhookJobOptions(maxAttempts: number) {
  return {
    attempts: maxAttempts,
    backoff: { type: 'custom' },
    removeOnComplete: { count: 1000 },
    removeOnFail: { count: 10_000 },
  };
}
