import { createRouter, type ServiceDeps } from '@samsyn/http';
import { mountQueueBoard, type QueueBoardOptions } from './board';

export const serviceName = 'samsyn-dispatcher';
export const serviceDescription =
  'Relays the outbox to BullMQ and runs the delivery, reminder and dead-letter workers.';

export interface DispatcherAppDeps extends Pick<ServiceDeps, 'db' | 'logger'> {
  /** The operators' queue dashboard; left out, `/admin/queues` does not exist. */
  board?: QueueBoardOptions;
}

/**
 * The dispatcher's own HTTP surface is operational only: health, readiness and metrics (from the
 * host) and, when an operator password is configured, the queue dashboard.
 */
export function createApp(deps: DispatcherAppDeps) {
  const router = createRouter();
  if (deps.board) mountQueueBoard(router, deps.board);
  return router;
}
