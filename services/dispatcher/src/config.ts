import { serviceConfigFields, tracingConfigFields, webhookPolicyFields } from '@samsyn/http';
import { z } from 'zod';

const ms = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const dispatcherConfigSchema = z.object({
  DATABASE_URL: serviceConfigFields.DATABASE_URL,
  /** Connections for the relay, the sequencer and the workers' batched reads and writes. */
  DB_POOL_MAX: serviceConfigFields.DB_POOL_MAX.default(6),
  REDIS_URL: serviceConfigFields.REDIS_URL,
  REDIS_PREFIX: serviceConfigFields.REDIS_PREFIX,
  LOG_LEVEL: serviceConfigFields.LOG_LEVEL,
  HOST: serviceConfigFields.HOST,
  /** Port of the health/readiness/metrics endpoint; 0 picks a free one. */
  DISPATCHER_PORT: serviceConfigFields.PORT.default(8090),
  /** How often committed access-log entries get their gap-free sequence number. */
  AUDIT_SEQUENCE_INTERVAL_MS: ms(50, 60_000).default(1000),
  /**
   * How often new outbox rows are moved into the queue: the wait a new message has before it is sent.
   * An idle poll is one indexed lookup on the partial index of pending rows.
   */
  RELAY_INTERVAL_MS: ms(20, 60_000).default(50),
  /** A queued row untouched this long is offered to the queue again (its job may be lost with Redis). */
  REQUEUE_AFTER_MS: ms(500, 3_600_000).default(300_000),
  /** Attempts per webhook, first included; with the backoff below, 60 spans more than 24 hours. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(60),
  WEBHOOK_BACKOFF_BASE_MS: ms(10, 3_600_000).default(10_000),
  WEBHOOK_BACKOFF_MAX_MS: ms(10, 86_400_000).default(3_600_000),
  WEBHOOK_TIMEOUT_MS: ms(100, 120_000).default(10_000),
  /** Deliveries in flight; their reads and writes are batched, so more of them cost few queries. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(50),
  /** A delivery held longer than this by a dispatcher that died is taken over by another. */
  WEBHOOK_LOCK_DURATION_MS: ms(1000, 600_000).default(30_000),
  /**
   * How often persons whose case changed are evaluated for signals; an idle poll is one indexed look
   * at the small `signal_changes` table.
   */
  SIGNAL_CHANGE_INTERVAL_MS: ms(50, 60_000).default(1000),
  /**
   * How often the scheduled sweep (a BullMQ repeatable job, once per interval across all dispatchers)
   * evaluates the persons whose time conditions have come due; rules count whole days.
   */
  SIGNAL_SWEEP_INTERVAL_MS: ms(1000, 86_400_000).default(300_000),
  ...webhookPolicyFields,
  /** The gateway's private key signs the access log's tree heads; its public URL is their issuer. */
  GATEWAY_SIGNING_KEY_FILE: serviceConfigFields.GATEWAY_SIGNING_KEY_FILE,
  PUBLIC_URL: serviceConfigFields.PUBLIC_URL,
  /** The gateway's port, for the default PUBLIC_URL. */
  PORT: serviceConfigFields.PORT,
  ...tracingConfigFields,
  /** The operators' user name for the queue dashboard at /admin/queues (HTTP Basic). */
  OPERATOR_USER: z
    .string()
    .min(1)
    .max(100)
    .refine((value) => !value.includes(':'), 'must not contain ":" (HTTP Basic)')
    .default('operator'),
  /** Unset, the queue dashboard is not mounted at all. */
  OPERATOR_PASSWORD: z.string().min(16, 'must be at least 16 characters').max(200).optional(),
});

export type DispatcherConfig = z.infer<typeof dispatcherConfigSchema>;
