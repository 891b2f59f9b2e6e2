import { createRouter, type ServiceDeps } from '@samsyn/http';

export const serviceName = 'samsyn-consent';
export const serviceDescription =
  'Consent registry, representatives’ access and the audit log of every read.';

/** The consent service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(_deps: ServiceDeps) {
  return createRouter();
}
