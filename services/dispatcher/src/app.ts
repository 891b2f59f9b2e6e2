import { createRouter, type ServiceDeps } from '@samsyn/http';

export const serviceName = 'samsyn-dispatcher';
export const serviceDescription =
  'Relays the outbox to BullMQ and runs the delivery, reminder and dead-letter workers.';

/** The dispatcher's own HTTP surface is operational only (health, readiness, metrics, from the host). */
export function createApp(_deps: Pick<ServiceDeps, 'db' | 'logger'>) {
  return createRouter();
}
