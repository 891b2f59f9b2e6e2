import { createRouter, type ServiceDeps } from '@samsyn/http';

export const serviceName = 'samsyn-metrics';
export const serviceDescription =
  'Finsam follow-up aggregates for samordningsförbund, after small-cell suppression.';

/** The metrics service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(_deps: ServiceDeps) {
  return createRouter();
}
