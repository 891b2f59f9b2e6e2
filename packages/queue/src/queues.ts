import { z } from 'zod';

/**
 * Every BullMQ queue Samsyn uses, with the payload it carries. BullMQ stores job data in clear text in
 * Redis, so payloads hold ids only, never personal data.
 */
export const queueNames = {
  /**
   * Signed webhook POSTs to a participant party: invitations, updates, cancellations, reminders
   * (as delayed jobs), closure and withdrawal notices. One job per outbox row.
   */
  webhookDelivery: 'webhook-delivery',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export const jobPayloadSchemas = {
  [queueNames.webhookDelivery]: z.strictObject({ deliveryId: z.uuid() }),
} satisfies Record<QueueName, z.ZodType>;

export type JobPayload<Q extends QueueName> = z.infer<(typeof jobPayloadSchemas)[Q]>;

/**
 * The job id of a delivery: BullMQ ignores a job whose id it already holds, which makes relaying an
 * outbox row idempotent. A re-drive bumps the generation so the new job does not meet the dead one.
 */
export function deliveryJobId(deliveryId: string, generation: number): string {
  return `${deliveryId}.${generation}`;
}

/** BullMQ's key prefix under the deployment's Redis prefix. */
export function bullPrefix(redisPrefix: string): string {
  return `${redisPrefix}bull`;
}

/**
 * Exponential backoff with full jitter, capped (AWS architecture blog, "Exponential Backoff And
 * Jitter"): spreads a burst of failures to one receiver instead of retrying in lockstep.
 */
export function retryDelayMs(
  attemptsMade: number,
  baseMs: number,
  maxMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The least total time `attempts` retries can take with these settings: what "retries over 24 h" means. */
export function minimumRetrySpanMs(attempts: number, baseMs: number, maxMs: number): number {
  let total = 0;
  for (let made = 1; made < attempts; made++) total += retryDelayMs(made, baseMs, maxMs, () => 0);
  return total;
}
