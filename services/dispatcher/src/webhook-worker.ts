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
import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import { eq, sql } from 'drizzle-orm';

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
}

const finalStates = new Set(['delivered', 'cancelled', 'dead']);

/**
 * Delivers one outbox row as a signed webhook and records the attempt on the row. Cancelled rows
 * (a moved meeting's reminder, a closed SIP's invitation) are dropped here, at send time, whatever
 * is still in the queue. The last failed attempt, or one that cannot succeed, makes the row a dead
 * letter that the API shows and can re-drive.
 */
export async function deliver(
  options: Pick<WebhookWorkerOptions, 'db' | 'policy' | 'maxAttempts'>,
  job: Pick<Job<JobPayload<typeof queueNames.webhookDelivery>>, 'data' | 'attemptsMade'>,
): Promise<string> {
  const { deliveryId } = jobPayloadSchemas[queueNames.webhookDelivery].parse(job.data);
  const [row] = await options.db
    .select({
      delivery: deliveries,
      webhookUrl: parties.webhookUrl,
      webhookSecret: parties.webhookSecret,
      active: parties.active,
    })
    .from(deliveries)
    .leftJoin(parties, eq(parties.id, deliveries.partyId))
    .where(eq(deliveries.id, deliveryId));
  if (!row || finalStates.has(row.delivery.state)) return 'skipped';
  const { delivery } = row;
  const record = (state: 'delivered' | 'retrying' | 'dead', lastError: string | null) =>
    options.db
      .update(deliveries)
      .set({
        state,
        lastError,
        attempts: sql`${deliveries.attempts} + 1`,
        lastAttemptAt: sql`now()`,
        ...(state === 'delivered' ? { deliveredAt: sql`now()` } : {}),
      })
      .where(eq(deliveries.id, deliveryId));

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
  const worker = new Worker<JobPayload<typeof queueNames.webhookDelivery>>(
    queueNames.webhookDelivery,
    (job) => deliver(options, job),
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockDurationMs,
      stalledInterval: Math.max(1000, Math.floor(options.lockDurationMs / 2)),
      // A stalled job is retried however often the dispatcher dies: the row decides when to stop.
      maxStalledCount: 1000,
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
