import { createRouter, type ServiceDeps } from '@samsyn/http';
import { registerAcknowledgeWithdrawal } from './routes/acknowledge-withdrawal';
import { registerGetConsent } from './routes/get-consent';
import { registerQueryConsents } from './routes/query-consents';
import { registerRecordConsent } from './routes/record-consent';
import { registerRevokeConsent } from './routes/revoke-consent';

export const serviceName = 'samsyn-consent';
export const serviceDescription =
  'Consent registry, representatives’ access and the audit log of every read.';

/** The consent service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(deps: ServiceDeps) {
  const app = createRouter();
  registerRecordConsent(app, deps);
  registerGetConsent(app, deps);
  registerQueryConsents(app, deps);
  registerRevokeConsent(app, deps);
  registerAcknowledgeWithdrawal(app, deps);
  return app;
}
