import { createRouter, type ServiceDeps } from '@samsyn/http';

export const serviceName = 'samsyn-exchange';
export const serviceDescription =
  'Consent-gated publishing and querying of case status between kommun, region, Försäkringskassan and Arbetsförmedlingen.';

/** The exchange service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(_deps: ServiceDeps) {
  return createRouter();
}
