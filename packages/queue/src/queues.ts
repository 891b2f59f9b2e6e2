import { z } from 'zod';

/**
 * Every BullMQ queue Samsyn uses, with the payload it carries. BullMQ stores job data in clear text in
 * Redis, so payloads hold ids only, never personal data.
 */
export const queueNames = {
  /** Outbox rows relayed from PostgreSQL, one job per row. */
  outboxRelay: 'outbox-relay',
  /** Signed webhook POSTs to a participant party. */
  webhookDelivery: 'webhook-delivery',
  /** Delayed SIP meeting reminders. */
  reminders: 'reminders',
} as const;

export type QueueName = (typeof queueNames)[keyof typeof queueNames];

export const jobPayloadSchemas = {
  [queueNames.outboxRelay]: z.object({ outboxId: z.uuid().max(36) }).strict(),
  [queueNames.webhookDelivery]: z
    .object({ outboxId: z.uuid().max(36), partyId: z.string().max(100) })
    .strict(),
  [queueNames.reminders]: z.object({ meetingId: z.uuid().max(36), partyId: z.string().max(100) }).strict(),
} satisfies Record<QueueName, z.ZodType>;

export type JobPayload<Q extends QueueName> = z.infer<(typeof jobPayloadSchemas)[Q]>;
