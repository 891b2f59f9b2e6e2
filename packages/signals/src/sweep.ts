import { type ConnectionOptions, Queue, type Telemetry, Worker } from 'bullmq';
import { z } from 'zod';
import type { SignalEngine, SignalLogger } from './engine';

/**
 * The queue of the scheduled sweep. One repeatable job (a BullMQ job scheduler) per interval,
 * cluster-wide however many dispatchers run, so the due persons are swept once per interval rather
 * than once per process. The job carries nothing: what is due is in `signal_schedule`.
 */
export const signalQueueName = 'signal-evaluation';
export const signalSweepSchedulerId = 'signal-sweep';
export const signalSweepPayloadSchema = z.strictObject({});

export interface SignalSweepOptions {
  engine: SignalEngine;
  logger: SignalLogger;
  /** For the queue: commands that may fail fast while Redis is away. */
  queueConnection: ConnectionOptions;
  /** For the worker, whose blocking reads must wait for Redis (`maxRetriesPerRequest: null`). */
  workerConnection: ConnectionOptions;
  prefix: string;
  intervalMs: number;
  telemetry?: Telemetry;
}

export function startSignalSweep(options: SignalSweepOptions) {
  const telemetry = options.telemetry ? { telemetry: options.telemetry } : {};
  const queue = new Queue(signalQueueName, {
    connection: options.queueConnection,
    prefix: options.prefix,
    ...telemetry,
  });
  queue.on('error', () => {});
  let stopping = false;
  const worker = new Worker(
    signalQueueName,
    async (job) => {
      signalSweepPayloadSchema.parse(job.data);
      const evaluated = await options.engine.processDue({ stopped: () => stopping });
      return { evaluated: evaluated.length };
    },
    {
      connection: options.workerConnection,
      prefix: options.prefix,
      // One sweep at a time per dispatcher; several dispatchers share the rows through their locks.
      concurrency: 1,
      ...telemetry,
    },
  );
  worker.on('error', (error) => options.logger.warn({ err: error.message }, 'signal sweep worker error'));
  worker.on('failed', (_job, error) => options.logger.warn({ err: error.message }, 'signal sweep failed'));
  let scheduled = false;
  return {
    queue,
    worker,
    /**
     * Registers the repeatable job; idempotent, and an interval changed in the configuration replaces
     * the old one. Called from the change loop until it succeeds, so a Redis that is away at start
     * only delays it.
     */
    ensureScheduled: async () => {
      if (scheduled) return;
      await queue.upsertJobScheduler(
        signalSweepSchedulerId,
        { every: options.intervalMs },
        { name: 'sweep', data: {}, opts: { removeOnComplete: 100, removeOnFail: 1000 } },
      );
      scheduled = true;
    },
    stop: async () => {
      stopping = true;
      await worker.close();
      await queue.close();
    },
  };
}

export type SignalSweep = ReturnType<typeof startSignalSweep>;
