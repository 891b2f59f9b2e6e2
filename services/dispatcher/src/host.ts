import type { Db } from '@samsyn/db';
import { createHost, type Logger, type ReadinessCheck } from '@samsyn/http';
import type { Queue } from 'bullmq';
import { createApp, serviceDescription, serviceName } from './app';
import type { QueueBoardOptions } from './board';
import { queueMetricsSource } from './queue-metrics';

/** The dispatcher's HTTP port: health, readiness, metrics with the queue gauges, the dashboard. */
export function createDispatcherHost(deps: {
  db: Db;
  logger: Logger;
  readiness: Record<string, ReadinessCheck>;
  queues: readonly Queue[];
  board?: QueueBoardOptions['credentials'];
}) {
  return createHost(
    {
      name: serviceName,
      version: '0.1.0',
      description: serviceDescription,
      logger: deps.logger,
      bodyLimitBytes: 64 * 1024,
      readiness: deps.readiness,
      queueMetrics: queueMetricsSource(deps.db, deps.queues),
    },
    (host) =>
      host.route(
        '/',
        createApp({
          db: deps.db,
          logger: deps.logger,
          ...(deps.board ? { board: { credentials: deps.board, queues: deps.queues } } : {}),
        }),
      ),
  );
}
