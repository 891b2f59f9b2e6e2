/**
 * BullMQ on its own, as a yardstick for what Samsyn does on top of it: how fast `addBulk` adds jobs and
 * a no-op worker processes them, on the same Redis the product uses. Benchmarks only; it lives here
 * because this package owns the BullMQ dependency.
 */
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

export interface BullmqBaseline {
  /** Jobs a second added with `addBulk` in batches of `batch`. */
  addedPerSecond: number;
  /** Jobs a second a worker with an empty processor completed, from its start to the last job. */
  processedPerSecond: number;
}

export async function measureBullmqBaseline(options: {
  redisUrl: string;
  /** A BullMQ prefix of its own; everything under it is removed afterwards. */
  prefix: string;
  jobs: number;
  batch?: number;
  concurrency?: number;
}): Promise<BullmqBaseline> {
  const batch = options.batch ?? 1000;
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('baseline', { connection, prefix: options.prefix });
  try {
    const addStarted = performance.now();
    for (let added = 0; added < options.jobs; added += batch) {
      await queue.addBulk(
        Array.from({ length: Math.min(batch, options.jobs - added) }, (_, i) => ({
          name: 'noop',
          data: { i: added + i },
          // The cheapest settings BullMQ offers, so the yardstick is not handicapped.
          opts: { removeOnComplete: true },
        })),
      );
    }
    const addedPerSecond = options.jobs / ((performance.now() - addStarted) / 1000);
    let done = 0;
    const worker = new Worker('baseline', async () => {}, {
      connection: workerConnection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 100,
      autorun: false,
    });
    const finished = new Promise<void>((resolve) => {
      worker.on('completed', () => {
        if (++done === options.jobs) resolve();
      });
    });
    const workStarted = performance.now();
    void worker.run();
    await finished;
    const processedPerSecond = options.jobs / ((performance.now() - workStarted) / 1000);
    await worker.close();
    return { addedPerSecond, processedPerSecond };
  } finally {
    await queue.obliterate({ force: true }).catch(() => {});
    await queue.close();
    connection.disconnect();
    workerConnection.disconnect();
  }
}
