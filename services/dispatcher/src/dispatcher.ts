import type { SigningKey } from '@samsyn/auth';
import type { Db } from '@samsyn/db';
import type { Logger } from '@samsyn/http';
import { bullPrefix, type JobPayload, queueNames, queueTelemetry, type WebhookPolicy } from '@samsyn/queue';
import { createSignalEngine } from '@samsyn/signals';
import { startSignalSweep } from '@samsyn/signals/sweep';
import { Queue, type Telemetry } from 'bullmq';
import { Redis } from 'ioredis';
import { startAuditSequencer } from './audit-sequencer';
import { startLoop } from './loop';
import { startRelay } from './relay';
import { startWebhookWorker, webhookJobOptions } from './webhook-worker';

export interface DispatcherSettings {
  db: Db;
  logger: Logger;
  redisUrl: string;
  redisPrefix: string;
  policy: WebhookPolicy;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  concurrency: number;
  lockDurationMs: number;
  relayIntervalMs: number;
  requeueAfterMs: number;
  auditSequenceIntervalMs: number;
  /** The gateway's key and issuer, to sign tree heads of the sealed access log. */
  signer?: { signingKey: SigningKey; issuer: string };
  /** Trace each job from the relay to its webhook call; only when tracing was started. */
  tracing?: boolean;
  /** Signal evaluation (packages/signals); left out, this dispatcher evaluates none. */
  signals?: { changeIntervalMs: number; sweepIntervalMs: number };
}

/**
 * Everything the dispatcher runs: the outbox relay, the webhook workers, the access-log sequencer
 * and signal evaluation (a loop over changed persons and a scheduled sweep over due ones; the
 * signals it raises leave through the same outbox). `stop` closes them in the order that loses
 * nothing: stop taking work, let running deliveries finish, then drop the connections.
 */
export function startDispatcher(settings: DispatcherSettings) {
  const prefix = bullPrefix(settings.redisPrefix);
  const telemetry = settings.tracing ? { telemetry: queueTelemetry() } : {};
  // The relay fails fast when Redis is away (rows wait in the outbox); workers wait for it.
  const queueConnection = new Redis(settings.redisUrl, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  queueConnection.on('error', () => {});
  const queue = new Queue<JobPayload<typeof queueNames.webhookDelivery>>(queueNames.webhookDelivery, {
    connection: queueConnection,
    prefix,
    defaultJobOptions: webhookJobOptions(settings.maxAttempts),
    ...telemetry,
  });
  queue.on('error', () => {});
  const workerConnection = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  workerConnection.on('error', () => {});
  const worker = startWebhookWorker({ ...settings, ...telemetry, connection: workerConnection, prefix });
  const relay = startRelay({
    db: settings.db,
    queue,
    logger: settings.logger,
    intervalMs: settings.relayIntervalMs,
    requeueAfterMs: settings.requeueAfterMs,
  });
  const sequencer = startAuditSequencer({
    db: settings.db,
    logger: settings.logger,
    intervalMs: settings.auditSequenceIntervalMs,
    ...(settings.signer ? { signer: settings.signer } : {}),
  });
  const signals =
    settings.signals &&
    startSignals(settings, settings.signals, { queueConnection, workerConnection, prefix, telemetry });
  return {
    queue,
    worker,
    /** Signal evaluation, when it runs here: its queue (for metrics and the board) and one whole pass (tests). */
    signals: signals && { queue: signals.sweep.queue, runPass: signals.engine.runPass },
    stop: async () => {
      await signals?.stop();
      await relay.stop();
      await sequencer.stop();
      await worker.close();
      await queue.close();
      workerConnection.disconnect();
      queueConnection.disconnect();
    },
  };
}

function startSignals(
  settings: DispatcherSettings,
  intervals: { changeIntervalMs: number; sweepIntervalMs: number },
  redis: {
    queueConnection: Redis;
    workerConnection: Redis;
    prefix: string;
    telemetry: { telemetry?: Telemetry };
  },
) {
  const engine = createSignalEngine({ db: settings.db, logger: settings.logger });
  const sweep = startSignalSweep({
    engine,
    logger: settings.logger,
    queueConnection: redis.queueConnection,
    workerConnection: redis.workerConnection,
    prefix: redis.prefix,
    intervalMs: intervals.sweepIntervalMs,
    ...redis.telemetry,
  });
  // The sweep's schedule is registered from here until it succeeds, so Redis away at start only delays it.
  const changes = startLoop(
    'signal evaluation',
    intervals.changeIntervalMs,
    settings.logger,
    async (stopped) => {
      await sweep.ensureScheduled();
      await engine.processChanges({ stopped });
    },
  );
  return {
    engine,
    sweep,
    stop: async () => {
      await changes.stop();
      await sweep.stop();
    },
  };
}
