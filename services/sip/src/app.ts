import { createRouter, type ServiceDeps } from '@samsyn/http';
import { registerCallMeeting } from './routes/call-meeting';
import { registerChangeMeeting } from './routes/change-meeting';
import { registerDeliveries } from './routes/deliveries';
import { registerGetSip } from './routes/get-sip';
import { registerInvitations } from './routes/invitations';
import { registerOpenSip } from './routes/open-sip';
import { registerTransitionSip } from './routes/transition-sip';
import { registerUpdateSip } from './routes/update-sip';

export const serviceName = 'samsyn-sip';
export const serviceDescription =
  'SIP (samordnad individuell plan): plans, meetings, invitations delivered as signed webhooks, RSVPs and reminders.';

/** The SIP service's routes; hosted alone by main.ts or together with the others by the gateway. */
export function createApp(deps: ServiceDeps) {
  const app = createRouter();
  registerOpenSip(app, deps);
  registerGetSip(app, deps);
  registerUpdateSip(app, deps);
  registerTransitionSip(app, deps);
  registerCallMeeting(app, deps);
  registerChangeMeeting(app, deps);
  registerInvitations(app, deps);
  registerDeliveries(app, deps);
  return app;
}
