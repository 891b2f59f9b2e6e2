import { createRouter, type ServiceDeps } from '@samsyn/http';

export const serviceName = 'samsyn-sip';
export const serviceDescription = 'Samordnad individuell plan (SIP): plans, meetings and invitations.';

/** The sip service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(_deps: ServiceDeps) {
  return createRouter();
}
