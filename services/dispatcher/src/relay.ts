import { type Db, deliveries } from '@samsyn/db';
import type { Logger } from '@samsyn/http';
import { deliveryJobId, type JobPayload, type queueNames } from '@samsyn/queue';
import type { Queue } from 'bullmq';
import { and, asc, eq, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { startLoop } from './loop';

type WebhookQueue = Queue<JobPayload<typeof queueNames.webhookDelivery>>;

export interface RelayOptions {
  db: Db;
  queue: WebhookQueue;
  logger: Logger;
  intervalMs: number;
  /** A queued row untouched this long is offered to the queue again (its job may be gone with Redis). */
  requeueAfterMs: number;
  batchSize?: number;
}

function jobFor(row: { id: string; generation: number; notBefore: Date | null }, now: number) {
  return {
    name: 'deliver',
    data: { deliveryId: row.id },
    opts: {
      jobId: deliveryJobId(row.id, row.generation),
      delay: Math.max(0, (row.notBefore?.getTime() ?? 0) - now),
    },
  };
}

/**
 * Moves new outbox rows into BullMQ. Rows are claimed with SKIP LOCKED, so several dispatchers share
 * the work, and each job's id is derived from its row, so a row relayed twice (a crash between adding
 * and marking) is still one job. If Redis is down the transaction rolls back and the rows wait.
 */
export async function relayPending(options: RelayOptions): Promise<number> {
  return options.db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: deliveries.id, generation: deliveries.generation, notBefore: deliveries.notBefore })
      .from(deliveries)
      .where(eq(deliveries.state, 'pending'))
      .orderBy(asc(deliveries.createdAt))
      .limit(options.batchSize ?? 500)
      .for('update', { skipLocked: true });
    if (rows.length === 0) return 0;
    const now = Date.now();
    await options.queue.addBulk(rows.map((row) => jobFor(row, now)));
    await tx
      .update(deliveries)
      .set({ state: 'queued', relayedAt: sql`now()` })
      .where(
        inArray(
          deliveries.id,
          rows.map((row) => row.id),
        ),
      );
    return rows.length;
  });
}

/**
 * Offers rows that should be in the queue but have not moved for a while to it again: a Redis that
 * restarted empty has lost their jobs. Adding is a no-op for a job that still exists; a job BullMQ
 * gave up on while the row says otherwise is retried.
 */
export async function requeueStale(options: RelayOptions): Promise<number> {
  const cutoff = new Date(Date.now() - options.requeueAfterMs);
  return options.db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: deliveries.id, generation: deliveries.generation, notBefore: deliveries.notBefore })
      .from(deliveries)
      .where(
        and(
          inArray(deliveries.state, ['queued', 'retrying']),
          isNotNull(deliveries.relayedAt),
          lt(deliveries.relayedAt, cutoff),
          or(isNull(deliveries.lastAttemptAt), lt(deliveries.lastAttemptAt, cutoff)),
          or(isNull(deliveries.notBefore), lt(deliveries.notBefore, cutoff)),
        ),
      )
      .limit(options.batchSize ?? 500)
      .for('update', { skipLocked: true });
    const now = Date.now();
    for (const row of rows) {
      const job = jobFor(row, now);
      const existing = await options.queue.getJob(job.opts.jobId);
      if (!existing) await options.queue.add(job.name, job.data, job.opts);
      else if (await existing.isFailed()) await existing.retry('failed');
    }
    if (rows.length > 0) {
      await tx
        .update(deliveries)
        .set({ relayedAt: sql`now()` })
        .where(
          inArray(
            deliveries.id,
            rows.map((row) => row.id),
          ),
        );
    }
    return rows.length;
  });
}

/** Runs the relay every `intervalMs` until stopped; failures (Redis away) are logged and retried. */
export function startRelay(options: RelayOptions) {
  let lastRequeue = 0;
  return startLoop('outbox relay', options.intervalMs, options.logger, async (stopped) => {
    while (!stopped() && (await relayPending(options)) > 0);
    if (!stopped() && Date.now() - lastRequeue >= options.requeueAfterMs / 2) {
      lastRequeue = Date.now();
      await requeueStale(options);
    }
  });
}
