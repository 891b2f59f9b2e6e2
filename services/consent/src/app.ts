import { createRouter, type ServiceDeps } from '@samsyn/http';
import { registerAcknowledgeWithdrawal } from './routes/acknowledge-withdrawal';
import { registerAuditProofs } from './routes/audit-proofs';
import { registerAccessReview } from './routes/audit-reviews';
import { registerGetConsent } from './routes/get-consent';
import { registerMyAccessLog } from './routes/me-access-log';
import { registerMyConsents } from './routes/me-consents';
import { registerMyRepresentations } from './routes/me-representations';
import { registerQueryConsents } from './routes/query-consents';
import { registerRecordConsent } from './routes/record-consent';
import { registerRepresentations } from './routes/representations';
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
  registerRepresentations(app, deps);
  registerMyRepresentations(app, deps);
  registerMyConsents(app, deps);
  registerMyAccessLog(app, deps);
  registerAuditProofs(app, deps);
  registerAccessReview(app, deps);
  return app;
}
